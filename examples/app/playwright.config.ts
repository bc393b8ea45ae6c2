import { defineConfig } from '@playwright/test';

// Two workers, each with its own freshmock and its own shop process (fixtures.ts).
export default defineConfig({
  testDir: './tests',
  workers: 2,
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 30_000,
  reporter: [['list']],
  use: {
    headless: true,
    launchOptions: {
      // Debian's Chromium: nothing is downloaded (no `npx playwright install`).
      executablePath: process.env.FRESHMOCK_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
    trace: 'retain-on-failure',
  },
});
