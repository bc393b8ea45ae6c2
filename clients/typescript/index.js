// freshmock's client for tests: every control call (described by the server's own
// /_freshmock/openapi.json), the server-side waits, and startFreshmock() to run a server per
// test process. Plain ESM with types in index.d.ts, so nothing is built before a test runs.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The longest wait the server takes (GET ...?wait=); a longer one is a client mistake. */
export const MAX_WAIT_MS = 30000;

/** Every documented control operation ("METHOD path" as in the OpenAPI document) and the
 * client method that makes it. test/openapi.test.js checks this table against a running
 * server's document, so a new route without a method fails the suite. */
export const OPERATIONS = Object.freeze({
  'GET /_freshmock/health': 'health',
  'GET /_freshmock/openapi.json': 'openapi',
  'GET /_freshmock/openapi/widget.json': 'widgetOpenapi',
  'POST /_freshmock/reset': 'reset',
  'GET /_freshmock/fixtures': 'fixtures',
  'PUT /_freshmock/fixtures': 'replaceFixtures',
  'GET /_freshmock/clock': 'clock',
  'PUT /_freshmock/clock': 'setClock',
  'POST /_freshmock/clock/advance': 'advanceClock',
  'POST /_freshmock/clock/freeze': 'freezeClock',
  'POST /_freshmock/clock/unfreeze': 'unfreezeClock',
  'POST /_freshmock/tokens': 'mintToken',
  'POST /_freshmock/tokens/explain': 'explainToken',
  'GET /_freshmock/secret': 'secret',
  'POST /_freshmock/secret/rotate': 'rotateSecret',
  'GET /_freshmock/contacts': 'contacts',
  'GET /_freshmock/kb': 'kb',
  'GET /_freshmock/view-as': 'viewAs',
  'GET /_freshmock/ui': 'dashboard',
  'GET /_freshmock/ui/{file}': 'dashboardFile',
  'GET /_freshmock/requests': 'requests',
  'DELETE /_freshmock/requests': 'clearRequests',
  'GET /_freshmock/requests/count': 'countRequests',
  'GET /_freshmock/events': 'events',
  'GET /_freshmock/widget/sync': 'widgetSync',
  'GET /_freshmock/faults': 'faults',
  'POST /_freshmock/faults': 'addFault',
  'DELETE /_freshmock/faults': 'clearFaults',
  'DELETE /_freshmock/faults/{id}': 'removeFault',
  'GET /_freshmock/tickets': 'tickets',
  'GET /_freshmock/tickets/{id}': 'ticket',
  'GET /_freshmock/votes': 'votes',
  'GET /_freshmock/hits': 'hits',
  'GET /_freshmock/state': 'exportState',
  'PUT /_freshmock/state': 'importState',
});

/** A verification that failed (verify, expectNoRefusedTokens): `entries` holds what the
 * log had. */
export class FreshmockAssertionError extends Error {
  constructor(message, entries) {
    super(message);
    this.name = 'FreshmockAssertionError';
    this.entries = entries;
  }
}

/** One log entry in a line, with freshmock's reason. */
export function describeEntry(e) {
  return `  #${e.id} ${e.method} ${e.path}${e.query ? '?' + e.query : ''} -> ${e.status}` +
    `${e.email ? ` (${e.email})` : ''}${e.token !== 'none' ? ` token ${e.token}` : ''}${e.reason ? `: ${e.reason}` : ''}`;
}

/** A control call the server refused: `status` and the server's `code` and `message`,
 * with its reason header when it sent one. */
export class FreshmockError extends Error {
  constructor(method, path, status, body, reason) {
    const code = body && typeof body === 'object' ? body.code : undefined;
    const message = body && typeof body === 'object' ? body.message : String(body ?? '');
    super(`${method} ${path} answered ${status}${code ? ` ${code}` : ''}: ${message || reason || ''}`);
    this.name = 'FreshmockError';
    this.status = status;
    this.code = code;
    this.body = body;
    this.reason = reason;
  }
}

/** A wait that ended before enough entries matched (408 wait_timeout); `seen` is the answer
 * as it stood at the end. */
export class FreshmockWaitTimeout extends FreshmockError {
  constructor(method, path, body, reason) {
    super(method, path, 408, body, reason);
    this.name = 'FreshmockWaitTimeout';
    this.seen = body && body.seen;
  }
}

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null) q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

function waitParams(options) {
  const ms = options?.timeout ?? 10000;
  if (!(ms > 0) || ms > MAX_WAIT_MS) {
    throw new RangeError(`timeout ${ms} ms: freshmock waits between 1 ms and ${MAX_WAIT_MS} ms; wait again for longer`);
  }
  return { wait: `${Math.ceil(ms)}ms`, count: options?.count ?? 1 };
}

/** A client for one freshmock server's control plane. */
export class Freshmock {
  /** @param {string} url the server's base URL, e.g. http://127.0.0.1:8787
   *  @param {{controlToken?: string}} [options] */
  constructor(url, options = {}) {
    this.url = String(url).replace(/\/+$/, '');
    this.controlToken = options.controlToken;
  }

  /** The URL of a widget API or control path on this server. */
  at(path) {
    return this.url + path;
  }

  headers(extra) {
    const h = { ...extra };
    if (this.controlToken) h.Authorization = `Bearer ${this.controlToken}`;
    return h;
  }

  /** One control call: JSON in, JSON (or text) out, a FreshmockError for any non-2xx. */
  async call(method, path, body, options = {}) {
    const init = { method, headers: this.headers(), signal: options.signal };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const res = await fetch(this.at(path), init);
    const text = await res.text();
    let data = text;
    if ((res.headers.get('content-type') || '').includes('json') && text) data = JSON.parse(text);
    if (!res.ok) {
      const reason = res.headers.get('x-freshmock-reason') || undefined;
      if (res.status === 408 && data && data.code === 'wait_timeout') {
        throw new FreshmockWaitTimeout(method, path, data, reason);
      }
      throw new FreshmockError(method, path, res.status, data, reason);
    }
    return data;
  }

  // ---- server -------------------------------------------------------------------------
  health() { return this.call('GET', '/_freshmock/health'); }
  openapi() { return this.call('GET', '/_freshmock/openapi.json'); }
  widgetOpenapi() { return this.call('GET', '/_freshmock/openapi/widget.json'); }
  reset() { return this.call('POST', '/_freshmock/reset'); }
  fixtures() { return this.call('GET', '/_freshmock/fixtures'); }
  replaceFixtures(fixtures) { return this.call('PUT', '/_freshmock/fixtures', fixtures); }
  /** Everything the API changed, as one document (GET /_freshmock/state). */
  exportState() { return this.call('GET', '/_freshmock/state'); }
  /** Restores a document from exportState (PUT /_freshmock/state); a bad one changes nothing. */
  importState(state) { return this.call('PUT', '/_freshmock/state', state); }
  dashboard() { return this.call('GET', '/_freshmock/ui'); }
  dashboardFile(file) { return this.call('GET', `/_freshmock/ui/${encodeURIComponent(file)}`); }

  // ---- clock --------------------------------------------------------------------------
  clock() { return this.call('GET', '/_freshmock/clock'); }
  /** @param {string | number | Date | {now?: string, now_ms?: number}} to */
  setClock(to) {
    let body = to;
    if (to instanceof Date) body = { now_ms: to.getTime() };
    else if (typeof to === 'number') body = { now_ms: to };
    else if (typeof to === 'string') body = { now: to };
    return this.call('PUT', '/_freshmock/clock', body);
  }
  /** @param {number | string | {seconds?: number, ms?: number, by?: string}} by seconds, or "90m" */
  advanceClock(by) {
    let body = by;
    if (typeof by === 'number') body = { seconds: by };
    else if (typeof by === 'string') body = { by };
    return this.call('POST', '/_freshmock/clock/advance', body);
  }
  freezeClock() { return this.call('POST', '/_freshmock/clock/freeze'); }
  unfreezeClock() { return this.call('POST', '/_freshmock/clock/unfreeze'); }

  // ---- tokens and secret ----------------------------------------------------------------
  /** POST /_freshmock/tokens: the whole answer ({token, ...}). */
  mintToken(request) { return this.call('POST', '/_freshmock/tokens', request); }
  /** A token for a fixture user, signed by the current secret, by the server's clock. */
  async token(email, options = {}) {
    const { ttl, ...rest } = options;
    const request = { email, ...rest };
    if (typeof ttl === 'number') request.ttl_seconds = ttl;
    else if (typeof ttl === 'string') request.ttl = ttl;
    return (await this.mintToken(request)).token;
  }
  explainToken(token) { return this.call('POST', '/_freshmock/tokens/explain', { token }); }
  secret() { return this.call('GET', '/_freshmock/secret'); }
  rotateSecret() { return this.call('POST', '/_freshmock/secret/rotate'); }

  // ---- inspection -----------------------------------------------------------------------
  contacts(filter = {}) { return this.call('GET', `/_freshmock/contacts${query(filter)}`); }
  kb() { return this.call('GET', '/_freshmock/kb'); }
  viewAs(params = {}) { return this.call('GET', `/_freshmock/view-as${query(params)}`); }
  tickets(filter = {}) { return this.call('GET', `/_freshmock/tickets${query(filter)}`); }
  ticket(id) { return this.call('GET', `/_freshmock/tickets/${encodeURIComponent(id)}`); }
  votes(filter) { return this.call('GET', `/_freshmock/votes${query(filter)}`); }
  hits(filter = {}) { return this.call('GET', `/_freshmock/hits${query(filter)}`); }

  /** Tickets matching `filter`, once at least `count` (default 1) exist: the server answers
   * as soon as they do, or with FreshmockWaitTimeout after `timeout` ms (default 10 s). */
  waitForTickets(filter = {}, options = {}) {
    return this.call('GET', `/_freshmock/tickets${query({ ...filter, ...waitParams(options) })}`, undefined, options);
  }
  /** The newest ticket matching `filter` (e.g. {email}), awaited as waitForTickets. */
  async waitForTicket(filter = {}, options = {}) {
    const list = await this.waitForTickets(filter, options);
    return list[list.length - 1];
  }
  /** Votes ({article} or {email}) once `count` (default 1) are recorded. */
  waitForVotes(filter, options = {}) {
    return this.call('GET', `/_freshmock/votes${query({ ...filter, ...waitParams(options) })}`, undefined, options);
  }

  // ---- request log ----------------------------------------------------------------------
  /** {capacity, entries}; filter: email, path, route, status, method, limit, since. */
  requests(filter = {}) { return this.call('GET', `/_freshmock/requests${query(filter)}`); }
  /** Log entries matching `filter`, once at least `count` (default 1) exist. Give
   * `since: lastSeenId` to await only newer requests. */
  async waitForRequests(filter = {}, options = {}) {
    const log = await this.call('GET', `/_freshmock/requests${query({ ...filter, ...waitParams(options) })}`, undefined, options);
    return log.entries;
  }
  async countRequests(filter = {}) { return (await this.call('GET', `/_freshmock/requests/count${query(filter)}`)).count; }
  clearRequests() { return this.call('DELETE', '/_freshmock/requests'); }

  // ---- verification (WireMock's verify) ----------------------------------------------------
  /** Asserts how many logged requests match `filter` (path, route, method, status, email,
   * token: 'refused' | 'accepted' | 'none', outcome: 'refused' | 'unmatched' | 'failed' |
   * 'ok', since): exactly `count`, or at least `atLeast` (default: at least 1). Throws a
   * FreshmockAssertionError listing what did match, with freshmock's reasons. */
  async verify(filter = {}) {
    const { count, atLeast, ...only } = filter;
    const entries = (await this.requests(only)).entries;
    const ok = count !== undefined ? entries.length === count : entries.length >= (atLeast ?? 1);
    if (!ok) {
      const wanted = count !== undefined ? `exactly ${count}` : `at least ${atLeast ?? 1}`;
      throw new FreshmockAssertionError(
        `expected ${wanted} request(s) matching ${JSON.stringify(only)}, found ${entries.length}` +
        (entries.length ? ':\n' + entries.map(describeEntry).join('\n') : ''),
        entries,
      );
    }
    return entries;
  }
  /** Requests whose widget token freshmock refused, with the reason for each. */
  async refusedRequests(filter = {}) { return (await this.requests({ ...filter, outcome: 'refused' })).entries; }
  /** Throws, printing each refusal's reason, if any widget token was refused (since the last
   * reset of the log, or after `since`). */
  async expectNoRefusedTokens(filter = {}) {
    const refused = await this.refusedRequests(filter);
    if (refused.length) {
      throw new FreshmockAssertionError(
        `${refused.length} request(s) had their widget token refused:\n${refused.map(describeEntry).join('\n')}`,
        refused,
      );
    }
  }

  // ---- faults ---------------------------------------------------------------------------
  faults() { return this.call('GET', '/_freshmock/faults'); }
  /** {path, method?, status?, body?, latency_ms?, drop?, times?} */
  addFault(fault) { return this.call('POST', '/_freshmock/faults', fault); }
  clearFaults() { return this.call('DELETE', '/_freshmock/faults'); }
  removeFault(id) { return this.call('DELETE', `/_freshmock/faults/${encodeURIComponent(id)}`); }

  // ---- event streams --------------------------------------------------------------------
  /** Server-sent events (request, clock, secret, reset, ...) as {event, data}; stop with
   * `signal` or by leaving the for-await loop. */
  events(options = {}) { return this.stream('/_freshmock/events', options); }
  /** The widget's event stream (clock, secret, reset, fixtures). */
  widgetSync(options = {}) { return this.stream('/_freshmock/widget/sync', options); }

  async *stream(path, options = {}) {
    const controller = new AbortController();
    const stop = () => controller.abort();
    options.signal?.addEventListener('abort', stop, { once: true });
    try {
      const res = await fetch(this.at(path), { headers: this.headers({ Accept: 'text/event-stream' }), signal: controller.signal });
      if (!res.ok) throw new FreshmockError('GET', path, res.status, await res.text());
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n/g, '\n');
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
          }
          if (!data.length) continue;
          let value = data.join('\n');
          try { value = JSON.parse(value); } catch { /* plain text data */ }
          yield { event, data: value };
        }
      }
    } catch (e) {
      if (!controller.signal.aborted) throw e;
    } finally {
      stop();
    }
  }
}

// ---- starting a server ------------------------------------------------------------------

// Only where this package sits in a freshmock checkout (clients/typescript): an installed
// copy has no such folder, and the error below then names no path that cannot exist.
const REPO_BUILD = fileURLToPath(new URL('../../target/release/freshmock', import.meta.url));
const IN_CHECKOUT = (() => {
  try { accessSync(fileURLToPath(new URL('../../Cargo.toml', import.meta.url))); return true; } catch { return false; }
})();

function executable(path) {
  try { accessSync(path, constants.X_OK); return true; } catch { return false; }
}

/** The freshmock binary: `bin`, else $FRESHMOCK_BIN, else `freshmock` on PATH, else this
 * repository's release build. Throws an error naming every place looked at. */
export function findFreshmock(bin) {
  if (bin) {
    if (executable(bin)) return bin;
    throw new Error(`freshmock: the binary given (${bin}) does not exist or is not executable`);
  }
  const env = process.env.FRESHMOCK_BIN;
  if (env) {
    if (executable(env)) return env;
    throw new Error(`freshmock: FRESHMOCK_BIN=${env} does not exist or is not executable`);
  }
  for (const dir of (process.env.PATH || '').split(delimiter)) {
    if (dir && executable(join(dir, 'freshmock'))) return join(dir, 'freshmock');
  }
  if (IN_CHECKOUT && executable(REPO_BUILD)) return REPO_BUILD;
  throw new Error(
    'freshmock: no binary found. Set FRESHMOCK_BIN=/path/to/freshmock or put freshmock on PATH ' +
    '(`cargo build --release` in a freshmock checkout gives <checkout>/target/release/freshmock; ' +
    '`cargo install --locked --path .` puts it in ~/.cargo/bin)' +
    (IN_CHECKOUT ? `; this checkout's release build would be ${REPO_BUILD}.` : '.'),
  );
}

const running = new Set();
let exitHookInstalled = false;
function stopAllAtExit() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => { for (const child of running) child.kill('SIGKILL'); });
}

/** A freshmock process started by startFreshmock: the client for it, and stop(). */
export class FreshmockServer extends Freshmock {
  constructor(url, child, options) {
    super(url, options);
    this.process = child;
    this.port = Number(new URL(url).port);
  }

  /** Stops the server and waits for it to exit. */
  async stop() {
    const child = this.process;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    running.delete(child);
  }

  async [Symbol.asyncDispose]() { await this.stop(); }
}

/** Starts freshmock on a free port of 127.0.0.1 and resolves once /_freshmock/health says
 * ready. The server is stopped by stop(), and at the latest when this process exits. */
export async function startFreshmock(options = {}) {
  const bin = findFreshmock(options.bin);
  const args = ['--port', '0', '--host', '127.0.0.1'];
  if (options.fixtures) args.push('--fixtures', options.fixtures);
  if (options.now) args.push('--now', options.now);
  if (options.secret) args.push('--secret', options.secret);
  if (options.controlToken) args.push('--control-token', options.controlToken);
  if (options.noCaptcha) args.push('--no-captcha');
  if (options.importFile) args.push('--import', options.importFile);
  if (options.exportOnExit) args.push('--export-on-exit', options.exportOnExit);
  args.push(...(options.args || []));
  const startTimeout = options.startTimeout ?? 15000;

  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
  running.add(child);
  stopAllAtExit();
  child.once('exit', () => running.delete(child));

  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); if (options.log) process.stderr.write(d); });
  const url = await new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`freshmock (${bin}) did not say where it listens within ${startTimeout} ms.\n${stderr}`));
    }, startTimeout);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      stdout += d;
      if (options.log) process.stdout.write(d);
      const m = /freshmock listening on (http:\/\/\S+)/.exec(stdout);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.once('error', (e) => { clearTimeout(timer); reject(new Error(`freshmock: could not run ${bin}: ${e.message}`)); });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`freshmock (${bin} ${args.join(' ')}) exited with ${signal || code} before listening:\n${stderr}`));
    });
  });
  child.stdout.resume();

  const server = new FreshmockServer(url, child, { controlToken: options.controlToken });
  const deadline = Date.now() + startTimeout;
  for (;;) {
    const health = await server.health();
    if (health.status === 'ready') return server;
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`freshmock at ${url} was not ready within ${startTimeout} ms: ${JSON.stringify(health)}`);
    }
    // The index of a big fixture set is built in the background: look again shortly.
    await new Promise((r) => setTimeout(r, 20));
  }
}
