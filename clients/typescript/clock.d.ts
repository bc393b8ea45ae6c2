/** A clock for the app under test: freshmock's time when FRESHMOCK_URL is set, else the real
 * clock. Sign widget tokens with it in test mode so that `exp` agrees with freshmock. */
export declare class AppClock {
  constructor(options?: {
    /** freshmock's URL; default $FRESHMOCK_URL (none: real time). */
    url?: string;
    /** Sent as a bearer token; default $FRESHMOCK_CONTROL_TOKEN. */
    controlToken?: string;
  });
  readonly url: string;
  /** Whether it follows a freshmock server. */
  readonly following: boolean;
  /** Now, in milliseconds since the epoch: one request to freshmock's clock, so a change the
   * widget has heard of is never missed. */
  now(): Promise<number>;
  /** Now, in whole Unix seconds (what iat and exp hold). */
  seconds(): Promise<number>;
  date(): Promise<Date>;
  /** The last reading moved on by real time, without asking (real time before the first
   * reading); it misses clock changes made since. */
  cached(): number;
  /** Reads the server's clock now. */
  sync(): Promise<void>;
  /** Nothing to stop (no connection is held between readings). */
  close(): void;
}
/** The app's clock: freshmock's time when FRESHMOCK_URL is set, else real time. */
export declare const appClock: AppClock;
