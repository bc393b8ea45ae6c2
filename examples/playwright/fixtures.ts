// The suite's fixtures: freshmock's, from the kit (a server per worker, reset before each
// test, token, loginWidget, the `widget` page object, matchers), and the host site, served
// per worker from a second origin with the widget script pointed at that worker's freshmock.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page, FrameLocator } from '@playwright/test';
import { test as base, expect, Widget } from 'freshmock/test';

export { expect };

export const test = base.extend<object, { site: string }>({
  site: [
    async ({ freshmockServer }, use) => {
      const html = (await readFile(new URL('./site/index.html', import.meta.url), 'utf8'))
        .replaceAll('{{FRESHMOCK}}', freshmockServer.url);
      const server = createServer((req, res) => {
        if (req.url === '/' || req.url === '/index.html') {
          res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html);
        } else {
          res.writeHead(404).end();
        }
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      await new Promise((resolve) => server.close(resolve));
    },
    { scope: 'worker' },
  ],
});

/** The widget's panel (a frame of freshmock's origin; Playwright reaches in). */
export function panel(page: Page): FrameLocator {
  return new Widget(page).panel;
}

/** Opens the host site and waits until the widget has rendered and replayed its queue. */
export async function openSite(page: Page, site: string): Promise<void> {
  await page.goto(site);
  await new Widget(page).ready();
}

/** Types `term` in the widget's search box and waits for its answer; the ids shown. */
export async function search(page: Page, term: string): Promise<number[]> {
  return (await new Widget(page).search(term)).map((a) => a.id);
}
