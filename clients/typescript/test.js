// `test` and `expect` with freshmock's fixtures and matchers, ready-made:
//   import { test, expect } from 'freshmock/test';
// @playwright/test is a peer dependency: this imports the project's own copy.
import { test as base, expect as baseExpect } from '@playwright/test';
import { freshmockFixtures, freshmockMatchers } from './playwright.js';

export const test = base.extend(freshmockFixtures());
export const expect = baseExpect.extend(freshmockMatchers);
export * from './playwright.js';
