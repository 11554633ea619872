/**
 * The manager's side against the real system (helpers/system.ts: the core on PGlite in its own process, the
 * virtual terminal on a pty, the host with its sync daemon serving the built UI on the loopback bridge), in
 * Chromium, keyboard and mouse as a manager would: a refund with a wrong then a right PIN; a counter refund
 * stopped by the cross-channel lock after the web shop refunded the same through the online API (official
 * SDK); end of day with the Z report; the cash drawer; a sale made while the core is down, shown in the queue
 * and synced when it is back. axe on every manager screen (no serious or critical findings) and screenshots.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { startCore, type CoreProcess } from '../../scripts/system';
import { seriousAxeFindings } from './helpers/axe';
import { saveScreenshot } from './helpers/screenshots';
import { MANAGER, startE2eSystem, type E2eSystem } from './helpers/system';

let sys: E2eSystem;
/** The core started again after the offline test (the harness stops only the one it started). */
let replacementCore: CoreProcess | null = null;
test.describe.configure({ mode: 'serial' });
test.beforeAll(async () => {
  sys = await startE2eSystem();
});
test.afterAll(async () => {
  await sys?.stop();
  await replacementCore?.stop();
});

interface SaleAnswer {
  orderId: string;
  tenders: { paymentId: string | null; ok: boolean }[];
}

let signInChecked = false;

/** The manager's page of the UI (?area=manager), signed in as the manager. */
async function openManager(page: Page, lang = 'en'): Promise<void> {
  const u = new URL(sys.uiUrl);
  u.searchParams.set('area', 'manager');
  u.searchParams.set('lang', lang);
  await page.goto(u.toString());
  if (lang === 'en' && !signInChecked) {
    // The manager's sign-in page: axe clean; a cashier is told it needs a manager.
    await expect(page.getByRole('heading', { name: 'Manager sign-in' })).toBeVisible();
    await expectAxeClean(page, 'manager sign-in');
    await page.getByLabel('Manager ID').fill('cara');
    await page.getByLabel('Manager PIN').fill('1111');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('alert')).toHaveText(
      'This needs a manager: enter the ID and PIN of a manager.',
    );
    await saveScreenshot(page, 'manager-sign-in');
    signInChecked = true;
  }
  await page.getByLabel(lang === 'de' ? 'Kennung der Filialleitung' : 'Manager ID').fill(MANAGER.staffId);
  await page.getByLabel(lang === 'de' ? 'PIN der Filialleitung' : 'Manager PIN').fill(MANAGER.pin);
  await page.keyboard.press('Enter');
  await expect(
    page.getByRole('navigation', {
      name: lang === 'de' ? 'Bildschirme der Filialleitung' : 'Manager screens',
    }),
  ).toBeVisible();
}

async function expectAxeClean(page: Page, what: string): Promise<void> {
  expect(await seriousAxeFindings(page), what).toEqual([]);
}

async function openOrder(page: Page, query: { orderId?: string; paymentId?: string }): Promise<void> {
  await page.getByRole('button', { name: 'Orders', exact: true }).click();
  if (query.orderId) await page.getByLabel('Order ID').fill(query.orderId);
  if (query.paymentId) await page.getByLabel('Payment ID').fill(query.paymentId);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page
    .getByRole('button', { name: /^Open order / })
    .first()
    .click();
  await expect(page.getByRole('heading', { name: 'Timeline' })).toBeVisible();
}

test('a manager refund: a wrong PIN refunds nothing and says so, the right one refunds; the timeline shows it', async ({
  page,
}) => {
  sys.vt.presentCard('visa-approve');
  const sale = await sys.call<SaleAnswer>('sale.checkout', {
    entries: [{ sku: 'MUG', quantity: 2 }],
    tenders: [{ method: 'CARD' }],
    operatorId: 'cara',
  });
  const paymentId = sale.tenders[0]!.paymentId!;
  await sys.call('sync.now');

  await openManager(page);
  await expectAxeClean(page, 'orders');
  await page.getByLabel('Order ID').fill(sale.orderId);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: '1 order found' })).toBeVisible();
  await saveScreenshot(page, 'manager-orders');
  await page.getByRole('button', { name: `Open order ${sale.orderId.slice(0, 8)}` }).click();
  const entries = page.getByTestId('timeline-entry');
  await expect(entries).toHaveCount(1);
  await expect(entries.first()).toContainText('Sale · this counter · card');
  await expect(entries.first()).toContainText('€25.00');
  await expectAxeClean(page, 'order timeline');
  await saveScreenshot(page, 'manager-order-timeline');

  await page.getByRole('button', { name: `Refund payment ${paymentId}` }).click();
  await expect(page.getByTestId('refundable-box')).toContainText('Paid €25.00; refundable now €25.00.');
  await page.getByLabel('Amount').fill('5.00');
  await page.getByLabel('Reason').fill('chipped handle');
  await expect(page.getByLabel('Manager ID')).toHaveValue(MANAGER.staffId);
  await page.getByLabel('Manager PIN').fill('1234');
  await page.getByRole('button', { name: 'Refund', exact: true }).click();
  const notice = page.getByTestId('manager-notice');
  await expect(notice).toContainText('That manager PIN is not right. Nothing was done; enter it again.');
  await expect(notice).toHaveAttribute('role', 'alert');
  await expectAxeClean(page, 'refund, wrong PIN');
  await saveScreenshot(page, 'manager-refund-wrong-pin');
  expect(
    (await sys.call<{ refundedMinor: number }>('order.refundable', { orderId: sale.orderId })).refundedMinor,
  ).toBe(0);

  await page.getByLabel('Manager PIN').fill(MANAGER.pin);
  await page.getByRole('button', { name: 'Refund', exact: true }).click();
  await expect(notice).toContainText(/Refunded\. Reference R-[0-9A-F]{4}-[0-9A-F]{4}\./);
  await expect(page.getByTestId('refundable-box')).toContainText('refundable now €20.00');
  await expect(page.getByText('€5.00 was already refunded at this counter.')).toBeVisible();
  await saveScreenshot(page, 'manager-refund-done');
  await page.getByRole('button', { name: 'Back to the order' }).click();
  await expect(entries).toHaveCount(2);
  await expect(entries.nth(1)).toContainText('Refund · this counter · card');
  await expect(page.getByTestId('order-refunded')).toHaveText('€5.00');
  // The customer presents the same card at the terminal: the orders paid with it are found by its token.
  await page.getByRole('button', { name: 'Orders', exact: true }).click();
  sys.vt.presentCard('visa-approve');
  await page.getByRole('button', { name: 'Present card' }).click();
  await expect(page.getByRole('heading', { name: /^1 order paid with card .*4675$/ })).toBeVisible({
    timeout: 30_000,
  });
  await expect(page.getByRole('button', { name: `Open order ${sale.orderId.slice(0, 8)}` })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'Partly refunded' })).toBeVisible();
  await saveScreenshot(page, 'manager-orders-by-card');
  // The core has it too: one refund of 5.00 on the payment.
  const refunds = await sys.sdk.refunds.getRefunds(sys.merchantId, paymentId);
  expect(refunds.isSuccess).toBe(true);
  const list = (refunds.body as { refunds: { refundOutput: { amountOfMoney: { amount: number } } }[] })
    .refunds;
  expect(list.map((r) => r.refundOutput.amountOfMoney.amount)).toEqual([500]);
});

test('a counter refund after the web shop refunded the same online is stopped, naming the online refund', async ({
  page,
}) => {
  sys.vt.presentCard('visa-approve');
  const deposit = await sys.call<SaleAnswer>('deposit.take', {
    customer: { name: 'Dana Doe', contact: 'dana@example.test' },
    totalMinor: 49_900,
    deposit: { amountMinor: 10_000 },
    tender: { method: 'CARD' },
    operatorId: 'cara',
  });
  const depositId = deposit.tenders[0]!.paymentId!;
  await sys.call('sync.now');
  // The web shop refunds 30.00 of the deposit through the online API.
  const online = await sys.sdk.payments.refundPayment(sys.merchantId, depositId, {
    amountOfMoney: { amount: 3_000, currencyCode: 'EUR' },
  });
  expect(online.isSuccess).toBe(true);
  const onlineRefundId = (online.body as { id: string }).id;

  await openManager(page);
  await page.getByLabel('Customer name or contact').fill('Dana');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByRole('cell', { name: 'Dana Doe' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'Partly paid' })).toBeVisible();
  await page
    .getByRole('button', { name: /^Open order / })
    .first()
    .click();
  await page.getByRole('button', { name: `Refund payment ${depositId}` }).click();
  await page.getByLabel('Card present at the terminal').check();
  await page.getByLabel('Amount').fill('30.00');
  await page.getByLabel('Reason').fill('customer changed their mind');
  await page.getByLabel('Manager PIN').fill(MANAGER.pin);
  await page.getByRole('button', { name: 'Refund', exact: true }).click();
  const notice = page.getByTestId('manager-notice');
  await expect(notice).toContainText(
    new RegExp(
      `^Not refunded: this repeats the refund of €30\\.00 made online at .+ \\(refund ${onlineRefundId}\\)\\. If it is a genuine second refund, try again later\\.`,
    ),
  );
  // One clock: the core's own words under the sentence give the same local time, not the core's UTC.
  const sentence = (await notice.locator('p').first().textContent()) ?? '';
  const at = /made online at (.+) \(refund/.exec(sentence)?.[1] ?? 'no time in the sentence';
  await expect(notice.locator('p').nth(1)).toContainText(`made online at ${at} (refund ${onlineRefundId})`);
  await expect(notice).not.toContainText('UTC');
  await expectAxeClean(page, 'refund locked');
  await saveScreenshot(page, 'manager-refund-locked');
  // The terminal paid nothing back.
  expect(sys.vt.journal.filter((e) => e.kind === 'refund')).toEqual([]);

  // In German, the same refusal names the online refund in German.
  await openManager(page, 'de');
  await page.getByLabel('Zahlungsnummer').fill(depositId);
  await page.getByRole('button', { name: 'Suchen', exact: true }).click();
  await page.getByRole('button', { name: /^Auftrag .+ öffnen$/ }).click();
  const entries = page.getByTestId('timeline-entry');
  await expect(entries.first()).toContainText('Anzahlung · an dieser Kasse · Karte');
  await expect(entries.nth(1)).toContainText('Erstattung · online');
  await expect(entries.nth(1)).toContainText('30,00 €');
  await expect(page.getByTestId('order-balance')).toHaveText('399,00 €');
  await saveScreenshot(page, 'manager-order-timeline-de');
  await page.getByRole('button', { name: `Zahlung ${depositId} erstatten` }).click();
  await expect(page.getByText('30,00 € wurden schon anderswo erstattet')).toBeVisible();
  await page.getByLabel('Karte am Terminal vorlegen').check();
  await page.getByLabel('Betrag').fill('30,00');
  await page.getByLabel('Grund').fill('Kunde hat es sich anders überlegt');
  await page.getByLabel('PIN der Filialleitung').fill(MANAGER.pin);
  await page.getByRole('button', { name: 'Erstatten', exact: true }).click();
  await expect(page.getByTestId('manager-notice')).toContainText(
    `Nicht erstattet: Das wiederholt die Erstattung über €30.00, online am`,
  );
  await expect(page.getByTestId('manager-notice')).toContainText(`(Erstattung ${onlineRefundId})`);
  await expectAxeClean(page, 'refund locked (de)');
  await saveScreenshot(page, 'manager-refund-locked-de');
});

test('a sale made while the core is down waits in the queue, sync now says why not, and it syncs when the core is back', async ({
  page,
}) => {
  const core = sys.system.core;
  const env = readFileSync(`/proc/${core.proc.pid}/environ`, 'utf8').split('\0');
  const coreDataDir = env.find((e) => e.startsWith('COUNTER_DATA_DIR='))!.slice('COUNTER_DATA_DIR='.length);
  await core.stop();
  {
    const sale = await sys.call<SaleAnswer>('sale.checkout', {
      entries: [{ sku: 'COFFEE-500', quantity: 1 }],
      tenders: [{ method: 'CASH', tenderedMinor: 1_000 }],
      operatorId: 'cara',
    });
    await openManager(page);
    await page.getByRole('button', { name: 'Queue', exact: true }).click();
    const items = page.getByTestId('queue-item');
    await expect(items.filter({ hasText: sale.orderId.slice(0, 8) })).toHaveCount(2);
    await expect(items.filter({ hasText: 'New order' })).not.toHaveCount(0);
    await page.getByRole('button', { name: 'Sync now' }).click();
    const notice = page.getByTestId('manager-notice');
    await expect(notice).toContainText('Could not sync.', { timeout: 50_000 });
    await expect(notice).toContainText('The core did not answer');
    await expect(page.getByText('The core did not answer; everything stays queued.')).toBeVisible();
    await expect(items.first().getByRole('cell').nth(3)).not.toHaveText('0');
    await expectAxeClean(page, 'queue while the core is down');
    await saveScreenshot(page, 'manager-queue-offline');

    // The order's timeline says the sale is still waiting to be sent.
    await openOrder(page, { orderId: sale.orderId });
    await expect(page.getByTestId('timeline-entry').first()).toContainText('waiting to be sent');

    replacementCore = await startCore({
      dataDir: coreDataDir,
      port: core.port,
      entry: new URL('../helpers/core-main.ts', import.meta.url).pathname,
    });
    await page.getByRole('button', { name: 'Queue', exact: true }).click();
    await page.getByRole('button', { name: 'Sync now' }).click();
    await expect(notice).toContainText(/Synced: \d+ sent/, { timeout: 50_000 });
    await expect(page.getByTestId('queue-empty')).toHaveText('Nothing is waiting for the core.');
    await saveScreenshot(page, 'manager-queue-synced');
    const t = await sys.call<{ entries: { status: string; queued: boolean }[] }>('order.timeline', {
      orderId: sale.orderId,
    });
    expect(t.entries.map((e) => [e.status, e.queued])).toEqual([['DONE', false]]);
  }
});

test('exceptions, reconciliation and settings: what a manager sees, keyboard only, axe clean', async ({
  page,
}) => {
  // A refund to the card queued here for the same 15.00 the web shop just refunded: the core refuses it as a
  // repeat, for good, and it becomes an exception for a manager.
  sys.vt.presentCard('visa-approve');
  const deposit = await sys.call<SaleAnswer>('deposit.take', {
    customer: { name: 'Erik Example', contact: null },
    totalMinor: 20_000,
    deposit: { amountMinor: 5_000 },
    tender: { method: 'CARD' },
    operatorId: 'cara',
  });
  const depositId = deposit.tenders[0]!.paymentId!;
  await sys.call('sync.now');
  const online = await sys.sdk.payments.refundPayment(sys.merchantId, depositId, {
    amountOfMoney: { amount: 1_500, currencyCode: 'EUR' },
  });
  expect(online.isSuccess).toBe(true);
  const claim = await sys.call<{ state: string }>('refund.execute', {
    paymentId: depositId,
    amountMinor: 1_500,
    method: 'CORE_CARD',
    reason: 'helmet returned',
    operatorId: 'cara',
    manager: { managerId: MANAGER.staffId, managerPin: MANAGER.pin },
  });
  expect(claim.state).toBe('REJECTED');

  await openManager(page);
  await page.getByRole('button', { name: 'Exceptions', exact: true }).click();
  const exception = page.getByTestId('exception');
  await expect(exception).toHaveCount(1);
  await expect(exception).toContainText('Refund · REFUND_ORDER_LOCKED');
  await expect(exception).toContainText('repeats the refund of €15.00 made online');
  await exception.getByRole('button', { name: 'Resolve' }).click();
  await page.getByLabel('Note (what you checked)').fill('the web shop already refunded the helmet');
  await page.getByLabel('Manager PIN').fill('0000');
  await page.getByRole('button', { name: 'Acknowledge', exact: true }).click();
  await expect(page.getByTestId('manager-notice')).toContainText('That manager PIN is not right.');
  await expectAxeClean(page, 'exception being resolved');
  await saveScreenshot(page, 'manager-exception-resolve');
  await page.getByLabel('Manager PIN').fill(MANAGER.pin);
  await page.getByRole('button', { name: 'Acknowledge', exact: true }).click();
  await expect(page.getByTestId('manager-notice')).toContainText('Acknowledged.');
  await expect(page.getByTestId('exceptions-empty')).toHaveText('No open exceptions.');
  await page.getByLabel('Show resolved ones too').check();
  await expect(exception).toContainText('ACKNOWLEDGE: the web shop already refunded the helmet');
  await expectAxeClean(page, 'exceptions');
  await saveScreenshot(page, 'manager-exceptions');

  await page.getByRole('button', { name: 'Reconciliation', exact: true }).click();
  await page.getByRole('button', { name: 'Reconcile', exact: true }).click();
  await expect(page.getByTestId('reconcile-summary')).toContainText(
    /\d+ orders checked at .+: \d+ differences\./,
    {
      timeout: 50_000,
    },
  );
  await expectAxeClean(page, 'reconciliation');
  await saveScreenshot(page, 'manager-reconciliation');

  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await expect(page.getByLabel('Port path')).toHaveValue(/\/dev\/pts\/\d+|\/tmp\//);
  // Keyboard only: Tab to "Test terminal", Enter.
  await page.getByRole('button', { name: 'Test terminal' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('terminal-test')).toContainText('answered', { timeout: 30_000 });
  // The settings form and the enrolment form each ask for a manager PIN: every field is found in its form.
  const settingsForm = page.locator('form.settings');
  const enrolment = page.getByRole('form', { name: 'Enrolment with the payment core' });
  await settingsForm.getByLabel('Receipt header').fill('Fahrrad Müller\nHauptstr. 1, 10115 Berlin');
  // The collection threshold: a payment refused at forwarding of at most 5.00 is written off, not chased.
  await expect(settingsForm.getByLabel('Collect refused payments above')).toHaveValue('0.00');
  await settingsForm.getByLabel('Collect refused payments above').fill('5.00');
  await settingsForm.getByLabel('Manager PIN').fill(MANAGER.pin);
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByTestId('manager-notice')).toContainText('Settings saved.');
  expect((await sys.call<{ offline: object }>('settings.get')).offline).toMatchObject({
    collectAtCounterAboveMinor: 500,
  });

  // Enrolment: the system's counter is enrolled; the core is changed only with what the core confirms.
  const c = sys.system.credentials;
  await expect(page.getByTestId('enrolment-state')).toContainText(
    `Enrolled with ${sys.coreUrl} as key ${c.terminalKeyId}`,
  );
  await expect(page.getByTestId('enrolment-state')).not.toContainText(c.terminalSecret);
  await enrolment.getByLabel('Core URL').fill('http://pay.example.com');
  await enrolment.getByLabel('Key id').fill(c.terminalKeyId);
  await enrolment.getByLabel('Secret', { exact: true }).fill(c.terminalSecret);
  await enrolment.getByLabel('Issuer number').fill(String(c.issuer));
  await enrolment.getByLabel('Manager PIN').fill(MANAGER.pin);
  await enrolment.getByRole('button', { name: 'Check and enrol again' }).click();
  await expect(page.getByTestId('manager-notice')).toContainText(
    'plain http is allowed only on this machine',
  );
  await expect(page.getByTestId('manager-notice')).toContainText('Not enrolled: nothing was saved.');
  await enrolment.getByLabel('Core URL').fill(sys.coreUrl);
  await enrolment.getByLabel('Secret', { exact: true }).fill(`${c.terminalSecret.slice(0, -3)}xyz`);
  await enrolment.getByLabel('Manager PIN').fill(MANAGER.pin);
  await enrolment.getByRole('button', { name: 'Check and enrol again' }).click();
  await expect(page.getByTestId('manager-notice')).toContainText('refused this key id and secret', {
    timeout: 30_000,
  });
  await enrolment.getByLabel('Secret', { exact: true }).fill(c.terminalSecret);
  await enrolment.getByLabel('Manager PIN').fill(MANAGER.pin);
  await enrolment.getByRole('button', { name: 'Check and enrol again' }).click();
  await expect(page.getByTestId('manager-notice')).toContainText(
    'Enrolled. The counter syncs with the core',
    {
      timeout: 30_000,
    },
  );
  // The secret leaves the page once saved; the state names the core and key.
  await expect(enrolment.getByLabel('Secret', { exact: true })).toHaveValue('');
  await expect(page.getByTestId('enrolment-state')).toContainText('The secret is kept in a file');
  await expectAxeClean(page, 'settings');
  await saveScreenshot(page, 'manager-settings');
  // Focus is visible: Tab from the PIN field lands on "Save settings", which shows the focus outline.
  await settingsForm.getByLabel('Manager PIN').focus();
  await page.keyboard.press('Tab');
  const save = page.getByRole('button', { name: 'Save settings' });
  await expect(save).toBeFocused();
  const outline = await save.evaluate(
    (b) =>
      (globalThis as unknown as { getComputedStyle(e: unknown): { outlineStyle: string } }).getComputedStyle(
        b,
      ).outlineStyle,
  );
  expect(outline).not.toBe('none');
});

test('the cash drawer: pay out, a count over the limit needs a reason and a manager, then open again', async ({
  page,
}) => {
  await openManager(page);
  await page.getByRole('button', { name: 'Cash drawer', exact: true }).click();
  await expect(page.getByTestId('drawer-state')).toContainText('The drawer is open.');
  await page.getByLabel('Pay out').check();
  await page.getByLabel('Amount', { exact: true }).fill('5.00');
  await page.getByLabel('Note').fill('stamps');
  await page.getByRole('button', { name: 'Record' }).click();
  await expect(page.getByTestId('manager-notice')).toContainText('Paid out.');
  const status = await sys.call<{ drawerExpectedMinor: number }>('status');
  const expected = status.drawerExpectedMinor;
  await expect(page.getByTestId('drawer-state')).toContainText(
    `Expected in it: €${(expected / 100).toLocaleString('en-GB', { minimumFractionDigits: 2 })}`,
  );
  await expectAxeClean(page, 'drawer open');
  await saveScreenshot(page, 'manager-drawer');

  const counted = ((expected - 2_000) / 100).toFixed(2);
  await page.getByLabel('Counted cash').fill(counted);
  await page.getByRole('button', { name: 'Close the drawer' }).click();
  await expect(page.getByTestId('manager-notice')).toContainText(
    'The count differs by more than the limit: give a reason and a manager’s approval.',
  );
  await expect(page.getByTestId('manager-notice')).toContainText('by -20.00 EUR, more than 5.00 EUR');
  await page.getByLabel('Reason for the difference').fill('a twenty is missing');
  await page.getByLabel('Manager PIN').fill(MANAGER.pin);
  await page.getByRole('button', { name: 'Close the drawer' }).click();
  await expect(page.getByTestId('manager-notice')).toContainText('Drawer closed.');
  await expect(page.getByTestId('drawer-count')).toContainText('difference -€20.00');
  await expect(page.getByTestId('drawer-state')).toHaveText('The drawer is closed.');
  await saveScreenshot(page, 'manager-drawer-closed');

  await page.getByLabel('Float').fill('150.00');
  await page.getByRole('button', { name: 'Open the drawer' }).click();
  await expect(page.getByTestId('drawer-state')).toContainText('Expected in it: €150.00');
});

test('end of day: the X report, then close → the Z report on screen, printable', async ({ page }) => {
  await openManager(page);
  await page.getByRole('button', { name: 'End of day', exact: true }).click();
  const report = page.getByTestId('day-report');
  await expect(report).toContainText(/X report \(so far\) for \d{4}-\d\d-\d\d/);
  await expect(report).toContainText('Card sales');
  await expectAxeClean(page, 'X report');
  await saveScreenshot(page, 'manager-x-report');
  const closeButton = page.getByRole('button', { name: 'Close the day' });
  const queued = Number(await page.getByTestId('day-queued').textContent());
  if (queued > 0) {
    // While anything is queued the screen warns and closing needs the manager to say they know.
    await expect(page.getByTestId('manager-notice')).toContainText('have not reached the core yet');
    await expect(closeButton).toBeDisabled();
    await page.getByLabel(/close anyway/).check();
  }
  await closeButton.click();
  await expect(report).toContainText(/Z report for \d{4}-\d\d-\d\d/, { timeout: 60_000 });
  await expect(report).toContainText('Terminal total');
  await expect(page.getByRole('button', { name: 'Print' })).toBeVisible();
  await expectAxeClean(page, 'Z report');
  await saveScreenshot(page, 'manager-z-report');
  // Printable: in print media the navigation and buttons are gone, the report stays.
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('navigation', { name: 'Manager screens' })).toBeHidden();
  await expect(report).toBeVisible();
  await page.emulateMedia({ media: 'screen' });
});
