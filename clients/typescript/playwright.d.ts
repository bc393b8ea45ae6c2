import type { ExpectMatcherState, FrameLocator, MatcherReturnType, Page, TestFixture, WorkerFixture } from '@playwright/test';
import type { Freshmock, FreshmockServer, LogEntry, StartOptions, TokenOptions } from './index.js';

export interface LoginOptions extends TokenOptions {
  /** Wait until freshmock's widget says the customer is logged in (default true). */
  wait?: boolean;
  /** How long to wait, in ms (Playwright's default otherwise). */
  timeout?: number;
}
/** Log in with the site's own tokens. */
export interface SiteLogin {
  /** The first token (else one from tokenSource). */
  token?: string;
  /** Where renewals come from: a URL the page fetches with its cookies (answering the token,
   * or JSON with `token`), or a function in the test process. */
  tokenSource?: string | (() => Promise<string>);
  /** Wait until the widget is logged in as this email. */
  email?: string;
  wait?: boolean;
  timeout?: number;
}

export type TokenFn = (email: string, options?: TokenOptions) => Promise<string>;
export type LoginWidgetFn = (page: Page, who: string | SiteLogin, options?: LoginOptions) => Promise<string>;

/** An article in the widget's list. */
export interface ArticleSummary { id: number; title: string }
export interface Rejection { status: number; message: string; reason: string | null; path: string }
export interface FieldError { field: string; message: string; code: string; [k: string]: unknown }
/** `window.__freshmock.state()`: what the fake widget holds. */
export interface WidgetState {
  status: 'loading' | 'ready' | 'not-rendered' | 'retired';
  widgetId: number | string;
  origin: string;
  locale: string | null;
  clientId: string;
  mounted: boolean;
  open: boolean;
  view: 'home' | 'article' | 'form' | 'thanks';
  hidden: boolean;
  launcher: boolean;
  /** A request is in flight, or the frames have not drawn the state yet. */
  busy: boolean;
  search: { term: string; results: ArticleSummary[] | null };
  suggested: ArticleSummary[] | null;
  article: {
    id: number; status: number | 'loading'; title: string | null;
    hit: number | null; vote: 'up' | 'down' | null; voteStatus: number | 'sending' | null;
  } | null;
  form: {
    formId: number | null; type: number;
    values: Record<string, string | number | boolean>;
    hidden: string[]; disabled: string[]; readOnly: string[]; fields: string[];
    errors: FieldError[]; notice: string; sending: boolean;
    ticket: { id: number; status: number } | null;
  };
  labels: Record<string, unknown>;
  settings: Record<string, unknown>;
  auth: {
    status: 'anonymous' | 'authenticating' | 'logged_in' | 'renewing' | 'expired' | 'rejected';
    loggedIn: boolean;
    claims: { name?: string; email?: string; exp?: number; [k: string]: unknown } | null;
    user: Record<string, unknown> | null;
    expireAt: string | number | null;
    callback: boolean;
    renewals: number;
    rejections: number;
    lastRejection: Rejection | null;
  };
  clock: { now_ms: number; frozen: boolean; source: 'server' | 'browser' };
  sync: { connected: boolean; secretRotations: number; resets: number };
  calls: Array<{ name: string; args: unknown[]; known: boolean; at: number }>;
}

export interface SubmitResult {
  ticket: { id: number; status: number } | null;
  errors: FieldError[];
  notice: string;
}

/** The contact form in the widget's panel. */
export declare class ContactForm {
  constructor(widget: Widget);
  readonly widget: Widget;
  /** Opens the form (the panel's button, or the site's `open ticketForm` call). */
  open(): Promise<void>;
  /** Types values into their fields (`name`, `email`, `subject`, `description`, `cf_...`);
   * ticks the captcha unless `captcha: false`. */
  fill(values: Record<string, string | number | boolean> & { captcha?: boolean }): Promise<void>;
  /** Sends it with its button: the ticket, or the errors shown. */
  submit(): Promise<SubmitResult>;
  values(): Promise<WidgetState['form']['values']>;
}

/** The fake widget on a host page, driven as a person would. */
export declare class Widget {
  constructor(page: Page, freshmock?: Freshmock);
  readonly page: Page;
  readonly freshmock?: Freshmock;
  /** The panel's frame (a document of freshmock's origin). */
  readonly panel: FrameLocator;
  readonly launcher: FrameLocator;
  state(): Promise<WidgetState>;
  ready(options?: { timeout?: number }): Promise<void>;
  idle(options?: { timeout?: number }): Promise<void>;
  open(): Promise<void>;
  close(): Promise<void>;
  search(term: string): Promise<ArticleSummary[]>;
  articles(): Promise<ArticleSummary[]>;
  openArticle(idOrTitle: number | string): Promise<NonNullable<WidgetState['article']>>;
  /** The vote call's status (204). */
  vote(helpful: boolean): Promise<number>;
  contactForm(): ContactForm;
  isAuthenticatedAs(): Promise<string | null>;
}

export interface ConsoleWatch {
  readonly errors: string[];
  /** Throws listing the errors, if any. */
  check(): void;
}
export declare function watchConsole(page: Page): ConsoleWatch;
export declare function failOnConsoleErrors(page: Page): ConsoleWatch;

export interface FreshmockTestFixtures {
  /** The worker's server, reset before this test. */
  freshmock: FreshmockServer;
  token: TokenFn;
  loginWidget: LoginWidgetFn;
  /** The page object over the widget on `page`. */
  widget: Widget;
  /** Fail a test that uses `widget` on the page's console errors (default true). */
  failOnConsoleErrors: boolean;
}
export interface FreshmockWorkerFixtures {
  /** One server per worker. */
  freshmockServer: FreshmockServer;
}
type All = FreshmockTestFixtures & FreshmockWorkerFixtures & { page: Page };

export declare function freshmockFixtures(options?: StartOptions): {
  freshmockServer: [WorkerFixture<FreshmockServer, FreshmockWorkerFixtures>, { scope: 'worker'; timeout?: number }];
  freshmock: [TestFixture<FreshmockServer, All>, { auto: true }];
  failOnConsoleErrors: [boolean, { option: true }];
  token: TestFixture<TokenFn, All>;
  loginWidget: TestFixture<LoginWidgetFn, All>;
  widget: TestFixture<Widget, All>;
};

export declare function loginWidget(freshmock: Freshmock, page: Page, who: string | SiteLogin, options?: LoginOptions): Promise<string>;

/** Matchers for `expect.extend`; failures carry freshmock's reasons. */
export declare const freshmockMatchers: {
  /** The widget's list shows exactly these articles (ids or titles, any order). */
  toShowArticles(this: ExpectMatcherState, received: Widget | Page, expected: Array<number | string>, options?: { timeout?: number }): Promise<MatcherReturnType>;
  /** The widget is logged in as this email. */
  toBeLoggedInAs(this: ExpectMatcherState, received: Widget | Page, email: string, options?: { timeout?: number }): Promise<MatcherReturnType>;
  /** The contact form holds these values. */
  toHavePrefilled(this: ExpectMatcherState, received: Widget | Page, values: Record<string, string | number | boolean>, options?: { timeout?: number }): Promise<MatcherReturnType>;
};
export type { LogEntry };

/** The page-side globals the widget defines (for `page.evaluate` and `waitForFunction`). */
export interface FreshmockWindowHook {
  loaded: boolean;
  state(): WidgetState;
  serverNow(): number;
  forceRenewal(): boolean;
  forceExpiry(): void;
}
declare global {
  interface Window {
    /** freshmock's test hook on a page with its widget. */
    __freshmock: FreshmockWindowHook;
    FreshworksWidget: ((...args: unknown[]) => void) & { q?: unknown[] };
  }
}
