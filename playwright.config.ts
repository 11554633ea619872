// Playwright runs the renderer in Debian's Chromium (/usr/bin/chromium): no browser download, ever
// (docs/app.md). @playwright/test is only the runner; its `playwright install` is never used.
import { defineConfig } from '@playwright/test';

export const CHROMIUM_PATH = process.env.COUNTER_CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  outputDir: '.counter/test-results/playwright',
  globalSetup: './test/e2e/helpers/global-setup.ts',
  timeout: 60_000,
  workers: 1, // two cores shared by everything on the build machines
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: {
    headless: true,
    viewport: { width: 1280, height: 800 },
    locale: 'en-GB',
    timezoneId: 'Europe/Berlin',
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
    screenshot: 'only-on-failure',
    trace: 'off',
  },
});
