// The fake widget on a customer's page, driven as a visitor would, with freshmock's control
// plane arranging each case: one freshmock per worker, reset before every test.
import { test, expect, openSite, panel, search } from '../fixtures.js';

const ALICE = 'alice@globex.test';
const GLOBEX_ARTICLE = 1401; // "Globex single sign-on and password policy": Globex contacts only
const PUBLIC_ARTICLE = 1101; // "How to reset your password": everyone

test('anonymous visitors do not find the Globex article; Alice of Globex does', async ({ page, site, loginWidget }) => {
  await openSite(page, site);
  expect(await search(page, 'password')).toEqual([PUBLIC_ARTICLE]);
  await expect(panel(page).getByRole('link', { name: /Globex/ })).toHaveCount(0);

  await loginWidget(page, ALICE);
  expect(await search(page, 'password sso')).toContain(GLOBEX_ARTICLE);
  await expect(panel(page).getByRole('link', { name: 'Globex single sign-on and password policy' })).toBeVisible();
});

test('a restricted article opens only once the customer is logged in', async ({ page, site, loginWidget }) => {
  await openSite(page, site);
  await page.evaluate((id) => window.FreshworksWidget('open', 'article', { id }), GLOBEX_ARTICLE);
  await expect(panel(page).getByText('This article is not available.')).toBeVisible();

  await loginWidget(page, ALICE);
  await page.evaluate((id) => window.FreshworksWidget('open', 'article', { id }), GLOBEX_ARTICLE);
  await expect(panel(page).getByRole('heading', { name: 'Globex single sign-on and password policy' })).toBeVisible();
});

test('after a clock jump the widget renews the token through the site and stays logged in', async ({ page, site, loginWidget, freshmock }) => {
  await openSite(page, site);
  await loginWidget(page, ALICE, { ttl: 600 });
  const first = await page.evaluate(() => window.__freshmock.state().auth.claims?.exp ?? 0);
  await page.waitForFunction(() => window.__freshmock.state().sync.connected);

  // 30 s before exp by freshmock's clock: the widget calls the site's callback for a new token.
  await freshmock.advanceClock(570);
  await page.waitForFunction(
    (exp) => { const a = window.__freshmock.state().auth; return a.renewals === 1 && a.status === 'logged_in' && (a.claims?.exp ?? 0) > exp; },
    first,
  );
  // Past the first token's exp: still Alice, still seeing Globex's article.
  await freshmock.advanceClock(120);
  expect(await search(page, 'password sso')).toContain(GLOBEX_ARTICLE);
  expect(await page.evaluate(() => window.__freshmock.state().auth.status)).toBe('logged_in');
});

test('the contact form sends a ticket, awaited on the server with waitForTicket', async ({ page, site, freshmock }) => {
  await openSite(page, site);
  await page.evaluate(() => window.FreshworksWidget('open', 'ticketForm'));
  const form = panel(page);
  await form.locator('#email').fill('nora@example.com');
  await form.locator('#description').fill('The export button does nothing.');
  await form.locator('#captcha').check();
  await form.locator('.submit').click();

  const ticket = await freshmock.waitForTicket({ email: 'nora@example.com' }, { timeout: 10_000 });
  expect(ticket.requester.email).toBe('nora@example.com');
  expect(JSON.stringify(ticket)).toContain('The export button does nothing.');
  await expect(form.getByText('Thank you for your feedback.')).toBeVisible();
});

test('a fault injected on search empties the results until it is cleared', async ({ page, site, freshmock }) => {
  await openSite(page, site);
  await freshmock.addFault({ path: '/api/widget/search/*', status: 503 });
  expect(await search(page, 'password')).toEqual([]);
  await expect(panel(page).getByText('No articles found.')).toBeVisible();
  // A fault without a method answers the browser's CORS preflight too (OPTIONS, no route
  // name), so the browser never sends the GET: look for the path, not the route.
  const refused = await freshmock.waitForRequests({ path: '/api/widget/search/', status: 503 });
  expect(refused.length).toBeGreaterThan(0);

  await freshmock.clearFaults();
  expect(await search(page, 'reset password')).toContain(PUBLIC_ARTICLE);
});
