/**
 * A new counter in the browser: the real host (`serveHost`, SQLite) on a bare data directory serving the built
 * renderer. The sign-in screen offers to create the first manager (PIN typed twice; a mismatch is said), the
 * status bar says the counter is not set up and the terminal not configured, and the new manager lands on
 * Settings, signed in.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { serveHost, type ServedHost } from '../../src-main/host/serve';
import { listStaff } from '../../src-main/store';
import { seriousAxeFindings } from './helpers/axe';
import { saveScreenshot } from './helpers/screenshots';
import { RENDERER_DIR } from './helpers/static-server';

let served: ServedHost;
let dir: string;
test.beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'counter-e2e-first-'));
  served = await serveHost({ dataDir: dir, uiDir: RENDERER_DIR, terminalRetryMs: 60_000 });
});
test.afterAll(async () => {
  await served?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a bare counter: create the first manager on the sign-in screen, then Settings', async ({ page }) => {
  await page.goto(served.uiUrl);
  await expect(
    page.getByRole('heading', { name: 'Set up this counter: create the first manager' }),
  ).toBeVisible();
  await expect(page.getByTestId('status-connection')).toHaveText(
    'Not set up: a manager enrols this counter in Settings',
  );
  await expect(page.getByTestId('status-terminal')).toHaveText('Card terminal not configured (Settings)');
  await expect(page.getByLabel('Name')).toBeFocused();
  expect(await seriousAxeFindings(page)).toEqual([]);
  await saveScreenshot(page, 'first-manager');

  await page.getByLabel('Name').fill('Anna Owner');
  await page.getByLabel('Staff ID').fill('anna');
  await page.getByLabel('PIN (digits)').fill('4826');
  await page.getByLabel('PIN again').fill('4862');
  await page.getByRole('button', { name: 'Create manager and continue' }).click();
  await expect(page.getByRole('alert')).toHaveText('The two PINs are not the same. Type the PIN again.');
  // Nothing was created on the host.
  expect(listStaff(served.host.db)).toEqual([]);

  await page.getByLabel('PIN again').fill('4826');
  await page.getByRole('button', { name: 'Create manager and continue' }).click();
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  await expect(page.getByText('Anna Owner')).toBeVisible();
  await expect(page.getByTestId('enrolment-state')).toHaveText(
    'Not set up: this counter sells nothing until it is enrolled with the payment core here.',
  );
  expect(listStaff(served.host.db).map((s) => [s.staffId, s.role])).toEqual([['anna', 'MANAGER']]);
  expect(await seriousAxeFindings(page)).toEqual([]);
  await saveScreenshot(page, 'first-manager-settings');
});
