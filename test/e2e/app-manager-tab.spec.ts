/**
 * The manager's area inside the counter app, as a store manager reaches it during the day: signed in at the
 * counter (not through the separate `?area=manager` page the manager suite uses), the "Manager" tab next to
 * the sale screens. A cashier has no such tab. Against the real system (helpers/system.ts).
 */
import { expect, test } from './helpers/fixtures';
import { seriousAxeFindings } from './helpers/axe';
import { saveScreenshot } from './helpers/screenshots';
import { CASHIER, MANAGER } from './helpers/system';

test('a manager signed in at the counter finds an order under the Manager tab; a cashier has no such tab', async ({
  page,
  sys,
}) => {
  sys.vt.presentCard('visa-approve');
  const sale = await sys.call<{ orderId: string }>('sale.checkout', {
    entries: [{ sku: 'COFFEE-500', quantity: 1 }],
    tenders: [{ method: 'CARD' }],
    operatorId: CASHIER.staffId,
  });

  await page.goto(sys.uiUrl);
  await expect(page.getByTestId('status-connection')).toHaveText('Online', { timeout: 15_000 });
  const nav = page.getByRole('navigation', { name: 'Screens' });

  await page.getByRole('button', { name: CASHIER.name }).click();
  await page.keyboard.type(CASHIER.pin);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Sale' })).toBeVisible();
  await expect(nav.getByRole('button', { name: 'Sale' })).toBeVisible();
  await expect(nav.getByRole('button', { name: 'Manager' })).toHaveCount(0);

  await page.getByRole('button', { name: 'Switch user' }).click();
  await page.getByRole('button', { name: MANAGER.name }).click();
  await page.keyboard.type(MANAGER.pin);
  await page.keyboard.press('Enter');
  await nav.getByRole('button', { name: 'Manager' }).click();
  await expect(page.getByRole('navigation', { name: 'Manager screens' })).toBeVisible();
  await page.getByLabel('Order ID').fill(sale.orderId);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: '1 order found' })).toBeVisible();
  await page.getByRole('button', { name: `Open order ${sale.orderId.slice(0, 8)}` }).click();
  await expect(page.getByRole('heading', { name: 'Timeline' })).toBeVisible();
  await expect(page.getByTestId('timeline-entry')).toHaveCount(1);
  expect(await seriousAxeFindings(page)).toEqual([]);
  await saveScreenshot(page, 'app-manager-tab-timeline');

  // Back to selling from the manager's area, in one press.
  await nav.getByRole('button', { name: 'Sale' }).click();
  await expect(page.getByRole('heading', { name: 'Sale' })).toBeVisible();
});
