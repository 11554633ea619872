/**
 * The cashier's main flow in Chromium against the real loopback bridge with a scripted host behind it (see
 * helpers/scripted-host.ts; replaced by the real host once its contract is merged): sign in with the keyboard,
 * scan, key an amount, cash with change, a card payment with the terminal's live messages, an unknown outcome
 * and its recovery, switching user without losing the basket. axe on every screen; screenshots saved.
 */
import { expect, test, type Page } from '@playwright/test';
import { seriousAxeFindings } from './helpers/axe';
import { saveScreenshot } from './helpers/screenshots';
import { startScriptedHost, type ScriptedHost } from './helpers/scripted-host';
import { serveStatic, type StaticServer } from './helpers/static-server';

let web: StaticServer;
let host: ScriptedHost;
test.beforeAll(async () => {
  web = await serveStatic();
  host = await startScriptedHost(web.url);
  web.proxyTo(host.bridge.url);
});
test.afterAll(async () => {
  // The web side first: it holds the browser's proxied connections to the bridge.
  await web.close();
  await host.close();
});

async function signIn(page: Page) {
  await page.goto(`${web.url}/#token=${host.bridge.token}`);
  await expect(page.getByTestId('status-connection')).toHaveText('Online');
  // Events pushed before the page's WebSocket is open would not reach it (the scripted host does not replay).
  await expect(page.locator('header[data-events="open"]')).toBeVisible();
  await page.getByLabel('Staff PIN').fill('1234');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Sale' })).toBeVisible();
}

/**
 * A scanner: the code's keys and Enter as one burst, dispatched inside the page in one task (a real scanner
 * sends a key every few ms). Through Playwright's keyboard, a loaded machine can space keys more than 100 ms
 * apart and turn a scan into typing; the timing itself is covered by the scanner's unit tests and the bench.
 */
async function scan(page: Page, code: string) {
  await page.evaluate(`(() => {
    const target = document.activeElement ?? document.body;
    for (const key of [...${JSON.stringify(code)}, 'Enter']) {
      target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
    }
  })()`);
}

test('wrong PIN is refused in words; the right one opens the sale screen', async ({ page }) => {
  await page.goto(`${web.url}/#token=${host.bridge.token}`);
  await page.getByLabel('Staff PIN').fill('9999');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert')).toHaveText('That PIN is not right. Try again, or ask a manager.');
  await page.getByLabel('Staff PIN').fill('1234');
  await page.keyboard.press('Enter');
  await expect(page.getByText('Signed in: Alex')).toBeVisible();
});

test('scan, key an amount, pay cash with change; keyboard and scanner only', async ({ page }) => {
  await signIn(page);
  await expect(page.getByTestId('status-terminal')).toHaveText('Card terminal ready');
  await scan(page, '4006381333931');
  await scan(page, '4000417025005');
  await scan(page, '4006381333931');
  const lines = page.getByTestId('basket-lines').getByRole('listitem');
  await expect(lines).toHaveCount(2);
  await expect(lines.first()).toContainText('Coffee beans 500 g');
  await expect(page.getByRole('group', { name: 'Quantity of Coffee beans 500 g' })).toContainText('2');

  // A person typing 2 5 0 at 150 ms a key, then Enter: a free amount of 2.50, not a scan.
  await page.keyboard.type('2.5', { delay: 150 });
  await expect(page.getByTestId('entry')).toHaveText('2.5');
  await page.keyboard.press('Enter');
  await expect(lines).toHaveCount(3);
  await expect(page.getByTestId('total')).toContainText('€21.67');

  // An unknown code says so and adds nothing.
  await scan(page, '99999999');
  await expect(page.getByTestId('notice')).toContainText('no item 99999999');
  await expect(lines).toHaveCount(3);

  expect(await seriousAxeFindings(page)).toEqual([]);
  await saveScreenshot(page, 'sale');

  await page.getByRole('button', { name: 'Cash', exact: true }).click();
  await expect(page.getByRole('button', { name: '€5.00' })).toBeDisabled();
  await page.getByRole('button', { name: '€50.00' }).click();
  await expect(page.getByTestId('change')).toHaveText('Change due: €28.33');
  expect(await seriousAxeFindings(page)).toEqual([]);
  await saveScreenshot(page, 'tender-cash');
  const before = host.cashSales;
  await page.getByRole('button', { name: 'Complete sale' }).click();
  await expect(page.getByText('The basket is empty.')).toBeVisible();
  expect(host.cashSales).toBe(before + 1);
});

test('card payment: live terminal messages, then an unknown outcome, recovered as approved', async ({
  page,
}) => {
  await signIn(page);
  await scan(page, '4006381333931');
  await page.getByRole('button', { name: 'Card', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Amount €8.99');
  host.bridge.publish('terminal.message', { text: 'Insert card' });
  host.bridge.publish('terminal.message', { text: 'Enter PIN' });
  await expect(dialog.getByRole('log')).toContainText('Insert cardEnter PIN');
  expect(await seriousAxeFindings(page)).toEqual([]);
  await saveScreenshot(page, 'card-in-progress');

  // Escape does not close a running payment: the dialog stays until the terminal has decided.
  const starts = host.cardStarts;
  await page.keyboard.press('Escape');
  await expect(dialog).toBeVisible();

  host.bridge.publish('payment.card.outcome', { outcome: 'unknown' });
  await expect(dialog.getByRole('heading')).toHaveText('The payment result is not known yet');
  await expect(dialog).toContainText('Do not charge the card again');
  await expect(dialog.getByRole('button', { name: 'Check again' })).toBeFocused();
  expect(await seriousAxeFindings(page)).toEqual([]);
  await saveScreenshot(page, 'card-unknown-outcome');

  host.recoveredOutcome = 'approved';
  await page.keyboard.press('Enter');
  await expect(dialog.getByRole('heading')).toHaveText('Approved');
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  await expect(page.getByText('The basket is empty.')).toBeVisible();
  expect(host.cardStarts).toBe(starts);
});

test('cancel asks the terminal; switching user keeps the basket', async ({ page }) => {
  await signIn(page);
  await scan(page, '4000417025005');
  // Keyboard only: Space on the focused Card button starts the payment, Enter on Cancel cancels it.
  await page.getByRole('button', { name: 'Card', exact: true }).focus();
  await page.keyboard.press(' ');
  await expect(page.getByRole('button', { name: 'Cancel payment' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog').getByRole('heading')).toHaveText('Payment cancelled');
  await page.getByRole('button', { name: 'Back to sale' }).click();
  await expect(page.getByTestId('basket-lines')).toContainText('Milk 1 l');

  await page.getByRole('button', { name: 'Switch user' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.getByLabel('Staff PIN').fill('1234');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('basket-lines')).toContainText('Milk 1 l');
});
