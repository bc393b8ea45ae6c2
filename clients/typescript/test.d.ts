import type { Expect, TestType, PlaywrightTestArgs, PlaywrightTestOptions, PlaywrightWorkerArgs, PlaywrightWorkerOptions } from '@playwright/test';
import type { FreshmockTestFixtures, FreshmockWorkerFixtures, freshmockMatchers } from './playwright.js';

/** Playwright's `test` with freshmock's fixtures. */
export declare const test: TestType<
  PlaywrightTestArgs & PlaywrightTestOptions & FreshmockTestFixtures,
  PlaywrightWorkerArgs & PlaywrightWorkerOptions & FreshmockWorkerFixtures
>;
/** Playwright's `expect` with freshmock's matchers. */
export declare const expect: Expect<typeof freshmockMatchers>;
export * from './playwright.js';
