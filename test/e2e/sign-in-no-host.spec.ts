/**
 * The built renderer served by a plain static server, with no host behind it: the cashier must see, on the
 * sign-in screen, that the till service is not reachable (not a blank page, not a spinner forever), be unable
 * to submit a PIN into the void, and get a retry. The launch token must leave the address bar at once.
 */
import { expect, test } from '@playwright/test';
import { seriousAxeFindings } from './helpers/axe';
import { contrastRatio } from './helpers/contrast';
import { saveScreenshot } from './helpers/screenshots';
import { serveStatic } from './helpers/static-server';

let server: Awaited<ReturnType<typeof serveStatic>>;
test.beforeAll(async () => {
  server = await serveStatic();
});
test.afterAll(async () => {
  await server.close();
});

test('sign-in says the till service is not reachable, and the token leaves the address bar', async ({
  page,
}) => {
  await page.goto(`${server.url}/#token=launch-token-for-this-test`);

  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByRole('alert')).toContainText('The till service is not reachable');
  await expect(page.getByTestId('status-connection')).toHaveText('Till service not reachable');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Try again' })).toBeEnabled();
  expect(page.url()).toBe(`${server.url}/`);
  // The status bar's red pill must be legible (WCAG AA: 4.5:1).
  expect(await contrastRatio(page.getByTestId('status-connection'))).toBeGreaterThanOrEqual(4.5);

  // Keyboard only: the PIN field has focus on arrival and accepts only digits.
  await expect(page.getByLabel('Staff PIN')).toBeFocused();
  await page.keyboard.type('12a34');
  await expect(page.getByLabel('Staff PIN')).toHaveValue('1234');

  expect(await seriousAxeFindings(page)).toEqual([]);
  await saveScreenshot(page, 'sign-in-host-unreachable');
});

test('German: the same state in German, amounts and texts from the de-DE locale', async ({ page }) => {
  await page.goto(`${server.url}/?lang=de#token=launch-token-for-this-test`);
  await expect(page.getByRole('heading', { name: 'Anmelden' })).toBeVisible();
  await expect(page.getByRole('alert')).toContainText('Der Kassendienst ist nicht erreichbar');
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  expect(await seriousAxeFindings(page)).toEqual([]);
  await saveScreenshot(page, 'sign-in-host-unreachable-de');
});

test('touch targets on the sign-in screen are at least 44 px', async ({ page }) => {
  await page.goto(`${server.url}/#token=launch-token-for-this-test`);
  await expect(page.getByRole('alert')).toBeVisible();
  for (const name of ['Sign in', 'Try again']) {
    const box = await page.getByRole('button', { name }).boundingBox();
    expect(box?.height, name).toBeGreaterThanOrEqual(44);
    expect(box?.width, name).toBeGreaterThanOrEqual(44);
  }
});

test('a host that never answers is shown as not reachable after the call timeout, not "Checking…" forever', async ({
  page,
}) => {
  const hung = await serveStatic(undefined, { hangApi: true });
  try {
    await page.goto(`${hung.url}/#token=launch-token-for-this-test`);
    await expect(page.getByRole('alert')).toContainText('The till service is not reachable', {
      timeout: 15_000,
    });
  } finally {
    await hung.close();
  }
});
