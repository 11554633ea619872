/**
 * The offline card policy (issue 9): offline, card payments over the configured limits are refused before
 * the first byte goes to the terminal, with the limit, the numbers and what to do; online nothing changes.
 * A real SQLite store and the virtual terminal; the terminal's line is counted byte by byte.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openDrawer } from '../../../src-main/checkout/cash-drawer';
import { collectBalance, takeDeposit } from '../../../src-main/checkout/deposit';
import { checkoutSale, type Tender } from '../../../src-main/checkout/sale';
import { offlineCardQueue, searchOrders } from '../../../src-main/store';
import type { ByteStream } from '../../../src-main/zvt/link/byte-stream';
import { createHostRig, type HostRig } from '../../helpers/host-rig';

let h: HostRig;
let sent = 0;
afterEach(async () => h?.close());

/** Counts every byte the counter writes to the terminal's line. */
const counting = (s: ByteStream): ByteStream => {
  const write = s.write.bind(s);
  return Object.assign(Object.create(s) as ByteStream, {
    write: (b: Uint8Array) => {
      sent += b.length;
      return write(b);
    },
  });
};

const LIMITS = { perPaymentMaxMinor: 5_000, totalMaxMinor: 12_000, maxCount: 3, maxAgeHours: 24 };

async function rig(limits = LIMITS, clock?: () => Date) {
  h = await createHostRig({ offlineLimits: limits, rig: { wrapEcr: counting } });
  if (clock) (h.deps as { clock: () => Date }).clock = clock;
  return h;
}

const sale = (amountMinor: number, tenders: Tender[] = [{ method: 'CARD' }]) =>
  checkoutSale(h.deps, {
    entries: [{ kind: 'free', description: 'Goods', amountMinor, quantity: 1, taxRateBp: 1900 }],
    tenders,
    operatorId: 'cashier',
  });

/** Runs `f` and says how many bytes went to the terminal meanwhile. */
async function bytesSentBy<T>(f: () => Promise<T>): Promise<{ value: T; bytes: number }> {
  const before = sent;
  const value = await f();
  return { value, bytes: sent - before };
}

describe('offline card policy at checkout', () => {
  it('offline, refuses a card payment over the per-payment limit before the terminal hears of it; online it is taken', async () => {
    await rig();
    const orders = searchOrders(h.db, {}).length;
    const { value: r, bytes } = await bytesSentBy(() => sale(5_001));
    expect(r).toMatchObject({ ok: false, error: { code: 'OFFLINE_CARD_OVER_PAYMENT_LIMIT' } });
    if (r.ok) return;
    expect(r.error.message).toContain('at most 50.00 EUR');
    expect(r.error.message).toContain('this one is 50.01 EUR');
    expect(r.error.message).toMatch(/cash/);
    expect(r.error.message).toMatch(/wait for the connection/);
    expect(bytes).toBe(0);
    expect(h.rig.vt.bookedTransactions()).toEqual([]);
    // Nothing half-written: no order left open with a balance due.
    expect(searchOrders(h.db, {}).length).toBe(orders);
    // At the limit it is fine.
    const { value: atLimit, bytes: taken } = await bytesSentBy(() => sale(5_000));
    expect(taken).toBeGreaterThan(0);
    expect(atLimit).toMatchObject({
      ok: true,
      value: { tenders: [{ state: 'APPROVED' }], balanceDueMinor: 0 },
    });
    // Online the limits do not apply.
    h.online = true;
    const big = await sale(90_000);
    expect(big).toMatchObject({ ok: true, value: { tenders: [{ state: 'APPROVED', amountMinor: 90_000 }] } });
    expect(h.rig.vt.bookedTransactions().map((t) => t.amountMinor)).toEqual([5_000, 90_000]);
  });

  it('offline, refuses the payment that would take the queued card total or count over the limit, naming the numbers', async () => {
    await rig();
    for (const a of [5_000, 5_000]) expect((await sale(a)).ok).toBe(true);
    expect(offlineCardQueue(h.db)).toMatchObject({ count: 2, totalMinor: 10_000 });
    const { value: over, bytes } = await bytesSentBy(() => sale(2_001));
    expect(over).toMatchObject({ ok: false, error: { code: 'OFFLINE_CARD_OVER_TOTAL_LIMIT' } });
    if (over.ok) return;
    expect(over.error.message).toContain(
      'at most 120.00 EUR; 100.00 EUR is waiting, and 20.01 EUR more would make 120.01 EUR',
    );
    expect(bytes).toBe(0);
    expect((await sale(2_000)).ok).toBe(true);
    // Three waiting now: the fourth is refused on the count, however small.
    const { value: fourth, bytes: b4 } = await bytesSentBy(() => sale(100));
    expect(fourth).toMatchObject({
      ok: false,
      error: { code: 'OFFLINE_CARD_OVER_COUNT_LIMIT', params: { limit: 3, queued: 3 } },
    });
    expect(b4).toBe(0);
    // Cash is still taken.
    expect(openDrawer(h.deps, { floatMinor: 0, operatorId: 'cashier' }).ok).toBe(true);
    expect(await sale(100, [{ method: 'CASH', tenderedMinor: 100 }])).toMatchObject({ ok: true });
    // Forwarded (the queue drains): card payments are possible again, still offline.
    h.db.prepare(`UPDATE outbox SET state = 'ACKNOWLEDGED' WHERE state = 'QUEUED'`).run();
    expect(offlineCardQueue(h.db)).toEqual({ count: 0, totalMinor: 0, oldest: null });
    expect((await sale(100)).ok).toBe(true);
  });

  it('offline, refuses every card payment while the oldest queued one is past its maximum age', async () => {
    let now = Date.parse('2026-12-03T08:00:00Z');
    await rig(LIMITS, () => new Date(now));
    const first = await sale(1_000);
    expect(first.ok).toBe(true);
    now += 24 * 3_600_000; // exactly at the limit: still fine
    expect((await sale(1_000)).ok).toBe(true);
    now += 60_000;
    const { value: r, bytes } = await bytesSentBy(() => sale(10));
    expect(r).toMatchObject({
      ok: false,
      error: {
        code: 'OFFLINE_CARD_QUEUE_TOO_OLD',
        params: { hours: 24, takenAt: '2026-12-03T08:00:00.000Z' },
      },
    });
    if (r.ok || !first.ok) return;
    expect(r.error.message).toContain(first.value.tenders[0]!.paymentId!);
    expect(r.error.message).toMatch(/Take cash/);
    expect(bytes).toBe(0);
    h.online = true;
    expect((await sale(10)).ok).toBe(true);
  });

  it('a split tender counts only its card part, and is refused whole before the cash is taken when the card part is over', async () => {
    await rig();
    expect(openDrawer(h.deps, { floatMinor: 0, operatorId: 'cashier' }).ok).toBe(true);
    // 80.00: 30.00 cash, the card takes the 50.00 rest, at the limit.
    const ok = await sale(8_000, [{ method: 'CASH', tenderedMinor: 3_000 }, { method: 'CARD' }]);
    expect(ok).toMatchObject({
      ok: true,
      value: {
        balanceDueMinor: 0,
        tenders: [
          { method: 'CASH', ok: true },
          { method: 'CARD', ok: true, amountMinor: 5_000 },
        ],
      },
    });
    const orders = searchOrders(h.db, {}).length;
    const { value: over, bytes } = await bytesSentBy(() =>
      sale(8_000, [{ method: 'CASH', tenderedMinor: 2_000 }, { method: 'CARD' }]),
    );
    expect(over).toMatchObject({
      ok: false,
      error: { code: 'OFFLINE_CARD_OVER_PAYMENT_LIMIT', params: { amount: '60.00 EUR' } },
    });
    expect(bytes).toBe(0);
    expect(searchOrders(h.db, {}).length).toBe(orders);
  });

  it('a deposit by card counts its deposit, and a balance collected by card its card part', async () => {
    await rig();
    const customer = { name: 'Dana Deposit', contact: 'dana@example.com' };
    const tooBig = await bytesSentBy(() =>
      takeDeposit(h.deps, {
        customer,
        totalMinor: 20_000,
        deposit: { percent: 30 },
        tender: { method: 'CARD' },
        operatorId: 'cashier',
      }),
    );
    expect(tooBig.value).toMatchObject({
      ok: false,
      error: { code: 'OFFLINE_CARD_OVER_PAYMENT_LIMIT', params: { amount: '60.00 EUR' } },
    });
    expect(tooBig.bytes).toBe(0);
    const d = await takeDeposit(h.deps, {
      customer,
      totalMinor: 20_000,
      deposit: { percent: 20 },
      tender: { method: 'CARD' },
      operatorId: 'cashier',
    });
    expect(d).toMatchObject({ ok: true, value: { balanceDueMinor: 16_000 } });
    if (!d.ok) return;
    const balance = await bytesSentBy(() =>
      collectBalance(h.deps, {
        orderId: d.value.orderId,
        tenders: [{ method: 'CARD' }],
        operatorId: 'cashier',
      }),
    );
    expect(balance.value).toMatchObject({
      ok: false,
      error: { code: 'OFFLINE_CARD_OVER_PAYMENT_LIMIT', params: { amount: '160.00 EUR' } },
    });
    expect(balance.bytes).toBe(0);
    expect(openDrawer(h.deps, { floatMinor: 0, operatorId: 'cashier' }).ok).toBe(true);
    const split = await collectBalance(h.deps, {
      orderId: d.value.orderId,
      tenders: [{ method: 'CASH', tenderedMinor: 12_000 }, { method: 'CARD' }],
      operatorId: 'cashier',
    });
    expect(split).toMatchObject({ ok: true, value: { balanceDueMinor: 0 } });
    expect(offlineCardQueue(h.db)).toMatchObject({ count: 2, totalMinor: 8_000 });
  });
});
