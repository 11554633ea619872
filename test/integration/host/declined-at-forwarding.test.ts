/**
 * A card payment the terminal approved while the counter was offline, which the acquirer refuses when the core
 * forwards it (the sandbox acquirer's documented test amount …99.05): a real core (PGlite, loopback HTTP),
 * the real sync layer, a real SQLite store and the virtual terminal. The order owes the amount again, and a
 * collection task with the customer's contact waits for a manager and shows in the Z report. With the store's
 * collection threshold (offline limits' `collectAtCounterAboveMinor`), a refused amount at or below it is
 * written off by the system instead: still owed by the order, but no open task.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderBalances } from '../../../src-shared';
import { collectBalance, takeDeposit } from '../../../src-main/checkout/deposit';
import { enrollTerminal } from '../../../src-core/accounts/accounts';
import { counterSettings, updateCounterSettings } from '../../../src-main/checkout/counter-settings';
import { buildReport } from '../../../src-main/checkout/end-of-day';
import { checkoutSale } from '../../../src-main/checkout/sale';
import { resolveSyncException } from '../../../src-main/checkout/sync-exceptions';
import type { WiredSync } from '../../../src-main/host/sync-wiring';
import {
  auditTrail,
  listSyncExceptions,
  loadOrderState,
  pendingOutbox,
  syncStatus,
  type StoreDb,
} from '../../../src-main/store';
import { startTestCore, type TestCore } from '../../helpers/core-server';
import { connectRigToCore, createHostRig, MANAGER, type HostRig } from '../../helpers/host-rig';

let core: TestCore;
let h: HostRig;
let sync: WiredSync;

beforeAll(async () => {
  core = await startTestCore('pglite');
  h = await createHostRig({
    offlineLimits: { perPaymentMaxMinor: 20_000, totalMaxMinor: 50_000, maxCount: 20, maxAgeHours: 48 },
  });
  sync = connectRigToCore(h, { baseUrl: core.url, ...core.terminal });
}, 120_000);
afterAll(async () => {
  await sync?.daemon.stop();
  await h?.close();
  await core?.close();
});

const due = (orderId: string, db: StoreDb = h.db) =>
  orderBalances(loadOrderState(db, orderId)!).balanceDue?.amountMinor;

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

describe("the store's collection threshold", () => {
  let t: HostRig;
  let tSync: WiredSync;
  beforeAll(async () => {
    // A second counter of the store (its own terminal key and payment-id issuer).
    const enrolled = await enrollTerminal(core.t.db, core.ledger.ctx, core.keyring, {
      merchantId: core.merchantId,
      store: core.storeId,
    });
    if (!enrolled.ok) throw new Error(enrolled.error.message);
    t = await createHostRig({
      offlineLimits: { perPaymentMaxMinor: 30_000, totalMaxMinor: 100_000, maxCount: 20, maxAgeHours: 48 },
    });
    tSync = connectRigToCore(t, { baseUrl: core.url, ...enrolled.value });
  }, 60_000);
  afterAll(async () => {
    await tSync?.daemon.stop();
    await t?.close();
  });

  it('is a whole amount of at least 0, 0 by default, set by a manager and audited', () => {
    expect(counterSettings(t.deps).offline.collectAtCounterAboveMinor).toBe(0);
    for (const bad of [-1, 2.5]) {
      const r = updateCounterSettings(t.deps, { offline: { collectAtCounterAboveMinor: bad } }, MANAGER);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.code).toBe('HOST_COMMAND_INVALID');
      expect(r.error.message).toContain(
        'offline.collectAtCounterAboveMinor: give a whole number of at least 0',
      );
    }
    expect(counterSettings(t.deps).offline.collectAtCounterAboveMinor).toBe(0);
    const r = updateCounterSettings(t.deps, { offline: { collectAtCounterAboveMinor: 10_000 } }, MANAGER);
    expect(r.ok && r.value.offline).toMatchObject({
      collectAtCounterAboveMinor: 10_000,
      perPaymentMaxMinor: 30_000,
    });
    expect(auditTrail(t.db, { subject: 'settings' })[0]).toMatchObject({
      actor: 'manager',
      action: 'SETTINGS_CHANGED',
      details: { 'offline.limits': { to: { collectAtCounterAboveMinor: 10_000 } } },
    });
  });

  it('above it: a collection task; at or below it: written off by the system, still owed, counted in the Z report', async () => {
    const sell = async (amountMinor: number, customer?: { name: string; contact: string }) => {
      const r = customer
        ? await takeDeposit(t.deps, {
            customer,
            totalMinor: amountMinor,
            deposit: { amountMinor },
            tender: { method: 'CARD' },
            operatorId: 'cashier',
          })
        : await checkoutSale(t.deps, {
            entries: [{ kind: 'free', description: 'Lamp', amountMinor, taxRateBp: 1900 }],
            tenders: [{ method: 'CARD' }],
            operatorId: 'cashier',
          });
      if (!r.ok) throw new Error(r.error.message);
      return r.value.orderId;
    };
    // The sandbox acquirer refuses …99.05 at forwarding: 99.05 is at the threshold's side, 199.05 above it.
    const small = await sell(9_905, { name: 'Sam Small', contact: 'sam@example.com' });
    const large = await sell(19_905);
    const cycle = await tSync.daemon.syncNow();
    expect(cycle).toMatchObject({ rejected: 2, error: null });

    // Both are annulled and owed again.
    expect(due(small, t.db)).toBe(9_905);
    expect(due(large, t.db)).toBe(19_905);
    // One open task (the large one); the small one is resolved already, written off by the system.
    expect(syncStatus(t.db, new Date())).toMatchObject({ queued: 0, openExceptions: 1 });
    const open = listSyncExceptions(t.db, { includeResolved: false });
    expect(open.map((e) => [e.code, e.orderId])).toEqual([['CARD_DECLINED_AT_FORWARDING', large]]);
    expect(open[0]!.message).toContain(`Collect 199.05 EUR from the customer`);
    const all = listSyncExceptions(t.db, { includeResolved: true });
    const writtenOff = all.find((e) => e.orderId === small)!;
    expect(writtenOff).toMatchObject({
      code: 'CARD_DECLINED_AT_FORWARDING',
      resolvedBy: 'system',
      resolution: "written off: 99.05 EUR is at or below the store's collection threshold 100.00 EUR",
    });
    expect(writtenOff.resolvedAt).not.toBeNull();
    expect(writtenOff.message).toContain(
      `Not collected: 99.05 EUR from Sam Small (sam@example.com) on order ${small}`,
    );
    expect(writtenOff.message).toContain(
      "No collection task: 99.05 EUR is at or below the store's collection threshold 100.00 EUR. The order still owes it",
    );
    // Audited, with the amount and the threshold.
    expect(
      auditTrail(t.db, { subject: small }).find((a) => a.action === 'COLLECTION_WRITTEN_OFF'),
    ).toMatchObject({
      actor: null,
      details: { amountMinor: 9_905, currency: 'EUR', thresholdMinor: 10_000 },
    });

    // The Z/X report: the written-off payment apart from the open task, and each in a line of its own.
    const z = buildReport(t.deps, { terminal: null, core: null, reportId: 'x-threshold' });
    expect(z.collections).toEqual({
      open: { count: 1, amountMinor: 19_905 },
      writtenOff: { count: 1, amountMinor: 9_905 },
    });
    expect(z.warnings.filter((w) => w.startsWith('collection task: '))).toEqual([
      expect.stringContaining('Collect 199.05 EUR'),
    ]);
    expect(z.warnings).toContain(
      "written off at forwarding: 1 card payment(s), 99.05 EUR, each at or below the store's collection threshold 100.00 EUR (no collection task; the orders still owe them)",
    );
    // The written-off order still owes it: it is among the balances owed, with the customer's contact.
    expect(z.balancesOwed).toContainEqual({
      orderId: small,
      customer: 'Sam Small',
      contact: 'sam@example.com',
      balanceDueMinor: 9_905,
    });

    // Syncing again changes nothing.
    expect(await tSync.daemon.syncNow()).toMatchObject({ accepted: 0, rejected: 0 });
    expect(syncStatus(t.db, new Date())).toMatchObject({ openExceptions: 1 });
  });
});
