// Kettle & Co's help widget, tested as a team tests its own site: the shop's login and its own
// /widget-token endpoint, signing by freshmock's clock (appClock) in test mode. Each worker
// has its own freshmock and shop; the `widget` fixture fails a test on any console error.
import { test, expect, login, startShop } from '../fixtures.js';

const ALICE = 'alice@globex.test';
const PUBLIC = 'How to reset your password'; // 1101: everyone
const GLOBEX = 'Globex single sign-on and password policy'; // 1401: Globex's contacts only

test('anonymous visitors find the public article; Alice of Globex also finds Globex\'s', async ({ page, shop, widget, freshmock }) => {
  await page.goto(shop);
  await widget.search('password');
  await expect(widget).toShowArticles([PUBLIC]);

  await login(page, shop, ALICE);
  await expect(widget).toBeLoggedInAs(ALICE);
  await widget.search('password');
  await expect(widget).toShowArticles([PUBLIC, GLOBEX]);
  await freshmock.expectNoRefusedTokens();
});

// ANCHOR: prefilled
test('signing in on the shop logs the widget in with the shop\'s own token and prefills the form', async ({ page, shop, widget, freshmock }) => {
  await login(page, shop, ALICE);
  await expect(widget).toBeLoggedInAs(ALICE);
  await widget.contactForm().open();
  await expect(widget).toHavePrefilled({ name: 'Alice Anders', email: ALICE });
  await freshmock.verify({ route: 'widget.bootstrap', token: 'accepted', atLeast: 1 });
  await freshmock.expectNoRefusedTokens();
});
// ANCHOR_END: prefilled

test('loginWidget takes the shop\'s token source', async ({ page, shop, widget, loginWidget, freshmock }) => {
  await login(page, shop, ALICE);
  await widget.ready();
  const token = await loginWidget(page, { tokenSource: '/widget-token', email: ALICE });
  expect(token.split('.')).toHaveLength(3);
  await expect(widget).toBeLoggedInAs(ALICE);
  await freshmock.expectNoRefusedTokens();
});

// ANCHOR: renewal
test('two hours later the widget renews with a token the shop signed by freshmock\'s clock', async ({ page, shop, widget, freshmock }) => {
  await login(page, shop, ALICE);
  await expect(widget).toBeLoggedInAs(ALICE);
  const first = (await widget.state()).auth.claims?.exp ?? 0;
  await page.waitForFunction(() => window.__freshmock.state().sync.connected);

  await freshmock.advanceClock('2h');
  await page.waitForFunction((exp) => {
    const a = window.__freshmock.state().auth;
    return a.status === 'logged_in' && (a.claims?.exp ?? 0) > exp;
  }, first);
  expect((await widget.state()).auth.renewals).toBeGreaterThan(0);
  await widget.search('password');
  await expect(widget).toShowArticles([PUBLIC, GLOBEX]);
  await freshmock.expectNoRefusedTokens();
});
// ANCHOR_END: renewal

test('a shop signing by real time is refused after the jump, and freshmock names the clock', async ({ page, widget, freshmock }) => {
  const realTime = await startShop(freshmock, { APP_CLOCK: 'real' });
  try {
    await login(page, realTime.url, ALICE);
    await expect(widget).toBeLoggedInAs(ALICE); // freshmock's clock is still real time
    await page.waitForFunction(() => window.__freshmock.state().sync.connected);

    await freshmock.advanceClock('2h');
    const [refused] = await freshmock.waitForRequests({ token: 'refused' }, { timeout: 10_000 });
    expect(refused.reason).toContain('freshmock\'s clock is 2 h');
    expect(refused.reason).toContain('docs/src/testing-your-app.md');
    await expect(widget).not.toBeLoggedInAs(ALICE, { timeout: 10_000 });
  } finally {
    await realTime.stop();
  }
});

test('logging out of the shop logs the widget out', async ({ page, shop, widget, freshmock }) => {
  await login(page, shop, ALICE);
  await expect(widget).toBeLoggedInAs(ALICE);
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
  await widget.search('password');
  await expect(widget).toShowArticles([PUBLIC]);
  expect(await widget.isAuthenticatedAs()).toBeNull();
  await freshmock.expectNoRefusedTokens();
});

test('a secret reset on the help desk logs the customer out', async ({ page, shop, widget, freshmock }) => {
  await login(page, shop, ALICE);
  await expect(widget).toBeLoggedInAs(ALICE);
  await page.waitForFunction(() => window.__freshmock.state().sync.connected);

  await freshmock.rotateSecret();
  await expect(widget).not.toBeLoggedInAs(ALICE, { timeout: 10_000 });
  const refused = await freshmock.refusedRequests();
  expect(refused.length).toBeGreaterThan(0);
  expect(refused[refused.length - 1].reason).toContain('previous widget secret');
});

// ANCHOR: awaited_ticket
test('a contact-form ticket is awaited by its subject', async ({ page, shop, widget, freshmock }) => {
  await login(page, shop, ALICE);
  await expect(widget).toBeLoggedInAs(ALICE);
  const form = widget.contactForm();
  await form.fill({ subject: 'Kettle #4411 leaks', description: 'There is water on the counter every morning.' });
  const sent = await form.submit();
  expect(sent.ticket?.status).toBe(201);

  const ticket = await freshmock.waitForTicket({ subject: 'kettle #4411' }, { timeout: 10_000 });
  expect(ticket.requester.email).toBe(ALICE);
  await freshmock.expectNoRefusedTokens();
});
// ANCHOR_END: awaited_ticket

test('under the shop\'s strict CSP the widget is styled and nothing is blocked', async ({ page, shop, widget }) => {
  await page.addInitScript(() => {
    const seen: string[] = ((window as unknown as { __violations: string[] }).__violations = []);
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const answer = await page.goto(shop);
  const policy = answer?.headers()['content-security-policy'] ?? '';
  expect(policy).toContain('script-src \'nonce-');
  expect(policy).not.toContain('unsafe-inline');

  await widget.open();
  const banner = await widget.panel.locator('.banner').evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(banner).toBe('rgb(0, 168, 134)'); // the widget's theme colour: its stylesheet applied
  const launcher = await widget.launcher.locator('.launcher-button').evaluate((el) => getComputedStyle(el).borderRadius);
  expect(launcher).toBe('24px');
  expect(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);
  await widget.search('password');
  await expect(widget).toShowArticles([PUBLIC]);
});
