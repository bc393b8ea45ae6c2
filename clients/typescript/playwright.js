// Playwright fixtures for freshmock. This module does not import @playwright/test itself (a
// second copy of it, from this package's folder, would break the runner): pass the fixtures
// to your own `test.extend`:
//
//   import { test as base, expect } from '@playwright/test';
//   import { freshmockFixtures } from 'freshmock/playwright';
//   export const test = base.extend(freshmockFixtures());
import { startFreshmock } from './index.js';

/** Fixtures for `test.extend`:
 * - `freshmockServer` (worker): one server per worker, started once, stopped with the worker;
 * - `freshmock` (test, automatic): the same server, reset before every test (fixtures'
 *   data, clock and secret; faults and the request log cleared too);
 * - `token(email, options?)`: a widget token for a fixture user, by the server's clock;
 * - `loginWidget(page, email, options?)`: authenticates the widget on `page` the way the
 *   site's own code does, with a renewal callback, and waits until the customer is in. */
export function freshmockFixtures(options = {}) {
  return {
    freshmockServer: [
      // Playwright reads the fixture's dependencies from its first parameter: keep `{}`.
      // eslint-disable-next-line no-empty-pattern
      async ({}, use) => {
        const server = await startFreshmock(options);
        await use(server);
        await server.stop();
      },
      { scope: 'worker', timeout: 30000 },
    ],
    freshmock: [
      async ({ freshmockServer }, use) => {
        // POST /_freshmock/reset keeps faults and the request log: a test starts without both.
        await freshmockServer.reset();
        await freshmockServer.clearFaults();
        await freshmockServer.clearRequests();
        await use(freshmockServer);
      },
      { auto: true },
    ],
    token: async ({ freshmock }, use) => {
      await use((email, tokenOptions) => freshmock.token(email, tokenOptions));
    },
    loginWidget: async ({ freshmock }, use) => {
      await use((page, email, loginOptions) => loginWidget(freshmock, page, email, loginOptions));
    },
  };
}

const RENEW = '__freshmockRenewToken';

/** Calls `FreshworksWidget('authenticate', {token, callback})` on the page, as a site does
 * once it knows its customer. The callback asks for a new token (minted by freshmock for the
 * same email and ttl) as a site's backend would answer. Waits for freshmock's widget to say
 * `logged_in` unless `wait: false`. */
export async function loginWidget(freshmock, page, email, options = {}) {
  const { wait = true, ...tokenOptions } = options;
  const mint = () => freshmock.token(email, tokenOptions);
  // The callback reaches this test process through a page binding, registered once per page.
  const bound = (page.__freshmockRenew ??= { mint });
  bound.mint = mint;
  if (!bound.registered) {
    bound.registered = true;
    await page.exposeFunction(RENEW, () => bound.mint());
  }
  const token = await mint();
  await page.evaluate(([t, renew]) => {
    const callback = function () {
      window[renew]().then(function (fresh) { window.FreshworksWidget('authenticate', { token: fresh, callback }); });
    };
    window.FreshworksWidget('authenticate', { token: t, callback });
  }, [token, RENEW]);
  if (wait) {
    await page.waitForFunction(
      (e) => !window.__freshmock || (window.__freshmock.state().auth.status === 'logged_in' && window.__freshmock.state().auth.claims.email === e),
      email,
    );
  }
  return token;
}
