// The clock for the app under test: what a team's backend signs widget tokens with in test
// mode, so that its tokens agree with freshmock's clock after advanceClock, --now or a frozen
// clock (freshmock judges `exp` by its own clock, not by real time).
//
//   import { appClock } from 'freshmock/clock';
//   const now = await appClock.seconds();            // freshmock's time when FRESHMOCK_URL is set
//   jwt.sign({ name, email, iat: now, exp: now + 3600 }, secret, { noTimestamp: true });
//
// It reads FRESHMOCK_URL's clock once, then follows its changes through the server's event
// stream (GET /_freshmock/widget/sync, the one the fake widget listens to): a call costs no
// request while the stream is up. Without the stream it asks again after `ttlMs`. Without
// FRESHMOCK_URL it is the real clock, so the same code runs in production.

/** A clock that reads freshmock's time at `url` (default $FRESHMOCK_URL; none: real time). */
export class AppClock {
  constructor(options = {}) {
    this.url = (options.url ?? process.env.FRESHMOCK_URL ?? '').replace(/\/+$/, '');
    this.controlToken = options.controlToken ?? process.env.FRESHMOCK_CONTROL_TOKEN;
    this.ttlMs = options.ttlMs ?? 1000;
    this.base = null; // { now_ms, frozen, at } at the last reading
    this.live = false;
    this.stream = null;
    this.reading = null;
  }

  /** Whether this clock follows a freshmock server (FRESHMOCK_URL set). */
  get following() { return !!this.url; }

  /** Now in milliseconds since the epoch, by freshmock's clock. */
  async now() {
    if (!this.url) return Date.now();
    if (!this.base || (!this.live && performance.now() - this.base.at > this.ttlMs)) await this.sync();
    return this.cached();
  }

  /** Now in whole Unix seconds (what `iat` and `exp` hold). */
  async seconds() { return Math.floor((await this.now()) / 1000); }

  /** A Date of now. */
  async date() { return new Date(await this.now()); }

  /** The last known time, without asking: real time until the first sync. */
  cached() {
    const b = this.base;
    if (!this.url || !b) return Date.now();
    return b.frozen ? b.now_ms : b.now_ms + Math.round(performance.now() - b.at);
  }

  /** Reads the server's clock now, and starts following its changes. */
  async sync() {
    this.reading ??= (async () => {
      try {
        const res = await fetch(`${this.url}/_freshmock/clock`, { headers: this.headers() });
        if (!res.ok) throw new Error(`GET ${this.url}/_freshmock/clock answered ${res.status}`);
        this.set(await res.json());
        this.follow();
      } finally {
        this.reading = null;
      }
    })();
    return this.reading;
  }

  set(c) {
    if (c && typeof c.now_ms === 'number') this.base = { now_ms: c.now_ms, frozen: !!c.frozen, at: performance.now() };
  }

  headers() { return this.controlToken ? { Authorization: `Bearer ${this.controlToken}` } : {}; }

  /** Listens to the server's clock, reset and fixtures events (once). */
  follow() {
    if (this.stream) return;
    const controller = new AbortController();
    this.stream = controller;
    (async () => {
      try {
        const res = await fetch(`${this.url}/_freshmock/widget/sync`, { headers: { Accept: 'text/event-stream' }, signal: controller.signal });
        if (!res.ok || !res.body) return;
        this.live = true;
        const decoder = new TextDecoder();
        let buffer = '';
        for await (const chunk of res.body) {
          buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n/g, '\n');
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = /^event:\s*(.*)$/m.exec(block)?.[1];
            const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
            if (event === 'clock') {
              try { this.set(JSON.parse(data)); } catch { this.live = false; }
            } else if (event === 'reset' || event === 'fixtures') {
              // A reset restores the starting clock: read it again.
              this.sync().catch(() => { this.live = false; });
            }
          }
        }
      } catch { /* stopped, or the server went away */ }
      this.live = false;
      this.stream = null;
    })();
  }

  /** Stops following the server (for a clean exit in tests). */
  close() { this.stream?.abort(); this.stream = null; this.live = false; }
}

/** The app's clock: freshmock's time when FRESHMOCK_URL is set, else real time. */
export const appClock = new AppClock();
