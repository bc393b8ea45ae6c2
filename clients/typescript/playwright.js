// Playwright for freshmock: fixtures (a server per worker, reset before each test), a page
// object over the fake widget on any host page (`widget`), loginWidget with the site's own
// token source, expect matchers whose failures carry freshmock's reasons, and console-error
// checking. This module does not import @playwright/test: pass the fixtures to your own
// `test.extend` and the matchers to your `expect.extend` (or import both ready-made from
// 'freshmock/test').
import { startFreshmock, describeEntry } from './index.js';

/** Fixtures for `test.extend`:
 * - `freshmockServer` (worker): one server per worker, started once, stopped with the worker;
 * - `freshmock` (test, automatic): the same server, reset before every test (fixtures'
 *   data, clock and secret; faults and the request log cleared too);
 * - `token(email, options?)`: a widget token for a fixture user, by the server's clock;
 * - `loginWidget(page, email | {token, tokenSource, email}, options?)`: authenticates the
 *   widget on `page` the way the site's own code does, with a renewal callback;
 * - `widget`: the page object over the widget on `page` ([`Widget`]); with it, the test fails
 *   on the page's console errors unless `failOnConsoleErrors` is false (an option:
 *   `test.use({ failOnConsoleErrors: false })`). */
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
    failOnConsoleErrors: [true, { option: true }],
    token: async ({ freshmock }, use) => {
      await use((email, tokenOptions) => freshmock.token(email, tokenOptions));
    },
    loginWidget: async ({ freshmock }, use) => {
      await use((page, who, loginOptions) => loginWidget(freshmock, page, who, loginOptions));
    },
    widget: async ({ page, freshmock, failOnConsoleErrors }, use) => {
      const errors = watchConsole(page);
      await use(new Widget(page, freshmock));
      if (failOnConsoleErrors) errors.check();
    },
  };
}

/** Collects the page's console errors and uncaught exceptions from now on; `check()` throws
 * listing them. Chromium's "Failed to load resource: … status of 4xx" lines are left out:
 * they are answers, not script errors (a refused token is the request log's to explain:
 * expectNoRefusedTokens). */
export function watchConsole(page) {
  const errors = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) return;
    const at = m.location();
    errors.push(`console.error: ${m.text()}${at && at.url ? ` (${at.url}:${at.lineNumber})` : ''}`);
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  return {
    errors,
    check() {
      if (errors.length) throw new Error(`the page logged ${errors.length} console error(s):\n  ${errors.join('\n  ')}`);
    },
  };
}

/** Fails the test on the page's console errors (see watchConsole): call before page.goto,
 * and `check()` at the end. */
export function failOnConsoleErrors(page) { return watchConsole(page); }

const RENEW = '__freshmockRenewToken';

/** Logs the customer in as the site's code does: `FreshworksWidget('authenticate', {token,
 * callback})`, where the callback fetches a new token when the widget asks.
 * - `who` an email: tokens minted by freshmock (its clock) for that fixture user;
 * - `who` = { tokenSource }: the site's own endpoint (a URL the page fetches with its
 *   cookies; the answer is the token, or JSON with `token`) or a function in the test;
 *   `token` as the first one, else one from the source.
 * Waits until the widget says `logged_in` (as `email`, if given) unless `wait: false`. */
export async function loginWidget(freshmock, page, who, options = {}) {
  const o = typeof who === 'string' ? { ...options, email: who } : { ...who, ...options };
  const { wait = true, email, token, tokenSource, timeout, ...tokenOptions } = o;
  let source = tokenSource;
  if (!source && typeof who === 'string') source = () => freshmock.token(email, tokenOptions);
  const bound = (page.__freshmockRenew ??= {});
  let url = null;
  if (typeof source === 'function') {
    bound.mint = source;
    if (!bound.registered) {
      bound.registered = true;
      await page.exposeFunction(RENEW, () => bound.mint());
    }
  } else if (typeof source === 'string') {
    url = source;
  }
  const first = await page.evaluate(async ([t, u, binding]) => {
    const fetchToken = async () => {
      if (!u) return window[binding]();
      const res = await fetch(u, { credentials: 'same-origin' });
      const text = await res.text();
      if (!res.ok) throw new Error(`${u} answered ${res.status}: ${text}`);
      try { const j = JSON.parse(text); return typeof j === 'string' ? j : j.token; } catch { return text.trim(); }
    };
    const initial = t || await fetchToken();
    const renewable = !!u || !!window[binding];
    const callback = function () {
      fetchToken().then(function (fresh) { window.FreshworksWidget('authenticate', { token: fresh, callback }); });
    };
    window.FreshworksWidget('authenticate', renewable ? { token: initial, callback } : { token: initial });
    return initial;
  }, [token ?? (typeof source === 'function' ? await source() : null), url, RENEW]);
  if (wait) {
    await page.waitForFunction(
      (e) => {
        const a = window.__freshmock && window.__freshmock.state().auth;
        return !window.__freshmock || (a.status === 'logged_in' && (!e || a.claims.email === e));
      },
      email ?? null,
      { timeout },
    );
  }
  return first;
}

/** The fake widget on a host page, driven as a person would: through its launcher, search box,
 * links and buttons in its frames; read through its test hook (`window.__freshmock.state()`).
 * `freshmock` (optional) lets failures say why, in the server's words. */
export class Widget {
  constructor(page, freshmock) {
    this.page = page;
    this.freshmock = freshmock;
    /** The panel's frame (a document of freshmock's origin). */
    this.panel = page.frameLocator('#widget-frame');
    /** The launcher's frame. */
    this.launcher = page.frameLocator('#launcher-frame');
  }

  /** The widget's state (`window.__freshmock.state()`), or null before the script ran. */
  state() {
    return this.page.evaluate(() => (window.__freshmock ? window.__freshmock.state() : null));
  }

  /** Waits until the widget has rendered, replayed its queue and drawn its frames. */
  async ready(options = {}) {
    await this.page.waitForFunction(
      () => window.__freshmock && window.__freshmock.state().status === 'ready' && window.FreshworksWidget && !window.FreshworksWidget.q,
      undefined, options,
    );
    await this.idle(options);
  }

  /** Waits until no widget request is in flight and the frames show the state. */
  async idle(options = {}) {
    await this.page.waitForFunction(() => !window.__freshmock.state().busy, undefined, options);
  }

  /** Opens the panel with the launcher, as a visitor does. */
  async open() {
    await this.ready();
    if (!(await this.state()).open) {
      await this.launcher.locator('.launcher-button').click();
      await this.page.waitForFunction(() => window.__freshmock.state().open);
    }
    await this.idle();
  }

  /** Closes the panel with its × button. */
  async close() {
    if ((await this.state()).open) {
      await this.panel.locator('.close').click();
      await this.page.waitForFunction(() => !window.__freshmock.state().open);
    }
  }

  /** Types `term` in the search box, waits for the answer; the articles shown. */
  async search(term) {
    await this.open();
    if ((await this.state()).view !== 'home') await this.panel.locator('.back').click();
    await this.panel.locator('#search').fill(term);
    await this.page.waitForFunction((t) => {
      const s = window.__freshmock.state();
      return s.search.term === t && !s.busy && (!t.trim() || s.search.results);
    }, term);
    return this.articles();
  }

  /** The articles the list shows now (search results, else the suggested ones). */
  async articles() {
    await this.idle();
    return this.panel.locator('.article-link').evaluateAll((links) =>
      links.map((a) => ({ id: Number(a.getAttribute('data-id')), title: a.textContent || '' })));
  }

  /** Opens an article: a click on its link when the list shows it (by id or exact title),
   * else `FreshworksWidget('open', 'article', {id})` as a site's link would. */
  async openArticle(idOrTitle) {
    await this.open();
    const link = typeof idOrTitle === 'number'
      ? this.panel.locator(`.article-link[data-id="${idOrTitle}"]`)
      : this.panel.getByRole('link', { name: idOrTitle, exact: true });
    if ((await this.state()).view === 'home' && (await link.count()) > 0) await link.first().click();
    else if (typeof idOrTitle === 'number') await this.page.evaluate((id) => window.FreshworksWidget('open', 'article', { id }), idOrTitle);
    else throw new Error(`no article titled ${JSON.stringify(idOrTitle)} is listed: search for it first, or give its id`);
    await this.page.waitForFunction(() => {
      const s = window.__freshmock.state();
      return s.article && s.article.status !== 'loading' && !s.busy;
    });
    return (await this.state()).article;
  }

  /** Votes on the open article (helpful or not) with its buttons; the vote call's status. */
  async vote(helpful) {
    await this.panel.locator(helpful ? '.vote-up' : '.vote-down').click();
    const handle = await this.page.waitForFunction(() => {
      const a = window.__freshmock.state().article;
      return a && typeof a.voteStatus === 'number' && a.voteStatus;
    });
    return handle.jsonValue();
  }

  /** The contact form. */
  contactForm() { return new ContactForm(this); }

  /** The email the widget is logged in as, or null. */
  async isAuthenticatedAs() {
    const s = await this.state();
    return s && s.auth.loggedIn && s.auth.claims ? s.auth.claims.email : null;
  }
}

/** The contact form in the widget's panel. */
export class ContactForm {
  constructor(widget) { this.widget = widget; }

  /** Opens the form: the panel's Contact us button, or the site's `open ticketForm` call. */
  async open() {
    const w = this.widget;
    await w.open();
    const s = await w.state();
    if (s.view !== 'form') {
      if (s.view === 'home' && await w.panel.locator('.contact-button').isVisible()) await w.panel.locator('.contact-button').click();
      else await w.page.evaluate(() => window.FreshworksWidget('open', 'ticketForm'));
    }
    await w.page.waitForFunction(() => {
      const f = window.__freshmock.state();
      return f.view === 'form' && f.form.fields.length > 0 && !f.busy;
    });
  }

  /** Types the values into their fields as a visitor does (read-only ones are left as they
   * are), ticks the captcha unless `captcha: false`, and waits until the widget has them. */
  async fill(values) {
    const w = this.widget;
    await this.open();
    const { captcha = true, ...fields } = values;
    const typed = {};
    for (const [key, value] of Object.entries(fields)) {
      const id = key.replace(/^custom_fields\./, '');
      const input = w.panel.locator(`[id="${id}"]`);
      const kind = await input.evaluate((el) => (el.readOnly || el.disabled ? 'locked' : el.tagName === 'SELECT' ? 'select' : el.type));
      if (kind === 'locked') continue;
      if (kind === 'select') await input.selectOption(String(value));
      else if (kind === 'checkbox') await input.setChecked(!!value);
      else await input.fill(String(value));
      typed[/^cf_/.test(id) ? `custom_fields.${id}` : id] = kind === 'checkbox' ? !!value : String(value);
    }
    const box = w.panel.locator('#captcha');
    if (await box.count()) await box.setChecked(!!captcha);
    await w.page.waitForFunction((v) => {
      const f = window.__freshmock.state().form;
      return Object.keys(v).every((k) => f.values[k] === v[k]);
    }, typed);
  }

  /** Sends the form with its button; the ticket ({id, status}) or the errors shown. */
  async submit() {
    const w = this.widget;
    const before = (await w.state()).form.ticket;
    await w.panel.locator('.submit').click();
    await w.page.waitForFunction((prev) => {
      const s = window.__freshmock.state(), f = s.form;
      if (f.sending || s.busy) return false;
      return (f.ticket && JSON.stringify(f.ticket) !== JSON.stringify(prev)) || f.errors.length > 0 || !!f.notice;
    }, before);
    const f = (await w.state()).form;
    return { ticket: f.ticket, errors: f.errors, notice: f.notice };
  }

  /** The values the form holds (the widget's, read-only ones included). */
  async values() { return (await this.widget.state()).form.values; }
}

// ---- matchers -------------------------------------------------------------------------------

/** Retries `probe` until it passes or `timeout` ms pass; the last result. */
async function until(probe, wanted, timeout) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const got = await probe();
    if (got.pass === wanted || Date.now() > deadline) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What freshmock says about this customer and articles (view-as), in lines. */
async function why(widget, articles, state) {
  if (!widget.freshmock) return '';
  try {
    const email = state.auth.loggedIn && state.auth.claims ? state.auth.claims.email : undefined;
    const term = state.search.term || undefined;
    const view = await widget.freshmock.viewAs({ ...(email ? { email } : {}), ...(term ? { term } : {}) });
    const lines = (view.articles || []).filter((a) => articles.some((x) => x === a.id || x === a.title))
      .map((a) => `  ${a.id} ${JSON.stringify(a.title)}: ${term ? (a.search_reason || a.reason) : a.reason}`);
    return lines.length ? `\nfreshmock says, for ${email || 'an anonymous visitor'}${term ? ` searching ${JSON.stringify(term)}` : ''}:\n${lines.join('\n')}` : '';
  } catch (e) {
    return `\n(freshmock's view-as could not be read: ${e.message})`;
  }
}

function widgetOf(received) {
  if (received instanceof Widget) return received;
  if (received && typeof received.evaluate === 'function' && typeof received.frameLocator === 'function') return new Widget(received);
  throw new Error('expected a freshmock Widget (the `widget` fixture) or a Page');
}

/** Matchers for `expect.extend`: failures include freshmock's reasons. */
export const freshmockMatchers = {
  /** The list shows exactly these articles (ids or titles, in any order). */
  async toShowArticles(received, expected, options = {}) {
    const widget = widgetOf(received);
    const key = (a) => (expected.some((e) => typeof e === 'number') ? a.id : a.title);
    const got = await until(async () => {
      const shown = await widget.articles();
      const keys = shown.map(key);
      const pass = keys.length === expected.length && expected.every((e) => keys.includes(e));
      return { pass, shown, keys };
    }, !this.isNot, options.timeout ?? 5000);
    const missing = expected.filter((e) => !got.keys.includes(e));
    const extra = got.keys.filter((k) => !expected.includes(k));
    const reasons = got.pass === this.isNot ? '' : await why(widget, [...missing, ...extra], await widget.state());
    return {
      pass: got.pass,
      name: 'toShowArticles',
      expected,
      actual: got.keys,
      message: () => `expected the widget ${this.isNot ? 'not ' : ''}to show ${JSON.stringify(expected)}; it shows ${JSON.stringify(got.shown)}` +
        (missing.length ? `\nmissing: ${JSON.stringify(missing)}` : '') + (extra.length ? `\nnot expected: ${JSON.stringify(extra)}` : '') + reasons,
    };
  },

  /** The widget is logged in as this email. */
  async toBeLoggedInAs(received, email, options = {}) {
    const widget = widgetOf(received);
    const got = await until(async () => {
      const s = await widget.state();
      const as = s && s.auth.loggedIn && s.auth.claims ? s.auth.claims.email : null;
      return { pass: as === email, as, auth: s && s.auth };
    }, !this.isNot, options.timeout ?? 5000);
    let reasons = '';
    if (got.pass === this.isNot) {
      const last = got.auth && got.auth.lastRejection;
      if (last) reasons += `\nthe last token was refused: ${last.path} answered ${last.status} "${last.message}"${last.reason ? `\nfreshmock: ${last.reason}` : ''}`;
      if (widget.freshmock) {
        const refused = await widget.freshmock.refusedRequests({ limit: 3 }).catch(() => []);
        if (refused.length) reasons += `\nrefused tokens in the request log:\n${refused.map(describeEntry).join('\n')}`;
      }
    }
    return {
      pass: got.pass,
      name: 'toBeLoggedInAs',
      expected: email,
      actual: got.as,
      message: () => `expected the widget ${this.isNot ? 'not ' : ''}to be logged in as ${email}; it is ${got.as ? `logged in as ${got.as}` : `${got.auth ? got.auth.status : 'not loaded'}`}` + reasons,
    };
  },

  /** The contact form holds these values (name, email, subject, custom_fields.cf_x, ...). */
  async toHavePrefilled(received, values, options = {}) {
    const widget = widgetOf(received);
    const got = await until(async () => {
      const s = await widget.state();
      const held = (s && s.form.values) || {};
      const pass = Object.entries(values).every(([k, v]) => held[k] === v);
      return { pass, held, s };
    }, !this.isNot, options.timeout ?? 5000);
    let reasons = '';
    if (got.pass === this.isNot && got.s) {
      const a = got.s.auth;
      reasons = `\nread-only: ${JSON.stringify(got.s.form.readOnly)}; login: ${a.status}${a.claims ? ` (${a.claims.email})` : ''}`;
      if (a.lastRejection && a.lastRejection.reason) reasons += `\nfreshmock, on the last token: ${a.lastRejection.reason}`;
    }
    return {
      pass: got.pass,
      name: 'toHavePrefilled',
      expected: values,
      actual: got.held,
      message: () => `expected the contact form ${this.isNot ? 'not ' : ''}to hold ${JSON.stringify(values)}; it holds ${JSON.stringify(got.held)}` + reasons,
    };
  },
};
