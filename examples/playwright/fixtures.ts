// The suite's fixtures: freshmock's (a server per worker, reset before each test, token and
// loginWidget) and the host site, served per worker from a second origin with the widget
// script pointed at that worker's freshmock.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test as base, expect, type Page, type FrameLocator } from '@playwright/test';
import {
  freshmockFixtures,
  type FreshmockTestFixtures,
  type FreshmockWorkerFixtures,
} from 'freshmock/playwright';

export { expect };

export const test = base.extend<FreshmockTestFixtures, FreshmockWorkerFixtures & { site: string }>({
  ...freshmockFixtures(),
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

declare global {
  interface Window {
    FreshworksWidget: ((...args: unknown[]) => void) & { q?: unknown[] };
    __freshmock: { state(): any };
  }
}

/** The widget's panel (a same-origin srcdoc frame, so tests reach in). */
export function panel(page: Page): FrameLocator {
  return page.frameLocator('#widget-frame');
}

/** Opens the host site and waits until the widget has rendered and replayed its queue. */
export async function openSite(page: Page, site: string): Promise<void> {
  await page.goto(site);
  await page.waitForFunction(
    () => window.__freshmock?.state().status === 'ready' && !window.FreshworksWidget.q,
  );
}

/** Types `term` in the widget's search box and waits for its answer; the ids shown. */
export async function search(page: Page, term: string): Promise<number[]> {
  await page.evaluate(() => window.FreshworksWidget('open'));
  await panel(page).locator('#search').fill(term);
  const handle = await page.waitForFunction((t) => {
    const s = window.__freshmock.state();
    return s.search.term === t && !s.busy && s.search.results;
  }, term);
  return ((await handle.jsonValue()) as Array<{ id: number }>).map((a) => a.id);
}
