import type { Page, TestFixture, WorkerFixture } from '@playwright/test';
import type { Freshmock, FreshmockServer, StartOptions, TokenOptions } from './index.js';

export interface LoginOptions extends TokenOptions {
  /** Wait until freshmock's widget says the customer is logged in (default true). */
  wait?: boolean;
}

export type TokenFn = (email: string, options?: TokenOptions) => Promise<string>;
export type LoginWidgetFn = (page: Page, email: string, options?: LoginOptions) => Promise<string>;

export interface FreshmockTestFixtures {
  /** The worker's server, reset before this test. */
  freshmock: FreshmockServer;
  token: TokenFn;
  loginWidget: LoginWidgetFn;
}
export interface FreshmockWorkerFixtures {
  /** One server per worker. */
  freshmockServer: FreshmockServer;
}

export declare function freshmockFixtures(options?: StartOptions): {
  freshmockServer: [WorkerFixture<FreshmockServer, FreshmockWorkerFixtures>, { scope: 'worker'; timeout?: number }];
  freshmock: [TestFixture<FreshmockServer, FreshmockWorkerFixtures>, { auto: true }];
  token: TestFixture<TokenFn, FreshmockTestFixtures & FreshmockWorkerFixtures>;
  loginWidget: TestFixture<LoginWidgetFn, FreshmockTestFixtures & FreshmockWorkerFixtures>;
};

export declare function loginWidget(
  freshmock: Freshmock,
  page: Page,
  email: string,
  options?: LoginOptions,
): Promise<string>;
