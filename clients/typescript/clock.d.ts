/** A clock for the app under test: freshmock's time when FRESHMOCK_URL is set, else the real
 * clock. Sign widget tokens with it in test mode so that `exp` agrees with freshmock. */
export declare class AppClock {
  constructor(options?: {
    /** freshmock's URL; default $FRESHMOCK_URL (none: real time). */
    url?: string;
    /** Sent as a bearer token; default $FRESHMOCK_CONTROL_TOKEN. */
    controlToken?: string;
    /** Without the event stream, how long a reading is used (ms, default 1000). */
    ttlMs?: number;
  });
  readonly url: string;
  /** Whether it follows a freshmock server. */
  readonly following: boolean;
  /** Now, in milliseconds since the epoch. */
  now(): Promise<number>;
  /** Now, in whole Unix seconds (what iat and exp hold). */
  seconds(): Promise<number>;
  date(): Promise<Date>;
  /** The last known time without asking (real time before the first reading). */
  cached(): number;
  /** Reads the server's clock now and follows its changes. */
  sync(): Promise<void>;
  /** Stops following the server. */
  close(): void;
}
/** The app's clock: freshmock's time when FRESHMOCK_URL is set, else real time. */
export declare const appClock: AppClock;
