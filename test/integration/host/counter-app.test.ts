/* eslint-disable @typescript-eslint/no-explicit-any -- answers are read as JSON */
/**
 * The host commands the counter app's sale screens use, through dispatch, with a real SQLite store and the
 * virtual terminal on an in-process serial line (the same terminal across host restarts): the staff list,
 * the basket kept by the host, checkout ids (a replay answers the first result and never charges twice, also
 * across a restart), line discounts, the status additions and statusChanged, the card cancel, receipts.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ok, TEST_CARDS } from '../../../src-shared';
import { dispatch } from '../../../src-main/host/api';
import { createHost, SETTING, type Host } from '../../../src-main/host/compose';
import { createHostHandlers } from '../../../src-main/host/handlers';
import type { CheckoutEvent } from '../../../src-main/checkout/context';
import { auditTrail, getOpenCart, openStore, orderLines, setSetting } from '../../../src-main/store';
import { DB_FILE } from '../../../src-main/store/db';
import { MIGRATIONS } from '../../../src-main/store/migrations';
import { createInProcessPair } from '../../../src-main/zvt/transport/in-process';
import { streamConnector } from '../../../src-main/zvt/transport/connect';
import { VirtualTerminal } from '../../../src-main/zvt/virtual-terminal/terminal';
import { domainError, err } from '../../../src-shared';
import { tempDataDir } from '../../helpers/host-store';

const LINK = { t1Ms: 200, t2Ms: 400, maxRepeats: 2 };
const CSV = [
  'sku,barcode,name,price,taxRate',
  'COFFEE,4006381333931,Coffee beans,8.99,7',
  'MUG,4012345678901,Counter mug,12.50,19',
].join('\n');
const MANAGER = { managerId: 'max', managerPin: '9999' };

interface Counter {
  host: Host;
  events: CheckoutEvent[];
  call<T = any>(
    command: string,
    input?: unknown,
  ): Promise<{ ok: true; value: T } | { ok: false; error: any }>;
  value<T = any>(command: string, input?: unknown): Promise<T>;
}

let open: Host[] = [];
afterEach(async () => {
  for (const h of open) await h.close();
  open = [];
});

function counterDir(): string {
  const dir = tempDataDir();
  const s = openStore(dir);
  if (!s.ok) throw new Error(s.error.message);
  setSetting(s.value, SETTING.issuer, 1234);
  setSetting(s.value, SETTING.currency, 'EUR');
  s.value.close();
  return dir;
}

async function startCounter(
  dir: string,
  vt: VirtualTerminal,
  o: { plugged?: () => boolean; terminalRetryMs?: number; sessionTimers?: object } = {},
): Promise<Counter> {
  const h = createHost({
    dataDir: dir,
    terminalRetryMs: o.terminalRetryMs,
    sessionTimers: o.sessionTimers,
    connector: streamConnector(
      async () => {
        if (o.plugged && !o.plugged())
          return err(domainError('TERMINAL_UNREACHABLE', { port: 'test', settings: 'unplugged' }));
        const pair = createInProcessPair();
        void vt.serveSerial(pair.b, LINK);
        return ok(pair.a);
      },
      'serial',
      LINK,
    ),
  });
  if (!h.ok) throw new Error(h.error.message);
  const host = h.value;
  open.push(host);
  const events: CheckoutEvent[] = [];
  host.onEvent((e) => events.push(e));
  await host.start();
  const handlers = createHostHandlers(host);
  const call = (command: string, input: unknown = {}) => dispatch(handlers, command, input) as Promise<any>;
  return {
    host,
    events,
    call,
    async value(command, input = {}) {
      const r = await call(command, input);
      if (!r.ok) throw new Error(`${command}: ${r.error.code} ${r.error.message}`);
      return r.value;
    },
  };
}

async function seeded(c: Counter, drawer = true) {
  await c.value('staff.enroll', { staffId: 'max', name: 'Max Manager', role: 'MANAGER', pin: '9999' });
  await c.value('staff.enroll', {
    staffId: 'cara',
    name: 'Cara Cashier',
    role: 'CASHIER',
    pin: '1111',
    manager: MANAGER,
  });
  await c.value('catalogue.import', { csv: CSV });
  if (drawer) await c.value('drawer.open', { floatMinor: 5_000, operatorId: 'max' });
}

const uuid = () => crypto.randomUUID();
const cartLine = (lineId: string, over: object = {}) => ({
  lineId,
  sku: 'MUG',
  name: 'Counter mug',
  unitMinor: 1250,
  quantity: 2,
  taxRateBp: 1900,
  discountMinor: 0,
  ...over,
});

describe('the counter app host commands', () => {
  it('lists staff for sign-in without PINs, and shows a locked-out cashier as locked', async () => {
    const c = await startCounter(counterDir(), new VirtualTerminal());
    await seeded(c, false);
    expect(await c.value('staff.list')).toEqual([
      { staffId: 'cara', name: 'Cara Cashier', role: 'CASHIER', locked: false },
      { staffId: 'max', name: 'Max Manager', role: 'MANAGER', locked: false },
    ]);
    for (let i = 0; i < 5; i++) await c.call('staff.verify', { staffId: 'cara', pin: '0000' });
    const list = await c.value<{ staffId: string; locked: boolean }[]>('staff.list');
    expect(list.find((s) => s.staffId === 'cara')?.locked).toBe(true);
    expect(JSON.stringify(list)).not.toMatch(/scrypt|pin/i);
  });

  it('catalogue.search: by name anywhere or SKU/barcode prefix, exact codes first, % and _ taken literally', async () => {
    const c = await startCounter(counterDir(), new VirtualTerminal());
    await seeded(c, false);
    await c.value('catalogue.import', {
      csv: [
        'sku,barcode,name,price,taxRate',
        'SALE50,2000000000001,Mug 50% off,6.25,19',
        'MUG_2,2000000000002,Mug twin pack,20.00,19',
        'MUGX2,2000000000003,Espresso cups,9.00,19',
      ].join('\n'),
    });
    const names = async (query: string, limit?: number) =>
      (await c.value<{ name: string }[]>('catalogue.search', { query, limit })).map((i) => i.name);
    // The exact SKU first, then names starting with the query, then names containing it.
    expect(await names('mug')).toEqual(['Counter mug', 'Mug 50% off', 'Mug twin pack', 'Espresso cups']);
    expect(await names('coff')).toEqual(['Coffee beans']);
    expect(await names('40063')).toEqual(['Coffee beans']);
    // LIKE's wildcards typed by the cashier match themselves only.
    expect(await names('50%')).toEqual(['Mug 50% off']);
    expect(await names('%')).toEqual(['Mug 50% off']);
    expect(await names('MUG_')).toEqual(['Mug twin pack']);
    expect(await names('mug', 2)).toHaveLength(2);
    expect(await names('tea')).toEqual([]);
    const item = (await c.value<object[]>('catalogue.search', { query: 'beans' }))[0];
    expect(item).toEqual({
      sku: 'COFFEE',
      barcode: '4006381333931',
      name: 'Coffee beans',
      priceMinor: 899,
      taxRateBp: 700,
    });
    const blank: any = await c.call('catalogue.search', { query: '   ' });
    expect(blank.ok).toBe(false);
    expect(blank.error.code).toBe('HOST_COMMAND_INVALID');
    expect(blank.error.message).toContain('type at least one character');
  });

  it('catalogue.search folds case beyond ASCII: ü finds Ü, STRASSE finds Straße; an older store is migrated', async () => {
    // A store as the third session left it (migration 3), with an item: migration 4 folds its name too.
    const dir = tempDataDir();
    const raw = new Database(path.join(dir, DB_FILE));
    raw.pragma('journal_mode = WAL');
    for (const step of MIGRATIONS.slice(0, 3)) raw.exec(step);
    raw.pragma('user_version = 3');
    raw
      .prepare(
        `INSERT INTO catalogue (sku, barcode, name, price_minor, currency, tax_rate_bp, updated_at)
         VALUES ('TUETE', NULL, 'Öko-Tüte', 50, 'EUR', 1900, '2026-12-01T00:00:00.000Z')`,
      )
      .run();
    raw.close();
    const s = openStore(dir);
    if (!s.ok) throw new Error(s.error.message);
    setSetting(s.value, SETTING.issuer, 1234);
    setSetting(s.value, SETTING.currency, 'EUR');
    s.value.close();
    const c = await startCounter(dir, new VirtualTerminal());
    await seeded(c, false);
    await c.value('catalogue.import', {
      csv: [
        'sku,barcode,name,price,taxRate',
        'EGG,2000000000011,Überraschungsei,1.20,7',
        'CAP,2000000000012,Mütze grün,14.00,19',
        'SIGN,2000000000013,Straßenschild,30.00,19',
      ].join('\n'),
    });
    const names = async (query: string) =>
      (await c.value<{ name: string }[]>('catalogue.search', { query })).map((i) => i.name);
    expect(await names('ü')).toEqual(['Überraschungsei', 'Mütze grün', 'Öko-Tüte']);
    expect(await names('ÜBER')).toEqual(['Überraschungsei']);
    expect(await names('GRÜN')).toEqual(['Mütze grün']);
    expect(await names('öko')).toEqual(['Öko-Tüte']);
    expect(await names('STRASSE')).toEqual(['Straßenschild']);
    expect(await names('straße')).toEqual(['Straßenschild']);
    // ASCII as before; an umlaut is its own letter ("u" is not "ü").
    expect(await names('MUG')).toEqual(['Counter mug']);
    expect(await names('mutze')).toEqual([]);
  });

  it('keeps a percentage discount as a percentage and a basket discount across a host restart', async () => {
    const dir = counterDir();
    const vt = new VirtualTerminal();
    let c = await startCounter(dir, vt);
    await seeded(c);
    // 2 mugs at 12.50, 10 % off: 2.50; the basket 5 % off.
    const lines = [cartLine('l1', { quantity: 2, discountMinor: 250, discountBp: 1_000 })];
    const put = await c.value('cart.put', { lines, basketDiscount: { percentBp: 500 } });
    expect(put.lines).toEqual(lines);
    expect(put.basketDiscount).toEqual({ percentBp: 500 });
    const wrong = await c.call('cart.put', {
      lines: [cartLine('l1', { quantity: 2, discountMinor: 300, discountBp: 1_000 })],
    });
    expect(!wrong.ok && wrong.error.message).toContain('10 % of the line is 250, not 300');
    const tooBig = await c.call('cart.put', { lines, basketDiscount: { amountMinor: 2_250 } });
    expect(!tooBig.ok && tooBig.error.message).toContain("less than the basket's total");
    await c.host.close();
    open = [];
    c = await startCounter(dir, vt);
    const again = await c.value('cart.get');
    expect(again.lines).toEqual(lines);
    expect(again.basketDiscount).toEqual({ percentBp: 500 });
  });

  it('a basket discount is spread over the lines for tax to the cent and shown on the receipt', async () => {
    const c = await startCounter(counterDir(), new VirtualTerminal());
    await seeded(c);
    // Coffee 8.99 at 7 % × 3 = 26.97, mug 12.50 at 19 % less 1.00 = 11.50, a free 0.01 at 19 %: 38.48 before
    // the basket's 10.00 off, which is spread 26.97 : 11.50 : 0.01 over the lines.
    const sale = await c.value('sale.checkout', {
      entries: [
        { sku: 'COFFEE', quantity: 3 },
        { sku: 'MUG', quantity: 1, discountMinor: 100 },
        { description: 'Sticker', amountMinor: 1, taxRateBp: 1900 },
      ],
      basketDiscount: { amountMinor: 1_000 },
      tenders: [{ method: 'CASH', tenderedMinor: 5_000 }],
      operatorId: 'cara',
      checkoutId: uuid(),
    });
    expect(sale.totalMinor).toBe(2_848);
    // Shares by largest remainder: 10.00 × 26.97/38.48 = 7.0088… → 7.01, × 11.50/38.48 = 2.9885… → 2.99, 0.
    const lines = orderLines(c.host.db, sale.orderId);
    expect(lines.map((l) => [l.discountMinor, l.basketDiscountMinor])).toEqual([
      [701, 701],
      [399, 299],
      [0, 0],
    ]);
    const nets = lines.map((l) => l.lineTotalMinor - (l.discountMinor ?? 0));
    expect(nets.reduce((a, b) => a + b, 0)).toBe(2_848);
    // Tax per rate on what the lines charge: 7 % of 19.96 gross, 19 % of 8.52 gross.
    expect(sale.taxes).toEqual([
      { rateBp: 700, grossMinor: 1_996, taxMinor: 131, netMinor: 1_865 },
      { rateBp: 1900, grossMinor: 852, taxMinor: 136, netMinor: 716 },
    ]);
    expect(lines.reduce((a, l) => a + l.taxMinor, 0)).toBe(267);
    const receipt = await c.value('receipt.get', { orderId: sale.orderId });
    expect(receipt.basketDiscountMinor).toBe(1_000);
    expect(receipt.lines.map((l: { discountMinor: number }) => l.discountMinor)).toEqual([0, 100, 0]);
    expect(receipt.totalMinor).toBe(2_848);
    // A percentage of the basket: 10 % of 38.48 = 3.848 → 3.85.
    const pct = await c.value('sale.checkout', {
      entries: [
        { sku: 'COFFEE', quantity: 3 },
        { sku: 'MUG', quantity: 1, discountMinor: 100 },
        { description: 'Sticker', amountMinor: 1, taxRateBp: 1900 },
      ],
      basketDiscount: { percentBp: 1_000 },
      tenders: [{ method: 'CASH', tenderedMinor: 5_000 }],
      operatorId: 'cara',
      checkoutId: uuid(),
    });
    expect(pct.totalMinor).toBe(3_848 - 385);
    const refused = await c.call('sale.checkout', {
      entries: [{ sku: 'MUG', quantity: 1 }],
      basketDiscount: { amountMinor: 1_250 },
      tenders: [{ method: 'CASH', tenderedMinor: 5_000 }],
      operatorId: 'cara',
      checkoutId: uuid(),
    });
    expect(!refused.ok && refused.error.message).toContain("less than the basket's total");
  });

  it('keeps the basket across a host restart; a paid checkout clears it, a declined card keeps it', async () => {
    const dir = counterDir();
    const vt = new VirtualTerminal();
    let c = await startCounter(dir, vt);
    await seeded(c);
    const lines = [
      cartLine('l1', { discountMinor: 500 }),
      cartLine('l2', { sku: null, name: 'Gift wrap', unitMinor: 300, quantity: 1, taxRateBp: 1900 }),
    ];
    const put = await c.value('cart.put', { lines });
    expect(put.lines).toEqual(lines);
    const bad = await c.call('cart.put', { lines: [cartLine('x', { discountMinor: 2500 })] });
    expect(bad.ok === false && bad.error).toMatchObject({ code: 'HOST_COMMAND_INVALID' });
    expect(!bad.ok && bad.error.message).toContain("must be less than the line's amount");

    await c.host.close();
    open = [];
    c = await startCounter(dir, vt);
    expect((await c.value('cart.get')).lines).toEqual(lines);

    // A declined card leaves the order open and the basket where it was.
    vt.presentCard('visa-declined');
    const declined = await c.value('sale.checkout', {
      entries: [{ sku: 'MUG', quantity: 2, discountMinor: 500 }],
      tenders: [{ method: 'CARD' }],
      operatorId: 'cara',
      checkoutId: uuid(),
    });
    expect(declined.tenders[0]).toMatchObject({ ok: false, state: 'DECLINED' });
    expect(getOpenCart(c.host.db).lines).toHaveLength(2);

    // Paid in cash: the basket is gone with the same commit.
    const paid = await c.value('sale.checkout', {
      entries: [{ sku: 'MUG', quantity: 2, discountMinor: 500 }],
      tenders: [{ method: 'CASH', tenderedMinor: 5_000 }],
      operatorId: 'cara',
      checkoutId: uuid(),
    });
    expect(paid).toMatchObject({ totalMinor: 2_000, balanceDueMinor: 0 });
    // 19 % on the discounted 20.00, not on the 25.00 gross.
    expect(paid.taxes).toEqual([{ rateBp: 1900, grossMinor: 2_000, taxMinor: 319, netMinor: 1_681 }]);
    expect(await c.value('cart.get')).toEqual({ lines: [], basketDiscount: null, updatedAt: null });
  });

  it('answers a replayed checkout id with the first result: once while it runs, again after a restart', async () => {
    const dir = counterDir();
    const vt = new VirtualTerminal({ timers: { customerDelayMs: 150, hostDelayMs: 100 } });
    let c = await startCounter(dir, vt);
    await seeded(c);
    const request = {
      entries: [{ sku: 'COFFEE', quantity: 1 }],
      tenders: [{ method: 'CARD' }],
      operatorId: 'cara',
      checkoutId: uuid(),
    };
    // The cashier presses twice, or the first answer was lost and the UI retried at once.
    const [first, second] = await Promise.all([
      c.value('sale.checkout', request),
      c.value('sale.checkout', request),
    ]);
    expect(first.tenders[0]).toMatchObject({ ok: true, state: 'APPROVED' });
    expect(second).toEqual(first);
    expect(vt.bookedTransactions()).toHaveLength(1);

    // Once more after a host restart: the stored answer, no new order, no second booking.
    await c.host.close();
    open = [];
    c = await startCounter(dir, vt);
    expect(await c.value('sale.checkout', request)).toEqual(first);
    expect(vt.bookedTransactions()).toHaveLength(1);
    const orders = c.host.db.prepare('SELECT COUNT(*) AS n FROM orders').get() as { n: number };
    expect(orders.n).toBe(1);

    // A host that died after the charge but before it stored its answer: read back from the order.
    c.host.db.prepare('UPDATE checkouts SET answer = NULL, finished_at = NULL').run();
    const readBack = await c.value('sale.checkout', request);
    expect(readBack).toMatchObject({
      orderId: first.orderId,
      totalMinor: 899,
      balanceDueMinor: 0,
      tenders: [{ method: 'CARD', ok: true, paymentId: first.tenders[0].paymentId, amountMinor: 899 }],
    });
    expect(vt.bookedTransactions()).toHaveLength(1);

    // The same id for another request is refused in words.
    const other = await c.call('sale.checkout', { ...request, entries: [{ sku: 'MUG', quantity: 1 }] });
    expect(other.ok === false && other.error.code).toBe('CHECKOUT_ID_REUSED');
  });

  it('an outcome in doubt is not stored as the answer: after recovery, the same checkout id answers it paid', async () => {
    const vt = new VirtualTerminal();
    const c = await startCounter(counterDir(), vt, {
      sessionTimers: { t3Ms: 500, t4Ms: 1_000, recoveryAttempts: 1, recoveryDelayMs: 50 },
    });
    await seeded(c);
    // The terminal books the payment, then stays silent while the host tries to recover it.
    vt.injectFault({ kind: 'silence-after-approval' });
    const off = vt.onEvent((e) => {
      if (e.kind !== 'booked') return;
      off();
      for (let i = 0; i < 6; i++) vt.injectFault({ kind: 'silence-before-answer' });
    });
    const request = {
      entries: [{ sku: 'COFFEE', quantity: 1 }],
      tenders: [{ method: 'CARD' }],
      operatorId: 'cara',
      checkoutId: uuid(),
    };
    const first = await c.value('sale.checkout', request);
    expect(first.tenders[0]).toMatchObject({ ok: false, error: { code: 'CARD_OUTCOME_PENDING' } });
    // Asked again while still in doubt: still in doubt, and nothing new sent to the terminal.
    const again = await c.call('sale.checkout', request);
    expect(again.ok === false && again.error.code).toBe('CARD_OUTCOME_PENDING');
    vt.clearFaults();
    expect(await c.value('attempt.recover')).toMatchObject({ state: 'APPROVED' });
    const answered = await c.value('sale.checkout', request);
    expect(answered).toMatchObject({
      orderId: first.orderId,
      balanceDueMinor: 0,
      tenders: [{ method: 'CARD', ok: true, state: 'APPROVED', amountMinor: 899 }],
    });
    expect(vt.bookedTransactions()).toHaveLength(1);
  });

  it('frees a checkout id refused before anything was recorded (drawer closed), and records it once after', async () => {
    const c = await startCounter(counterDir(), new VirtualTerminal());
    await seeded(c, false);
    const request = {
      entries: [{ sku: 'COFFEE', quantity: 1 }],
      tenders: [{ method: 'CASH', tenderedMinor: 1_000 }],
      operatorId: 'cara',
      checkoutId: uuid(),
    };
    const refused = await c.call('sale.checkout', request);
    expect(refused.ok === false && refused.error.code).toBe('CASH_DRAWER_CLOSED');
    await c.value('drawer.open', { floatMinor: 0, operatorId: 'max' });
    const sold = await c.value('sale.checkout', request);
    expect(sold.tenders[0]).toMatchObject({ ok: true, changeMinor: 101 });
    expect(await c.value('sale.checkout', request)).toEqual(sold);
    const st = await c.value('status');
    expect(st.drawerExpectedMinor).toBe(899);
  });

  it('status: the terminal connection, the card command running with its last text, offline card payments', async () => {
    let plugged = false;
    const vt = new VirtualTerminal({ timers: { customerDelayMs: 200, hostDelayMs: 100 } });
    const c = await startCounter(counterDir(), vt, { plugged: () => plugged, terminalRetryMs: 100 });
    await seeded(c);
    const s0 = await c.value('status');
    expect(s0.terminal).toMatchObject({ state: 'DISCONNECTED', lastSeenAt: null });
    expect(s0.businessDay).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const before = c.events.filter((e) => e.kind === 'status-changed').length;
    plugged = true;
    await expect.poll(async () => (await c.value('status')).terminal.state, { timeout: 5_000 }).toBe('READY');
    expect(c.events.filter((e) => e.kind === 'status-changed').length).toBeGreaterThan(before);

    let during: any = null;
    c.host.onEvent((e) => {
      if (e.kind === 'terminal-status' && !during) void c.value('status').then((s) => (during = s));
    });
    // The manager allows an offline card payment to wait 24 h (settings `offline.limits`; the default is 48).
    await c.value('settings.put', { offline: { maxAgeHours: 24 }, manager: MANAGER });
    const sold = await c.value('sale.checkout', {
      entries: [{ sku: 'COFFEE', quantity: 2 }],
      tenders: [{ method: 'CARD' }],
      operatorId: 'cara',
    });
    await expect.poll(() => during).not.toBeNull();
    expect(during.terminal.state).toBe('BUSY');
    expect(during.currentAttempt).toMatchObject({ amountMinor: 1798, what: 'Card payment 17.98 EUR' });
    expect(typeof during.currentAttempt.lastText).toBe('string');
    const after = await c.value('status');
    expect(after.currentAttempt).toBeNull();
    expect(after.terminal.state).toBe('READY');
    // Not enrolled with a core: the card payment waits in the queue, to be forwarded within 24 h.
    expect(after.offlinePayments).toHaveLength(1);
    const p = after.offlinePayments[0];
    expect(p).toMatchObject({
      paymentId: sold.tenders[0].paymentId,
      orderId: sold.orderId,
      amountMinor: 1798,
    });
    expect(Date.parse(p.forwardBy) - Date.parse(p.takenAt)).toBe(24 * 3_600_000);
  });

  it('payment.cancel aborts the card command on the terminal; the terminal says it was not charged', async () => {
    const vt = new VirtualTerminal({ timers: { customerDelayMs: 3_000, hostDelayMs: 100 } });
    const c = await startCounter(counterDir(), vt);
    await seeded(c);
    expect(await c.value('payment.cancel')).toEqual({ requested: false, attemptId: null });
    const sale = c.value('sale.checkout', {
      entries: [{ sku: 'COFFEE', quantity: 1 }],
      tenders: [{ method: 'CARD' }],
      operatorId: 'cara',
      checkoutId: uuid(),
    });
    await expect.poll(() => c.events.some((e) => e.kind === 'terminal-status')).toBe(true);
    const started = c.events.find((e) => e.kind === 'attempt-started') as { attemptId: string };
    expect(await c.value('payment.cancel')).toEqual({ requested: true, attemptId: started.attemptId });
    const r = await sale;
    expect(r.tenders[0]).toMatchObject({ ok: false, state: 'NOT_CHARGED', paymentId: null });
    expect(r.balanceDueMinor).toBe(899);
    expect(vt.bookedTransactions()).toEqual([]);
    expect(c.events.find((e) => e.kind === 'attempt-finished')).toMatchObject({ state: 'NOT_CHARGED' });
  });

  it("receipt.get: header, items with discounts, taxes, tenders, the terminal's lines with a masked card; a reprint is a copy and audited", async () => {
    const c = await startCounter(counterDir(), new VirtualTerminal());
    await seeded(c);
    setSetting(c.host.db, 'receipt.header', ['Counter Demo Shop', 'Main Street 1']);
    const sale = await c.value('sale.checkout', {
      entries: [
        { sku: 'MUG', quantity: 1, discountMinor: 250 },
        { sku: 'COFFEE', quantity: 1 },
      ],
      tenders: [{ method: 'CASH', tenderedMinor: 500, amountMinor: 500 }, { method: 'CARD' }],
      operatorId: 'cara',
      checkoutId: uuid(),
    });
    expect(sale.balanceDueMinor).toBe(0);
    const receipt = await c.value('receipt.get', { orderId: sale.orderId });
    expect(receipt).toMatchObject({
      header: ['Counter Demo Shop', 'Main Street 1'],
      lines: [
        { name: 'Counter mug', quantity: 1, amountMinor: 1250, discountMinor: 250 },
        { name: 'Coffee beans', quantity: 1, amountMinor: 899, discountMinor: 0 },
      ],
      taxes: [
        { rateBp: 700, grossMinor: 899, taxMinor: 59 },
        { rateBp: 1900, grossMinor: 1000, taxMinor: 160 },
      ],
      totalMinor: 1899,
      balanceDueMinor: null,
      copy: false,
    });
    expect(receipt.tenders.map((t: any) => [t.method, t.amountMinor])).toEqual([
      ['CASH', 500],
      ['CARD', 1399],
    ]);
    expect(receipt.tenders[1].cardLast4).toMatch(/^\d{4}$/);
    const text = receipt.terminalLines.join('\n');
    expect(text).toContain('Betrag EUR 13,99');
    // The terminal's own masking (first six, last four); never a full card number.
    expect(text).toMatch(/Karte \d{6}\*{6}\d{4}/);
    expect(text).not.toMatch(/\d{13,}/);
    for (const card of TEST_CARDS) expect(text).not.toContain(card.pan);
    // The terminal's copies apart (06 D3 carries the receipt type), in the order printed: customer, merchant.
    expect(receipt.terminalReceipts.map((r: any) => r.type)).toEqual(['customer', 'merchant']);
    for (const r of receipt.terminalReceipts) expect(r.lines.join('\n')).toContain('Betrag EUR 13,99');
    expect(receipt.terminalReceipts.flatMap((r: any) => r.lines).filter(Boolean)).toEqual(
      receipt.terminalLines.filter(Boolean),
    );
    const stored = c.host.db.prepare('SELECT lines FROM terminal_receipts').all() as { lines: string }[];
    for (const card of TEST_CARDS) expect(JSON.stringify(stored)).not.toContain(card.pan);

    const copy = await c.value('receipt.get', { orderId: sale.orderId, reprint: true, operatorId: 'cara' });
    expect(copy.copy).toBe(true);
    expect(auditTrail(c.host.db, { subject: sale.orderId }).map((a) => [a.action, a.actor])).toContainEqual([
      'RECEIPT_REPRINTED',
      'cara',
    ]);
    const missing = await c.call('receipt.get', { orderId: 'nope' });
    expect(missing.ok === false && missing.error.code).toBe('ORDER_NOT_FOUND');
  });
});
