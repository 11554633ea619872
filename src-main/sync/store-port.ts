/**
 * Binds the store's outbox functions (src-main/store/outbox.ts) to one database: the SyncStorePort the
 * daemon gets from the composition root; and the counter's side of reconciliation.
 */
import { orderBalances, paymentBalances } from '../../src-shared';
import {
  applyChangesFromSync,
  loadOrderState,
  pendingOutbox,
  recordPushFailure,
  recordPushResults,
  recordSyncSuccess,
  syncCursor,
  syncStatus,
  type StoreDb,
} from '../store';
import type { SyncStorePort } from './ports';
import type { LocalOrderView } from './reconcile';

export function bindSyncStorePort(db: StoreDb): SyncStorePort {
  return {
    pendingOutbox: (limit) => pendingOutbox(db, limit),
    recordPushResults: (results, at) => recordPushResults(db, results, at),
    recordPushFailure: (ids, error, at) => recordPushFailure(db, ids, error, at),
    syncCursor: () => syncCursor(db),
    applyChangesFromSync: (pull, at) => applyChangesFromSync(db, pull, at),
    syncStatus: (now) => syncStatus(db, now),
    recordSyncSuccess: (at) => recordSyncSuccess(db, at),
  };
}

/**
 * The counter's view of some orders for reconciliation, from the store's ledger rows with the same balance
 * rules as the core (src-shared/ledger.ts); `queued` when any of the order's messages is still in the outbox.
 */
export function localOrderViews(db: StoreDb, orderIds: readonly string[]): LocalOrderView[] {
  const queuedOrders = new Set(
    pendingOutbox(db, Number.MAX_SAFE_INTEGER)
      .map((i) => i.orderId)
      .filter((id): id is string => id !== null),
  );
  const views: LocalOrderView[] = [];
  for (const orderId of orderIds) {
    const state = loadOrderState(db, orderId);
    if (!state) continue;
    const b = orderBalances(state);
    views.push({
      orderId,
      currency: state.currency,
      totalMinor: state.total?.amountMinor ?? null,
      collectedMinor: b.collected.amountMinor,
      refundedMinor: b.refunded.amountMinor + b.paidOut.amountMinor,
      queued: queuedOrders.has(orderId),
      payments: state.payments.map((p) => {
        const pb = paymentBalances(state, p.paymentId)!;
        return {
          paymentId: p.paymentId,
          collectedMinor: pb.collected.amountMinor,
          refundedMinor: pb.refunded.amountMinor + pb.paidOut.amountMinor,
          cancelled: pb.cancelled,
        };
      }),
    });
  }
  return views;
}
