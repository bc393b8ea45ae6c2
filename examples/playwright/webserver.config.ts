// The other way to run freshmock under Playwright: one shared server started by the runner's
// `webServer`, on a fixed port, reset by the tests themselves. Simple, but every worker shares
// the server, so this config runs one worker (the fixtures in fixtures.ts give each worker its
// own). scripts/kits.sh runs it with FRESHMOCK_PORT set to a free port.
import { defineConfig } from '@playwright/test';

const port = Number(process.env.FRESHMOCK_PORT ?? 8787);

export default defineConfig({
  testDir: './tests-webserver',
  workers: 1,
  reporter: [['list']],
  webServer: {
    command: `${process.env.FRESHMOCK_BIN ?? 'freshmock'} --port ${port}`,
    url: `http://127.0.0.1:${port}/_freshmock/health`,
    reuseExistingServer: !process.env.CI,
    timeout: 15_000,
  },
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    headless: true,
    launchOptions: {
      executablePath: process.env.FRESHMOCK_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
});
