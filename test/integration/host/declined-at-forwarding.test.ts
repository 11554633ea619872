/**
 * A card payment the terminal approved while the counter was offline, which the acquirer refuses when the core
 * forwards it (the sandbox acquirer's documented test amount …99.05): a real core (PGlite, loopback HTTP),
 * the real sync layer, a real SQLite store and the virtual terminal. The order owes the amount again, and a
 * collection task with the customer's contact waits for a manager and shows in the Z report.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderBalances } from '../../../src-shared';
import { collectBalance, takeDeposit } from '../../../src-main/checkout/deposit';
import { buildReport } from '../../../src-main/checkout/end-of-day';
import { checkoutSale } from '../../../src-main/checkout/sale';
import { resolveSyncException } from '../../../src-main/checkout/sync-exceptions';
import { wireSync, type WiredSync } from '../../../src-main/host/sync-wiring';
import { listSyncExceptions, loadOrderState, pendingOutbox, syncStatus } from '../../../src-main/store';
import { startTestCore, type TestCore } from '../../helpers/core-server';
import { createHostRig, MANAGER, type HostRig } from '../../helpers/host-rig';

let core: TestCore;
let h: HostRig;
let sync: WiredSync;

beforeAll(async () => {
  core = await startTestCore('pglite');
  h = await createHostRig({
    offlineLimits: { perPaymentMaxMinor: 20_000, totalMaxMinor: 50_000, maxCount: 20, maxAgeHours: 48 },
  });
  sync = wireSync(h.db, { baseUrl: core.url, keyId: core.terminal.keyId, secret: core.terminal.secret });
  Object.assign(h.deps, {
    issuer: core.terminal.issuer,
    core: sync.refundPort,
    isOnline: sync.isOnline,
    syncNow: sync.syncNow,
  });
}, 120_000);
afterAll(async () => {
  await sync?.daemon.stop();
  await h?.close();
  await core?.close();
});

const due = (orderId: string) => orderBalances(loadOrderState(h.db, orderId)!).balanceDue?.amountMinor;

describe('a card payment declined when it is forwarded', () => {
  it('becomes a collection task with the customer contact, the order owes it again, and it is collected at the counter', async () => {
    // Offline (nothing synced yet): a deposit of 99.05 by card, approved by the terminal.
    expect(h.deps.isOnline()).toBe(false);
    const d = await takeDeposit(h.deps, {
      customer: { name: 'Dana Deposit', contact: 'dana@example.com' },
      totalMinor: 30_000,
      deposit: { amountMinor: 9_905 },
      tender: { method: 'CARD' },
      operatorId: 'cashier',
    });
    if (!d.ok) throw new Error(d.error.message);
    expect(d.value).toMatchObject({ balanceDueMinor: 20_095, tenders: [{ state: 'APPROVED' }] });
    const orderId = d.value.orderId;
    const paymentId = d.value.tenders[0]!.paymentId!;
    // A plain card sale of the same test amount, with no customer on the order.
    const s = await checkoutSale(h.deps, {
      entries: [{ kind: 'free', description: 'Lamp', amountMinor: 9_905, taxRateBp: 1900 }],
      tenders: [{ method: 'CARD' }],
      operatorId: 'cashier',
    });
    if (!s.ok) throw new Error(s.error.message);

    const cycle = await sync.daemon.syncNow();
    expect(cycle).toMatchObject({ accepted: 2, rejected: 2, error: null });
    expect(pendingOutbox(h.db, 10)).toEqual([]);
    expect(syncStatus(h.db, new Date())).toMatchObject({ queued: 0, openExceptions: 2 });

    // Owed again: the deposit order's whole total, the sale's whole amount; the payment holds nothing.
    expect(due(orderId)).toBe(30_000);
    expect(due(s.value.orderId)).toBe(9_905);
    expect(orderBalances(loadOrderState(h.db, orderId)!).payments.get(paymentId as never)).toMatchObject({
      cancelled: true,
    });

    const tasks = listSyncExceptions(h.db, { includeResolved: false });
    expect(tasks.map((t) => [t.code, t.kind, t.orderId])).toEqual([
      ['CARD_DECLINED_AT_FORWARDING', 'PAYMENT_RECORDED', orderId],
      ['CARD_DECLINED_AT_FORWARDING', 'PAYMENT_RECORDED', s.value.orderId],
    ]);
    expect(tasks[0]!.message).toContain(
      `Collect 99.05 EUR from Dana Deposit (dana@example.com) on order ${orderId}`,
    );
    expect(tasks[0]!.message).toContain(
      `refused card payment ${paymentId} of 99.05 EUR when it was forwarded`,
    );
    expect(tasks[1]!.message).toContain('the order has no customer contact');

    // The Z report warns about each task.
    const z = buildReport(h.deps, { terminal: null, core: null, reportId: 'z-test' });
    expect(z.warnings.filter((w) => w.startsWith('collection task: Collect 99.05 EUR'))).toHaveLength(2);

    // Syncing again changes nothing: the refusal is final, nothing is resent.
    expect(await sync.daemon.syncNow()).toMatchObject({ accepted: 0, rejected: 0 });
    expect(due(orderId)).toBe(30_000);

    // The customer comes back: the balance is collected by card at the counter (online now) and reaches the core.
    expect(h.deps.isOnline()).toBe(true);
    const paid = await collectBalance(h.deps, {
      orderId,
      tenders: [{ method: 'CARD' }],
      operatorId: 'cashier',
    });
    expect(paid).toMatchObject({
      ok: true,
      value: { balanceDueMinor: 0, tenders: [{ amountMinor: 30_000 }] },
    });
    expect(await sync.daemon.syncNow()).toMatchObject({ accepted: 1, rejected: 0 });
    const r = resolveSyncException(h.deps, {
      exceptionId: tasks[0]!.exceptionId,
      action: 'ACKNOWLEDGE',
      note: 'collected 300.00 by card at the counter',
      manager: MANAGER,
    });
    expect(r.ok).toBe(true);
    expect(syncStatus(h.db, new Date())).toMatchObject({ openExceptions: 1 });
  });
});
