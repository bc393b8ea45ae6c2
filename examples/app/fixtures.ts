// The shop's test fixtures: freshmock's (a server per worker, reset before each test, the
// `widget` page object, console errors failing the test) from the kit, and the shop itself,
// started as its own process per worker with FRESHMOCK_URL pointing at that worker's server:
// the usual set-up of an app and its tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
// ANCHOR: import_test
import { test as base, expect } from 'freshmock/test';
// ANCHOR_END: import_test
import type { Freshmock } from 'freshmock';

export { expect };

export interface Shop {
  url: string;
  stop(): Promise<void>;
}

/** Starts the shop (server.js) against `freshmock`, with more environment if given. */
export async function startShop(freshmock: Freshmock, env: Record<string, string> = {}): Promise<Shop> {
  const { secret } = await freshmock.secret();
  const child: ChildProcess = spawn(process.execPath, [fileURLToPath(new URL('./server.js', import.meta.url))], {
    env: { ...process.env, FRESHMOCK_URL: freshmock.url, WIDGET_SECRET: secret, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => {
      out += d;
      const m = /shop listening on (\S+)/.exec(out);
      if (m) resolve(`${m[1]}/`);
    });
    child.once('exit', (code) => reject(new Error(`the shop exited with ${code}: ${out}`)));
  });
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

// ANCHOR: shop_fixtures
export const test = base.extend<{ shop: string }, { shopServer: Shop }>({
  shopServer: [
    async ({ freshmockServer }, use) => {
      const shop = await startShop(freshmockServer);
      await use(shop);
      await shop.stop();
    },
    { scope: 'worker' },
  ],
  shop: async ({ shopServer }, use) => {
    await use(shopServer.url);
  },
});
// ANCHOR_END: shop_fixtures

/** Signs in on the shop's own form, as a customer does. */
export async function login(page: Page, shop: string, email: string): Promise<void> {
  await page.goto(shop);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('kettle');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByText('Signed in as')).toBeVisible();
}
