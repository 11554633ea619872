/**
 * The manager's host commands on a whole host (createHost: real SQLite store, the virtual terminal on a real
 * pty whose path is in the settings), without a core: orders found by the card presented at the terminal,
 * the richer search answer, settings with a manager's PIN, the terminal's port and test, and what sync and
 * reconciliation say when the counter is not enrolled.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { auditTrail } from '../../../src-main/store';
import { testCardNumbersIn } from '../../helpers/host-store';
import { MANAGER_PIN, startManagerHost, type ManagerHost } from '../../helpers/manager-host';

let m: ManagerHost | undefined;
afterEach(async () => {
  await m?.close();
  m = undefined;
});

const cardSale = (h: ManagerHost, amountMinor: number) =>
  h.call('sale.checkout', {
    entries: [{ description: 'Teapot', amountMinor, taxRateBp: 1900 }],
    tenders: [{ method: 'CARD' }],
    operatorId: 'cashier',
  });

describe('the manager commands on a host with a terminal on a pty', () => {
  it('finds the orders paid with the card the customer presents, and only those; no card number is stored', async () => {
    m = await startManagerHost();
    m.vt.presentCard('visa-approve');
    const first = await cardSale(m, 1_250);
    const deposit = await m.call('deposit.take', {
      customer: { name: 'Dana Doe', contact: 'dana@example.test' },
      totalMinor: 10_000,
      deposit: { amountMinor: 3_000 },
      tender: { method: 'CARD' },
      operatorId: 'cashier',
    });
    m.vt.presentCard('mastercard-pin');
    const other = await cardSale(m, 990);
    expect([first.ok, deposit.ok, other.ok]).toEqual([true, true, true]);

    m.vt.presentCard('visa-approve');
    const read = await m.call('card.read', { timeoutSeconds: 10 });
    expect(read.ok).toBe(true);
    expect(read.value.maskedPan).not.toContain('4330264936344675');
    expect(read.value.maskedPan).toMatch(/4675$/);
    const found = await m.call('order.search', { cardToken: read.value.cardToken });
    expect(found.value.map((o: { orderId: string }) => o.orderId).sort()).toEqual(
      [first.value.orderId, deposit.value.orderId].sort(),
    );
    const dep = found.value.find((o: { orderId: string }) => o.orderId === deposit.value.orderId);
    expect(dep).toMatchObject({
      kind: 'DEPOSIT',
      customerName: 'Dana Doe',
      status: 'PARTIALLY_PAID',
      balanceDueMinor: 7_000,
      totalMinor: 10_000,
    });
    const sale = found.value.find((o: { orderId: string }) => o.orderId === first.value.orderId);
    expect(sale).toMatchObject({ kind: 'SALE', status: 'PAID', balanceDueMinor: 0, customerName: null });

    m.vt.presentCard('mastercard-pin');
    const mc = await m.call('card.read', { timeoutSeconds: 10 });
    const mcOrders = await m.call('order.search', { cardToken: mc.value.cardToken });
    expect(mcOrders.value.map((o: { orderId: string }) => o.orderId)).toEqual([other.value.orderId]);

    m.vt.presentCard('amex-approve');
    const unknown = await m.call('card.read', { timeoutSeconds: 10 });
    expect(await m.call('order.search', { cardToken: unknown.value.cardToken })).toEqual({
      ok: true,
      value: [],
    });

    // The store keeps a token and the last four per payment, never the number.
    const tokens = m.host.db
      .prepare('SELECT card_token, card_last4 FROM payments WHERE card_token IS NOT NULL')
      .all() as { card_token: string; card_last4: string }[];
    expect(tokens.length).toBe(3);
    expect(testCardNumbersIn([`${m.dir}/counter.sqlite`, `${m.dir}/counter.sqlite-wal`])).toEqual([]);
  }, 60_000);

  it('says so when no card is presented before the timeout', async () => {
    m = await startManagerHost();
    m.vt.presentNoCard();
    const r = await m.call('card.read', { timeoutSeconds: 5 });
    expect(r.ok).toBe(false);
    expect(r.error.code).toBe('TERMINAL_NO_CARD');
  }, 30_000);

  it('settings: defaults, the serial path, validation with clear reasons, a wrong then a right manager PIN, audited', async () => {
    m = await startManagerHost();
    const s = await m.call('settings.get');
    expect(s.value).toMatchObject({
      terminal: { serialPath: m.pty.ecrPath, tcp: null },
      core: { url: null, enrolled: false },
      offline: { perPaymentMaxMinor: 5_000, totalMaxMinor: 50_000, maxCount: 20, maxAgeHours: 48 },
      scanner: { maxGapMs: 100, minLength: 4 },
      language: 'en',
      receiptHeader: [],
    });
    const plainHttp = await m.call('settings.put', {
      core: { url: 'http://pay.example.com' },
      manager: MANAGER_PIN,
    });
    expect(plainHttp.error.code).toBe('HOST_COMMAND_INVALID');
    expect(plainHttp.error.message).toContain(
      'core.url: plain http is allowed only on this machine (127.0.0.1, localhost); use https://pay.example.com',
    );
    const limits = await m.call('settings.put', {
      offline: { perPaymentMaxMinor: 60_000 },
      manager: MANAGER_PIN,
    });
    expect(limits.error.message).toContain('one offline payment cannot be more than the offline total');
    const scanner = await m.call('settings.put', { scanner: { maxGapMs: 5 }, manager: MANAGER_PIN });
    expect(scanner.ok).toBe(false); // refused by the contract already (10–1000 ms)

    const wrongPin = await m.call('settings.put', {
      language: 'de',
      manager: { managerId: 'manager', managerPin: '1234' },
    });
    expect(wrongPin.error.code).toBe('STAFF_PIN_INVALID');
    const cashier = await m.call('settings.put', {
      language: 'de',
      manager: { managerId: 'cashier', managerPin: '1111' },
    });
    expect(cashier.error.code).toBe('MANAGER_REQUIRED');
    expect((await m.call('settings.get')).value.language).toBe('en');

    const put = await m.call('settings.put', {
      language: 'de',
      core: { url: 'http://127.0.0.1:8443' },
      offline: { perPaymentMaxMinor: 2_500, maxAgeHours: 24 },
      scanner: { maxGapMs: 60, minLength: 8 },
      receiptHeader: ['  Fahrrad Müller  ', 'Hauptstr. 1, 10115 Berlin', 'USt-IdNr. DE123456789'],
      manager: MANAGER_PIN,
    });
    expect(put.ok).toBe(true);
    expect(put.value).toMatchObject({
      language: 'de',
      core: { url: 'http://127.0.0.1:8443', enrolled: false },
      offline: { perPaymentMaxMinor: 2_500, totalMaxMinor: 50_000, maxAgeHours: 24 },
      scanner: { maxGapMs: 60, minLength: 8 },
      receiptHeader: ['Fahrrad Müller', 'Hauptstr. 1, 10115 Berlin', 'USt-IdNr. DE123456789'],
      terminal: { serialPath: m.pty.ecrPath },
    });
    expect(await m.call('settings.get')).toEqual(put);
    const audit = auditTrail(m.host.db, { subject: 'settings' });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'manager', action: 'SETTINGS_CHANGED' });
    expect(audit[0]!.details['ui.language']).toEqual({ from: 'en', to: 'de' });
  }, 30_000);

  it('lists serial ports and tests the terminal through the session; says clearly when it does not answer', async () => {
    m = await startManagerHost();
    const ports = await m.call('terminal.ports');
    expect(ports.ok).toBe(true);
    expect(Array.isArray(ports.value)).toBe(true);
    const test = await m.call('terminal.test');
    expect(test.value.ok).toBe(true);
    expect(test.value.message).toContain(`The card terminal on ${m.pty.ecrPath}`);
    expect(test.value.message).toContain('answered');

    await m.unplugTerminal();
    const dead = await m.call('terminal.test');
    expect(dead.value.ok).toBe(false);
    expect(dead.value.message).toMatch(
      /did not answer: .+ Check that it is switched on, that its cable is plugged in/,
    );
  }, 30_000);

  it('terminal.ports lists what serialport finds (an injected list here: the machine has no USB terminal)', async () => {
    m = await startManagerHost({
      handlers: {
        listPorts: async () => [
          { path: '/dev/ttyUSB0', manufacturer: 'Ingenico' },
          { path: '/dev/ttyS0', manufacturer: undefined },
        ],
      },
    });
    expect(await m.call('terminal.ports')).toEqual({
      ok: true,
      value: [
        { path: '/dev/ttyUSB0', manufacturer: 'Ingenico' },
        { path: '/dev/ttyS0', manufacturer: null },
      ],
    });
  }, 30_000);

  it('without a core: sync now and reconciliation say why not; the queue lists what waits', async () => {
    m = await startManagerHost();
    await m.call('drawer.open', { floatMinor: 10_000, operatorId: 'cashier' });
    await m.call('sale.checkout', {
      entries: [{ description: 'Bell', amountMinor: 800, taxRateBp: 1900 }],
      tenders: [{ method: 'CASH', tenderedMinor: 1_000 }],
      operatorId: 'cashier',
    });
    const q = await m.call('queue.list');
    expect(q.value.length).toBeGreaterThanOrEqual(2);
    expect(q.value.map((i: { kind: string }) => i.kind)).toEqual(
      expect.arrayContaining(['ORDER_CREATED', 'PAYMENT_RECORDED']),
    );
    const s = await m.call('sync.now');
    expect(s.value).toMatchObject({ online: false, pushed: 0, pulled: 0 });
    expect(s.value.queued).toBe(q.value.length);
    expect(s.value.error).toContain('not enrolled with a core');
    const r = await m.call('reconcile.run', {});
    expect(r.value).toMatchObject({ checked: 0, differences: [] });
    expect(r.value.error).toContain('not enrolled');
    expect(
      (await m.call('order.timeline', { orderId: '0190a1b2-0000-7000-8000-000000000000' })).error.code,
    ).toBe('ORDER_NOT_FOUND');
  }, 30_000);
});
