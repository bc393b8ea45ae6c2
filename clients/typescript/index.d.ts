// Types of freshmock's test client (index.js). The shapes follow the server's OpenAPI
// document at /_freshmock/openapi.json; fields the document leaves open are `unknown`.

export declare const MAX_WAIT_MS: 30000;
/** "METHOD path" of every documented control operation → the client method that makes it. */
export declare const OPERATIONS: Readonly<Record<string, keyof Freshmock>>;

export interface ErrorBody { code: string; message: string; [k: string]: unknown }

export declare class FreshmockError extends Error {
  status: number;
  /** The server's machine code (wait_timeout, not_found, invalid_query, ...). */
  code?: string;
  body: unknown;
  /** X-Freshmock-Reason, when sent. */
  reason?: string;
}

export declare class FreshmockWaitTimeout extends FreshmockError {
  /** The answer as it stood when the wait ended. */
  seen: unknown;
}

export interface Health { status: 'indexing' | 'ready'; indexed?: string[]; [k: string]: unknown }
export interface Clock { now: string; now_ms: number; frozen: boolean }
export interface TokenRequest {
  email?: string; name?: string; ttl_seconds?: number; ttl?: string; exp?: unknown;
  alg?: string; secret?: string; claims?: Record<string, unknown>;
}
export interface TokenAnswer { token: string; [k: string]: unknown }
export interface TokenOptions {
  name?: string;
  /** Seconds, or a duration such as "90m". */
  ttl?: number | string;
  alg?: string; secret?: string; exp?: unknown; claims?: Record<string, unknown>;
}
export interface Verdict { accepted: boolean; status: number; body: unknown; reason: string; claims: Record<string, unknown> | null }
export interface Fault {
  path: string; method?: string; latency_ms?: number; status?: number; body?: unknown;
  drop?: boolean; times?: number; [k: string]: unknown;
}
export interface LogEntry {
  id: number; at: string; at_ms: number; method: string; path: string; query: string;
  route?: string; status: number; duration_us: number; email: string | null;
  token: 'none' | 'accepted' | 'refused'; reason: string | null;
  shortened?: Record<string, number>; [k: string]: unknown;
}
export interface RequestLog { capacity: number; entries: LogEntry[] }
export interface RequestFilter {
  email?: string; path?: string; route?: string; status?: number; method?: string;
  /** The token's verdict. */
  token?: 'none' | 'accepted' | 'refused';
  /** refused: a widget token was refused; unmatched: no route has the path; failed: 400 or
   * more; ok: below 400. */
  outcome?: 'refused' | 'unmatched' | 'failed' | 'ok';
  limit?: number; since?: number;
}
export interface VerifyFilter extends Omit<RequestFilter, 'limit'> {
  /** Exactly this many must match. */
  count?: number;
  /** At least this many must match (the default is at least 1). */
  atLeast?: number;
}
export interface TicketFilter {
  /** The requester's email. */
  email?: string;
  /** Tickets whose subject contains this, ignoring case. */
  subject?: string;
  /** Tickets whose description contains this, ignoring case. */
  text?: string;
  /** Only tickets numbered after this one (a cursor: ticket numbers only grow). */
  since?: number;
}
export declare class FreshmockAssertionError extends Error {
  /** What the request log held. */
  entries: LogEntry[];
}
/** One log entry in a line, with freshmock's reason. */
export declare function describeEntry(entry: LogEntry): string;
export interface Ticket {
  id: number; email?: string; description?: string; subject?: string;
  requester: { id: number; name: string | null; email: string };
  attachments: unknown[]; [k: string]: unknown;
}
export interface WaitOptions {
  /** Milliseconds the server waits (default 10000, at most 30000). */
  timeout?: number;
  /** How many matching entries to await (default 1). */
  count?: number;
  signal?: AbortSignal;
}
export interface ServerEvent { event: string; data: unknown }

export declare class Freshmock {
  constructor(url: string, options?: { controlToken?: string });
  readonly url: string;
  controlToken?: string;
  /** The URL of a path on this server. */
  at(path: string): string;
  /** Any control call: JSON in and out, FreshmockError for a non-2xx answer. */
  call<T = any>(method: string, path: string, body?: unknown, options?: { signal?: AbortSignal }): Promise<T>;

  health(): Promise<Health>;
  openapi(): Promise<any>;
  widgetOpenapi(): Promise<any>;
  reset(): Promise<unknown>;
  fixtures(): Promise<Record<string, unknown>>;
  replaceFixtures(fixtures: Record<string, unknown>): Promise<unknown>;
  exportState(): Promise<Record<string, unknown>>;
  importState(state: Record<string, unknown>): Promise<unknown>;
  dashboard(): Promise<string>;
  dashboardFile(file: string): Promise<string>;

  clock(): Promise<Clock>;
  setClock(to: string | number | Date | { now?: string; now_ms?: number }): Promise<Clock>;
  advanceClock(by: number | string | { seconds?: number; ms?: number; by?: string }): Promise<Clock>;
  freezeClock(): Promise<Clock>;
  unfreezeClock(): Promise<Clock>;

  mintToken(request: TokenRequest): Promise<TokenAnswer>;
  token(email: string, options?: TokenOptions): Promise<string>;
  explainToken(token: string): Promise<Verdict>;
  secret(): Promise<{ secret: string; [k: string]: unknown }>;
  rotateSecret(): Promise<{ secret: string; [k: string]: unknown }>;

  contacts(filter?: { email?: string }): Promise<any[]>;
  kb(): Promise<any>;
  viewAs(params?: { email?: string; language?: string; term?: string; referrer?: string; widget?: number; accept_language?: string }): Promise<any>;
  tickets(filter?: TicketFilter): Promise<Ticket[]>;
  ticket(id: number): Promise<Ticket>;
  votes(filter: { article?: number; email?: string }): Promise<any>;
  hits(filter?: { article?: number }): Promise<any[]>;

  waitForTickets(filter?: TicketFilter, options?: WaitOptions): Promise<Ticket[]>;
  waitForTicket(filter?: TicketFilter, options?: WaitOptions): Promise<Ticket>;
  waitForVotes(filter: { article?: number; email?: string }, options?: WaitOptions): Promise<any>;

  requests(filter?: RequestFilter): Promise<RequestLog>;
  waitForRequests(filter?: RequestFilter, options?: WaitOptions): Promise<LogEntry[]>;
  countRequests(filter?: RequestFilter): Promise<number>;
  clearRequests(): Promise<unknown>;

  /** WireMock-style verification of the request log; throws FreshmockAssertionError. */
  verify(filter?: VerifyFilter): Promise<LogEntry[]>;
  /** Requests whose widget token was refused, each with its reason. */
  refusedRequests(filter?: RequestFilter): Promise<LogEntry[]>;
  /** Throws, printing each refusal's reason, if any widget token was refused. */
  expectNoRefusedTokens(filter?: RequestFilter): Promise<void>;

  faults(): Promise<Array<Fault & { id: number }>>;
  addFault(fault: Fault): Promise<Fault & { id: number }>;
  clearFaults(): Promise<unknown>;
  removeFault(id: number): Promise<unknown>;

  events(options?: { signal?: AbortSignal }): AsyncGenerator<ServerEvent>;
  widgetSync(options?: { signal?: AbortSignal }): AsyncGenerator<ServerEvent>;
}

export interface StartOptions {
  /** The binary; default $FRESHMOCK_BIN, then freshmock on PATH (then, inside a freshmock checkout, its release build). */
  bin?: string;
  /** A fixture folder (--fixtures). */
  fixtures?: string;
  /** --now: "2026-01-01T00:00:00Z" freezes the clock there, "+90m" shifts it. */
  now?: string;
  secret?: string;
  controlToken?: string;
  noCaptcha?: boolean;
  /** --import FILE: start from a state document (as exportState gives). */
  importFile?: string;
  /** --export-on-exit FILE: write the state document when the server stops (stop() does). */
  exportOnExit?: string;
  /** More command-line arguments. */
  args?: string[];
  env?: Record<string, string>;
  /** How long to wait for the server to listen and be ready (ms, default 15000). */
  startTimeout?: number;
  /** Copy the server's output to this process's. */
  log?: boolean;
}

export declare class FreshmockServer extends Freshmock {
  readonly process: import('node:child_process').ChildProcess;
  readonly port: number;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export declare function findFreshmock(bin?: string): string;
export declare function startFreshmock(options?: StartOptions): Promise<FreshmockServer>;
