// The clock for the app under test: what a team's backend signs widget tokens with in test
// mode, so that its tokens agree with freshmock's clock after advanceClock, --now or a frozen
// clock (freshmock judges `exp` by its own clock, not by real time).
//
//   import { appClock } from 'freshmock/clock';
//   const now = await appClock.seconds();            // freshmock's time when FRESHMOCK_URL is set
//   jwt.sign({ name, email, iat: now, exp: now + 3600 }, secret, { noTimestamp: true });
//
// Each reading asks FRESHMOCK_URL (GET /_freshmock/clock, one local request). It does not
// follow the server's event stream instead: after a clock jump the widget hears of it on its
// own stream and calls the app's token endpoint at once, and that call can reach the app
// before the app's copy of the event does, so a pushed clock would sign the renewal by the time
// before the jump, now and then (a flaky test). A reading made after the widget heard of the
// change is always the changed time. Without FRESHMOCK_URL it is the real clock, so the same
// code runs in production.

/** A clock that reads freshmock's time at `url` (default $FRESHMOCK_URL; none: real time). */
export class AppClock {
  constructor(options = {}) {
    this.url = (options.url ?? process.env.FRESHMOCK_URL ?? '').replace(/\/+$/, '');
    this.controlToken = options.controlToken ?? process.env.FRESHMOCK_CONTROL_TOKEN;
    this.base = null; // { now_ms, frozen, at } at the last reading
  }

  /** Whether this clock follows a freshmock server (FRESHMOCK_URL set). */
  get following() { return !!this.url; }

  /** Now in milliseconds since the epoch, by freshmock's clock (read from the server). */
  async now() {
    if (!this.url) return Date.now();
    await this.sync();
    return this.cached();
  }

  /** Now in whole Unix seconds (what `iat` and `exp` hold). */
  async seconds() { return Math.floor((await this.now()) / 1000); }

  /** A Date of now. */
  async date() { return new Date(await this.now()); }

  /** The last reading, moved on by real time since (unless frozen), without asking: real time
   * before the first reading. It misses a clock change made since that reading. */
  cached() {
    const b = this.base;
    if (!this.url || !b) return Date.now();
    return b.frozen ? b.now_ms : b.now_ms + Math.round(performance.now() - b.at);
  }

  /** Reads the server's clock now. Each call makes its own request: a reading already under
   * way may have been answered before the change this caller has heard of. */
  async sync() {
    const res = await fetch(`${this.url}/_freshmock/clock`, { headers: this.headers() });
    if (!res.ok) throw new Error(`GET ${this.url}/_freshmock/clock answered ${res.status}`);
    const c = await res.json();
    if (c && typeof c.now_ms === 'number') this.base = { now_ms: c.now_ms, frozen: !!c.frozen, at: performance.now() };
  }

  headers() { return this.controlToken ? { Authorization: `Bearer ${this.controlToken}` } : {}; }

  /** Nothing to stop: the clock holds no connection open between readings. */
  close() {}
}

/** The app's clock: freshmock's time when FRESHMOCK_URL is set, else real time. */
export const appClock = new AppClock();
