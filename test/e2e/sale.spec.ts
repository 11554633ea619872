/**
 * The cashier's sale vertical in Chromium against the real system (helpers/system.ts): the core on PGlite, the
 * host with its SQLite store and sync daemon, the virtual card terminal on a socat pty, the UI served by the
 * bridge. Keyboard and scanner only where a cashier would use them; axe on every screen; screenshots saved.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './helpers/fixtures';
import type { SdkResponse } from 'onlinepayments-sdk-nodejs';
import { seriousAxeFindings } from './helpers/axe';
import { saveScreenshot } from './helpers/screenshots';
import { CASHIER, MANAGER_AUTH, type E2eSystem } from './helpers/system';

let sys: E2eSystem;
test.beforeEach(({ sys: s }) => {
  sys = s;
  sys.vt.presentCard('visa-approve');
  sys.vt.clearFaults();
});

async function axeClean(page: Page) {
  expect(await seriousAxeFindings(page)).toEqual([]);
}

async function open(page: Page) {
  await page.goto(sys.uiUrl);
  await expect(page.getByTestId('status-connection')).toHaveText('Online', { timeout: 15_000 });
  await expect(page.locator('header[data-events="open"]')).toBeVisible();
}

async function signIn(page: Page) {
  await open(page);
  await page.getByRole('button', { name: CASHIER.name }).click();
  await expect(page.getByLabel('Staff PIN')).toBeFocused();
  await page.keyboard.type(CASHIER.pin);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Sale' })).toBeVisible();
}

/**
 * A scanner: the code's keys and Enter as one burst, dispatched inside the page in one task (a real scanner
 * sends a key every few ms; through Playwright's keyboard a loaded machine can space keys more than 100 ms
 * apart and turn a scan into typing; the timing itself is covered by the scanner's unit tests and the bench).
 */
async function scan(page: Page, code: string) {
  await page.evaluate(`(() => {
    const target = document.activeElement ?? document.body;
    for (const key of [...${JSON.stringify(code)}, 'Enter']) {
      target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
    }
  })()`);
}

const lines = (page: Page) => page.getByTestId('basket-lines').getByRole('listitem');

async function emptyBasket(page: Page) {
  // Whatever an earlier test left in the host's basket goes, line by line, as a cashier would remove it,
  // once the counter has read it (after a sign-in it says so while it reads).
  await expect(page.getByText('Loading the basket this till kept…')).toHaveCount(0);
  const remove = page.getByRole('button', { name: /^Remove / });
  while ((await remove.count()) > 0) await remove.first().click();
  await expect(page.getByText('The basket is empty.')).toBeVisible();
}

test('wrong then right PIN; the staff list comes from the host', async ({ page }) => {
  await open(page);
  await expect(page.getByRole('group', { name: 'Who is signing in?' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeDisabled();
  await axeClean(page);
  await saveScreenshot(page, 'sign-in-staff');
  await page.getByRole('button', { name: CASHIER.name }).click();
  await expect(page.getByRole('button', { name: CASHIER.name })).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.type('0000');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert')).toHaveText('That PIN is not right. Try again, or ask a manager.');
  await page.getByLabel('Staff PIN').fill(CASHIER.pin);
  await page.keyboard.press('Enter');
  await expect(page.getByText(`Signed in: ${CASHIER.name}`)).toBeVisible();
  await expect(page.getByTestId('status-terminal')).toHaveText('Card terminal ready');
});

test('scanned items and cash with change; the basket survives a page reload', async ({ page }) => {
  await signIn(page);
  await emptyBasket(page);
  await scan(page, '4006381333931');
  await scan(page, '4000417025005');
  await scan(page, '4006381333931');
  await expect(lines(page)).toHaveCount(2);
  await expect(lines(page).first()).toContainText('Coffee beans 500 g');
  await expect(page.getByRole('group', { name: 'Quantity of Coffee beans 500 g' })).toContainText('2');
  await scan(page, '99999999');
  await expect(page.getByTestId('notice')).toContainText('No item with code 99999999');
  await expect(page.getByTestId('total')).toContainText('€19.17');
  await axeClean(page);
  await saveScreenshot(page, 'sale');

  // The host keeps the basket: a reload (or a host restart) finds it again.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.getByRole('button', { name: CASHIER.name }).click();
  await page.keyboard.type(CASHIER.pin);
  await page.keyboard.press('Enter');
  await expect(lines(page)).toHaveCount(2);
  await expect(page.getByTestId('total')).toContainText('€19.17');

  await page.getByRole('button', { name: 'Cash', exact: true }).click();
  await expect(page.getByRole('button', { name: '€5.00' })).toBeDisabled();
  await page.getByRole('button', { name: '€50.00' }).click();
  await expect(page.getByTestId('change')).toHaveText('Change due: €30.83');
  await axeClean(page);
  await saveScreenshot(page, 'tender-cash');
  await page.getByRole('button', { name: 'Complete sale' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('heading')).toHaveText('Paid');
  await expect(dialog.getByTestId('checkout-result')).toHaveText('Change due: €30.83');
  await page.keyboard.press('Enter'); // "Receipt" has focus
  await expect(page.getByTestId('receipt-total')).toHaveText('€19.17');
  await expect(page.getByTestId('receipt')).toContainText('Cash €19.17 · Change €30.83');
  await axeClean(page);
  await saveScreenshot(page, 'receipt-cash');
  expect((await sys.call<{ lines: unknown[] }>('cart.get')).lines).toEqual([]);
});

test('item search by name or number: arrows and Enter, or a tap; the scanner still works outside the field', async ({
  page,
}) => {
  await signIn(page);
  await emptyBasket(page);
  await page.keyboard.press('F3');
  const field = page.getByRole('combobox', { name: 'Search items' });
  await expect(field).toBeFocused();
  await page.keyboard.type('co');
  const results = page.getByRole('listbox', { name: 'Items found' }).getByRole('option');
  await expect(results).toHaveText([/Coffee beans 500 g.*€8\.99/, /Counter mug.*€12\.50/]);
  await expect(page.getByTestId('search-status')).toHaveText('2 items found');
  await axeClean(page);
  await saveScreenshot(page, 'sale-search');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(results.nth(1)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  await expect(lines(page)).toHaveCount(1);
  await expect(lines(page).first()).toContainText('Counter mug');
  await expect(field).toHaveValue('');
  await expect(field).toBeFocused();
  // By item number, picked with a tap.
  await page.keyboard.type('bike');
  await expect(results).toHaveCount(1);
  await results.first().click();
  await expect(lines(page)).toHaveCount(2);
  await expect(page.getByTestId('total')).toContainText('€511.50');
  // A typed % is a character, not a wildcard; nothing matches and the cashier is told so.
  await page.keyboard.type('%');
  await expect(page.getByTestId('search-status')).toHaveText('No item matches “%”.');
  await page.keyboard.press('Escape');
  await expect(field).toHaveValue('');
  // Focus outside the field: a scan is a scan again.
  await page.getByRole('heading', { name: 'Sale' }).click();
  await scan(page, '4000417025005');
  await expect(lines(page)).toHaveCount(3);
  expect((await sys.call<{ lines: { sku: string }[] }>('cart.get')).lines.map((l) => l.sku)).toEqual([
    'MUG',
    'BIKE',
    'MILK-1L',
  ]);
});

test('quantity and discounts by keypad (keyboard only); totals follow; the receipt shows the discount', async ({
  page,
}) => {
  await signIn(page);
  await emptyBasket(page);
  await scan(page, '4012345678901'); // Counter mug €12.50
  await scan(page, '4006381333931'); // Coffee beans €8.99
  await expect(lines(page)).toHaveCount(2);
  await expect(page.getByTestId('line-target')).toHaveText('Keypad acts on: Coffee beans 500 g');
  // 3 then * : the quantity of the last line.
  await page.keyboard.type('3*');
  await expect(page.getByRole('group', { name: 'Quantity of Coffee beans 500 g' })).toContainText('3');
  await expect(page.getByTestId('total')).toContainText('€39.47');
  // Pick the mug, key 10 and % : ten percent off it.
  await page.getByRole('button', { name: 'Select Counter mug for quantity and discount' }).press('Enter');
  await expect(
    page.getByRole('button', { name: 'Select Counter mug for quantity and discount' }),
  ).toHaveAttribute('aria-pressed', 'true');
  await page.getByRole('heading', { name: 'Sale' }).click(); // keys to the sale screen, not the button
  await page.keyboard.type('10%');
  await expect(lines(page).first().getByTestId('line-discount')).toHaveText('Discount 10% −€1.25');
  await expect(page.getByTestId('total')).toContainText('€38.22');
  // A discount larger than the line is refused in words; nothing changes.
  await page.keyboard.type('50');
  await expect(page.getByTestId('entry')).toHaveText('50');
  await page.getByRole('button', { name: 'Discount', exact: true }).click();
  await expect(page.getByTestId('notice')).toHaveText(
    'A discount must be less than the line (€12.50). Key a smaller one.',
  );
  await expect(page.getByTestId('total')).toContainText('€38.22');
  await axeClean(page);
  await saveScreenshot(page, 'sale-discount');
  const cart = await sys.call<{ lines: { sku: string; quantity: number; discountMinor: number }[] }>(
    'cart.get',
  );
  expect(cart.lines.map((l) => [l.sku, l.quantity, l.discountMinor])).toEqual([
    ['MUG', 1, 125],
    ['COFFEE-500', 3, 0],
  ]);
  await page.getByRole('button', { name: 'Cash', exact: true }).click();
  await page.getByRole('button', { name: 'Exact' }).click();
  await page.getByRole('button', { name: 'Complete sale' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('heading')).toHaveText('Paid');
  await dialog.getByRole('button', { name: 'Receipt' }).click();
  await expect(page.getByTestId('receipt-total')).toHaveText('€38.22');
  await expect(page.getByTestId('receipt')).toContainText('Discount −€1.25');
});

test('a basket discount in %, a line percentage kept over a reload; the card receipt printed one terminal copy at a time', async ({
  page,
}) => {
  sys.vt.presentCard('mastercard-pin');
  await signIn(page);
  await emptyBasket(page);
  await scan(page, '4012345678901'); // Counter mug €12.50
  await scan(page, '4006381333931'); // Coffee beans €8.99
  await expect(lines(page)).toHaveCount(2);
  await page.getByRole('button', { name: 'Select Counter mug for quantity and discount' }).press('Enter');
  await page.getByRole('heading', { name: 'Sale' }).click();
  await page.keyboard.type('10%');
  await expect(lines(page).first().getByTestId('line-discount')).toHaveText('Discount 10% −€1.25');
  // 5 % off the whole basket: 5 % of €20.24 is €1.012 → €1.01.
  await page.keyboard.type('5');
  await expect(page.getByTestId('entry')).toHaveText('5');
  await page.getByRole('button', { name: 'Basket %' }).click();
  await expect(page.getByTestId('basket-discount')).toContainText('Subtotal €20.24');
  await expect(page.getByTestId('basket-discount')).toContainText('Basket discount 5% −€1.01');
  await expect(page.getByTestId('total')).toContainText('€19.23');
  // A basket discount as large as the basket is refused in words.
  await page.keyboard.type('25');
  await expect(page.getByTestId('entry')).toHaveText('25');
  await page.getByRole('button', { name: 'Basket discount' }).click();
  await expect(page.getByTestId('notice')).toHaveText(
    'A basket discount must be less than the basket (€20.24). Key a smaller one.',
  );
  // The host keeps both as percentages: after a reload they are still 10 % and 5 %.
  const cart = await sys.call<{
    lines: { sku: string; discountMinor: number; discountBp?: number }[];
    basketDiscount: unknown;
  }>('cart.get');
  expect(cart.lines.map((l) => [l.sku, l.discountMinor, l.discountBp ?? null])).toEqual([
    ['MUG', 125, 1_000],
    ['COFFEE-500', 0, null],
  ]);
  expect(cart.basketDiscount).toEqual({ percentBp: 500 });
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.getByRole('button', { name: CASHIER.name }).click();
  await page.keyboard.type(CASHIER.pin);
  await page.keyboard.press('Enter');
  await expect(lines(page)).toHaveCount(2);
  await expect(lines(page).first().getByTestId('line-discount')).toHaveText('Discount 10% −€1.25');
  await expect(page.getByTestId('basket-discount')).toContainText('Basket discount 5% −€1.01');
  await expect(page.getByTestId('total')).toContainText('€19.23');
  await axeClean(page);
  await saveScreenshot(page, 'sale-basket-discount');

  await page.getByRole('button', { name: 'Card', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Amount €19.23');
  await expect(dialog.getByRole('heading')).toHaveText('Approved', { timeout: 15_000 });
  await dialog.getByRole('button', { name: 'Receipt' }).click();
  const receipt = page.getByTestId('receipt');
  await expect(page.getByTestId('receipt-total')).toHaveText('€19.23');
  await expect(receipt).toContainText('Discount −€1.25');
  await expect(page.getByTestId('receipt-basket-discount')).toHaveText('Basket discount −€1.01');
  // One terminal copy at a time: the print stylesheet leaves out the other.
  const copy = (type: string) => page.locator(`.terminal-copy[data-copy="${type}"]`);
  await page.getByRole('button', { name: 'Print merchant copy' }).click();
  await expect(receipt).toHaveAttribute('data-print', 'merchant');
  await page.emulateMedia({ media: 'print' });
  await expect(copy('merchant')).toBeVisible();
  await expect(copy('customer')).toBeHidden();
  await expect(page.getByTestId('receipt-order')).toBeVisible();
  await expect(page.getByTestId('receipt-total')).toBeHidden();
  await page.emulateMedia({ media: 'screen' });
  await page.getByRole('button', { name: 'Print customer copy' }).click();
  await expect(receipt).toHaveAttribute('data-print', 'customer');
  await page.emulateMedia({ media: 'print' });
  await expect(copy('customer')).toBeVisible();
  await expect(copy('merchant')).toBeHidden();
  await expect(page.getByTestId('receipt-total')).toBeVisible();
  await page.emulateMedia({ media: 'screen' });
  // On screen both copies stay.
  await expect(copy('merchant')).toBeVisible();
  await expect(copy('customer')).toBeVisible();
});

test("card sale approved with the terminal's texts; the receipt carries its masked card; a reprint is a copy", async ({
  page,
}) => {
  sys.vt.presentCard('mastercard-pin');
  await signIn(page);
  await emptyBasket(page);
  await scan(page, '4012345678901');
  const booked = sys.vt.bookedTransactions().length;
  await page.getByRole('button', { name: 'Card', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Amount €12.50');
  await expect(dialog.getByRole('log')).toContainText(/PIN/i);
  await axeClean(page);
  await saveScreenshot(page, 'card-in-progress');
  await expect(dialog.getByRole('heading')).toHaveText('Approved', { timeout: 15_000 });
  expect(sys.vt.bookedTransactions()).toHaveLength(booked + 1);
  await dialog.getByRole('button', { name: 'Receipt' }).click();
  const receipt = page.getByTestId('receipt');
  await expect(receipt).toContainText(/Card ····\d{4} €12\.50/);
  await expect(page.getByTestId('receipt-terminal')).toContainText(/Karte \d{6}\*{6}\d{4}/);
  // The terminal's customer copy and merchant copy apart, each with the masked card.
  const copies = page.getByTestId('receipt-terminal').getByRole('figure');
  await expect(copies.locator('figcaption')).toHaveText(['Customer copy', 'Merchant copy']);
  for (const copy of await copies.all()) await expect(copy).toContainText(/Karte \d{6}\*{6}\d{4}/);
  await expect(page.getByTestId('receipt-terminal')).not.toContainText('5555555555554444');
  await axeClean(page);
  await saveScreenshot(page, 'receipt-card');
  await page.getByRole('button', { name: 'Reprint (copy)' }).click();
  await expect(receipt).toContainText('COPY');
});

test('split: the card pays its part first, then the cash part; the receipt shows both', async ({ page }) => {
  await signIn(page);
  await emptyBasket(page);
  await scan(page, '4012345678901');
  await expect(lines(page)).toHaveCount(1);
  await page.getByRole('button', { name: 'Split', exact: true }).click();
  // A person typing the cash part on the keyboard (not a scan: keys 150 ms apart).
  await page.keyboard.type('2.5', { delay: 150 });
  await expect(page.getByTestId('entry')).toHaveText('2.5');
  await expect(page.getByTestId('change')).toHaveText('Card part: €10.00');
  await axeClean(page);
  await page.getByRole('button', { name: 'Card', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('heading')).toHaveText('Approved', { timeout: 15_000 });
  await dialog.getByRole('button', { name: 'Receipt' }).click();
  const receipt = page.getByTestId('receipt');
  await expect(receipt).toContainText(/Card ····\d{4} €10\.00/);
  await expect(receipt).toContainText('Cash €2.50');
  await expect(page.getByTestId('receipt-total')).toHaveText('€12.50');
});

test('a declined card leaves nothing charged and the basket in place; another card on the same order', async ({
  page,
}) => {
  sys.vt.presentCard('visa-declined');
  await signIn(page);
  await emptyBasket(page);
  await scan(page, '4000417025005');
  const booked = sys.vt.bookedTransactions().length;
  await page.getByRole('button', { name: 'Card', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('heading')).toHaveText('Declined', { timeout: 15_000 });
  await expect(dialog).toContainText('Nothing was charged');
  await axeClean(page);
  await saveScreenshot(page, 'card-declined');
  expect(sys.vt.bookedTransactions()).toHaveLength(booked);
  sys.vt.presentCard('visa-approve');
  await dialog.getByRole('button', { name: 'Try card again' }).click();
  await expect(dialog.getByRole('heading')).toHaveText('Approved', { timeout: 15_000 });
  expect(sys.vt.bookedTransactions()).toHaveLength(booked + 1);
  await dialog.getByRole('button', { name: 'Receipt' }).click();
  await expect(page.getByTestId('receipt-total')).toHaveText('€1.19');
});

test('a cancelled card payment: the terminal stops, nothing is charged, the basket stays', async ({
  page,
}) => {
  (sys.vt.timers as { customerDelayMs: number }).customerDelayMs = 3_000;
  try {
    await signIn(page);
    await emptyBasket(page);
    await scan(page, '4000417025005');
    await expect(lines(page)).toHaveCount(1);
    await expect(page.getByRole('button', { name: 'Card', exact: true })).toBeEnabled();
    const booked = sys.vt.bookedTransactions().length;
    // Keyboard only: Space on the focused Card button starts the payment, Enter on Cancel cancels it.
    await page.getByRole('button', { name: 'Card', exact: true }).focus();
    await page.keyboard.press(' ');
    const cancel = page.getByRole('button', { name: 'Cancel payment' });
    await expect(cancel).toBeFocused();
    await expect(page.getByRole('dialog').getByRole('log')).not.toContainText(
      'Waiting for the card terminal',
    );
    await page.keyboard.press('Enter');
    await expect(page.getByRole('dialog').getByRole('heading')).toHaveText('Payment cancelled', {
      timeout: 15_000,
    });
    expect(sys.vt.bookedTransactions()).toHaveLength(booked);
    await page.getByRole('button', { name: 'Back to sale' }).click();
    await expect(page.getByTestId('basket-lines')).toContainText('Milk 1 l');
  } finally {
    (sys.vt.timers as { customerDelayMs: number }).customerDelayMs = 400;
  }
});

test('a page reloaded during a card payment shows it again from the host, and its outcome', async ({
  page,
}) => {
  (sys.vt.timers as { customerDelayMs: number }).customerDelayMs = 3_000;
  try {
    await signIn(page);
    await emptyBasket(page);
    await scan(page, '4012345678901');
    await page.getByRole('button', { name: 'Card', exact: true }).click();
    await expect(page.getByRole('dialog').getByRole('log')).not.toContainText(
      'Waiting for the card terminal',
    );
    await page.reload();
    await page.getByRole('button', { name: CASHIER.name }).click();
    await page.keyboard.type(CASHIER.pin);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await expect(dialog).toContainText('Amount €12.50');
    await expect(dialog.getByRole('log')).not.toBeEmpty();
    await expect(dialog.getByRole('heading')).toHaveText('Approved', { timeout: 15_000 });
    await dialog.getByRole('button', { name: 'Receipt' }).click();
    await expect(page.getByTestId('receipt-total')).toHaveText('€12.50');
    await page.getByRole('button', { name: 'New sale' }).click();
    await expect(page.getByText('The basket is empty.')).toBeVisible();
  } finally {
    (sys.vt.timers as { customerDelayMs: number }).customerDelayMs = 400;
  }
});

test('an unknown outcome is recovered without a second charge', async ({ page }) => {
  await signIn(page);
  await emptyBasket(page);
  await scan(page, '4006381333931');
  const booked = sys.vt.bookedTransactions().length;
  // The terminal approves, then goes silent, and stays silent while the host tries to recover: the host
  // cannot tell whether the card was charged.
  sys.vt.injectFault({ kind: 'silence-after-approval' });
  const off = sys.vt.onEvent((e) => {
    if (e.kind !== 'booked') return;
    off();
    for (let i = 0; i < 8; i++) sys.vt.injectFault({ kind: 'silence-before-answer' });
  });
  await page.getByRole('button', { name: 'Card', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('heading')).toHaveText('The payment result is not known yet', {
    timeout: 30_000,
  });
  await expect(dialog).toContainText('Do not charge the card again');
  await expect(dialog.getByRole('button', { name: 'Check again' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeVisible();
  await axeClean(page);
  await saveScreenshot(page, 'card-unknown-outcome');
  sys.vt.clearFaults();
  await page.keyboard.press('Enter');
  await expect(dialog.getByRole('heading')).toHaveText('Approved', { timeout: 30_000 });
  expect(sys.vt.bookedTransactions()).toHaveLength(booked + 1);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('receipt-total')).toHaveText('€8.99');
  expect(sys.vt.bookedTransactions()).toHaveLength(booked + 1);
});

/* eslint-disable @typescript-eslint/no-explicit-any -- wire bodies are read as JSON */
function body(r: SdkResponse<unknown, unknown>): any {
  if (!r.isSuccess) throw new Error(`expected success, got ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}

test('a deposit by card; the balance charged online on the same payment id; the counter shows it paid', async ({
  page,
}) => {
  await signIn(page);
  await page.getByRole('button', { name: 'Deposit', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Deposit for an order' })).toBeVisible();
  await expect(page.getByLabel('Customer name')).toBeFocused();
  await page.keyboard.type('Dana Doe');
  await page.getByLabel('Phone or e-mail').fill('dana@example.test');
  await page.getByLabel('Order total').fill('499.00');
  await page.getByLabel('Percent').check();
  await page.getByLabel('Deposit in percent').fill('20');
  await expect(page.getByTestId('deposit-summary')).toHaveText('Deposit €99.80 now, balance due €399.20');
  await axeClean(page);
  await saveScreenshot(page, 'deposit');
  await page.getByRole('button', { name: 'Take deposit' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('heading')).toHaveText('Deposit taken', { timeout: 15_000 });
  await expect(dialog.getByTestId('checkout-result')).toHaveText('Balance due: €399.20');
  await dialog.getByRole('button', { name: 'Receipt' }).click();

  const orderId = ((await page.getByTestId('receipt-order').textContent()) ?? '').replace('Order ', '');
  expect(orderId).toMatch(/^[0-9a-f-]{36}$/);
  const paymentId = ((await page.getByTestId('receipt-payment-id').textContent()) ?? '').replace(
    'Payment id ',
    '',
  );
  expect(paymentId).toMatch(/^\d{19}$/);
  await expect(page.getByTestId('receipt-balance-due')).toHaveText('€399.20');
  await expect(page.getByTestId('receipt')).toContainText('Customer: Dana Doe');
  await axeClean(page);
  await saveScreenshot(page, 'receipt-deposit');

  // The web shop charges the balance online with the official SDK, on the counter's payment id.
  await expect
    .poll(async () => (await sys.call<{ queued: number }>('status')).queued, { timeout: 15_000 })
    .toBe(0);
  const rest = body(
    await sys.sdk.payments.subsequentPayment(sys.merchantId, paymentId, {
      order: { amountOfMoney: { amount: 39_920, currencyCode: 'EUR' } },
    }),
  );
  expect(rest.payment.status).toBe('CAPTURED');

  // The counter learns it from the change feed and shows the order paid.
  await page.getByRole('button', { name: 'Collect balance' }).click();
  await page.getByLabel('Order id (from the deposit receipt)').fill(orderId);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('balance-order')).toBeVisible();
  await expect(async () => {
    await page.getByRole('button', { name: 'Find order' }).click();
    await expect(page.getByTestId('balance-due')).toHaveText('€0.00', { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(page.getByTestId('balance-paid')).toHaveText('This order is paid in full.');
  await axeClean(page);
  await saveScreenshot(page, 'balance-paid');
});

test('German: the sign-in and sale screens in German', async ({ page }) => {
  await page.goto(sys.uiUrl.replace('/#', '/?lang=de#'));
  await expect(page.getByRole('heading', { name: 'Anmelden' })).toBeVisible();
  await page.getByRole('button', { name: CASHIER.name }).click();
  await page.keyboard.type(CASHIER.pin);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Verkauf' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Bereiche' })).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Artikel suchen' })).toBeVisible();
  await expect(page.getByRole('group', { name: 'Position' })).toContainText('Rabatt %');
  await axeClean(page);
  await saveScreenshot(page, 'sale-de');
});

test("the manager's saved language and scanner timing apply when the counter starts", async ({ page }) => {
  const before = await sys.call<{ language: string; scanner: { maxGapMs: number; minLength: number } }>(
    'settings.get',
  );
  // A slow scanner (keys up to a second apart) and German, saved by a manager before the app starts.
  await sys.call('settings.put', {
    language: 'de',
    scanner: { maxGapMs: 1000, minLength: 6 },
    manager: MANAGER_AUTH,
  });
  try {
    await page.goto(sys.uiUrl);
    await expect(page.getByRole('heading', { name: 'Anmelden' })).toBeVisible({ timeout: 15_000 });
    await expect(page.locator('html')).toHaveAttribute('lang', 'de');
    await page.getByRole('button', { name: CASHIER.name }).click();
    await page.keyboard.type(CASHIER.pin);
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { name: 'Verkauf' })).toBeVisible();
    const remove = page.getByRole('button', { name: / entfernen$/ });
    while ((await remove.count()) > 0) await remove.first().click();
    await expect(page.getByText('Der Warenkorb ist leer.')).toBeVisible();
    // Keys 250 ms apart: typing with the default 100 ms, a scan with the saved 1000 ms.
    await page.getByRole('heading', { name: 'Verkauf' }).click();
    await page.keyboard.type('4000417025005', { delay: 250 });
    await page.keyboard.press('Enter');
    await expect(lines(page)).toHaveCount(1);
    await expect(lines(page).first()).toContainText('Milk 1 l');
    await expect(page.getByTestId('entry')).toHaveText('0');
  } finally {
    await sys.call('settings.put', {
      language: before.language,
      scanner: before.scanner,
      manager: MANAGER_AUTH,
    });
  }
  expect((await sys.call<{ language: string }>('settings.get')).language).toBe(before.language);
});
