/**
 * Pull: the store's change feed after a position (ledger/feed.ts): what anyone but the pulling terminal did to
 * the store's orders (online payments and refunds, back-office chargebacks, other terminals of the store), and
 * the current balances of the orders concerned, so the counter shows the true refundable amount.
 *
 * The cursor is the feed position. Positions are dense and become visible in commit order, so reading
 * "after N" never skips a row that commits later. The page is read by position first and the terminal's own
 * operations filtered out afterwards, so `nextCursor` moves past them too.
 */
import { orderBalances, toOrderBalancesDto, type PaymentId } from '../../src-shared';
import type { SyncPullResponse } from '../../src-shared/sync-protocol';
import type { Terminal } from '../accounts/accounts';
import type { Queryable } from '../db/adapter';
import { fail } from '../routing/api-error';
import { readStoreFeed, storeFeedHead } from '../ledger/feed';
import { currentRefundLock } from '../payments/refund-lock';
import { loadOrderInTx } from '../ledger/loaded-order';
import type { StoreFeedWaiters } from './feed-waiters';

/**
 * A long-poll pull: answers at once when there is anything after the cursor (the cursor moves), otherwise
 * waits up to `waitMs` for the store's feed to move and reads it again (feed-waiters.ts). Holds no database
 * connection while it waits. With nothing new by the deadline it answers the empty page.
 */
export async function pullChangesWaiting(
  q: Queryable,
  waiters: StoreFeedWaiters,
  terminal: Terminal,
  query: { after: number; limit: number; waitMs: number },
): Promise<SyncPullResponse> {
  const deadline = Date.now() + query.waitMs;
  for (;;) {
    // Watch before reading: a change committed after the read wakes this waiter.
    const watch = waiters.watch(terminal.storeId);
    try {
      const page = await pullChanges(q, terminal, query.after, query.limit);
      const left = deadline - Date.now();
      if (page.nextCursor !== query.after || left <= 0) return page;
      // Woken: the feed moved (or may have, after a reconnect): read again, wait on if it was not for us.
      if (!(await watch.until(left))) return page;
    } finally {
      watch.cancel();
    }
  }
}

export async function pullChanges(
  q: Queryable,
  terminal: Terminal,
  after: number,
  limit: number,
): Promise<SyncPullResponse> {
  const rows = await readStoreFeed(q, terminal.storeId, after, limit);
  // Read after the rows: the committed head is then at least the last position read.
  const head = await storeFeedHead(q, terminal.storeId);
  if (after > head) {
    throw fail(
      'REQUEST_INVALID',
      {
        propertyName: 'query.after',
        reason: `the store's feed ends at ${head}; this cursor did not come from this core`,
      },
      'query.after',
    );
  }
  const nextCursor = rows.at(-1)?.feedPos ?? after;
  const changes = rows.filter((s) => s.terminalId !== terminal.terminalId);
  const orderIds = [...new Set(changes.map((s) => s.orderId))];
  const orders = [];
  for (const orderId of orderIds) {
    const loaded = await loadOrderInTx(q, terminal.merchantId, orderId);
    if (!loaded) continue;
    const b = orderBalances(loaded.state);
    const lock = await currentRefundLock(q, orderId);
    orders.push({
      orderId,
      currency: loaded.order.currency,
      total: loaded.order.total,
      operationCount: loaded.order.operationCount,
      balances: toOrderBalancesDto(b),
      payments: loaded.state.payments.map((p) => {
        const pb = b.payments.get(p.paymentId as PaymentId)!;
        return {
          paymentId: p.paymentId,
          channel: p.channel,
          status: pb.status,
          collected: pb.collected,
          refundable: pb.refundable,
        };
      }),
      refundLockedUntil: lock?.expiresAt ?? null,
    });
  }
  return {
    storeId: terminal.storeId,
    after,
    nextCursor,
    head,
    hasMore: nextCursor < head,
    changes: changes.map((s) => ({
      position: s.feedPos!,
      orderId: s.orderId,
      orderSeq: s.orderSeq,
      paymentSeq: s.paymentSeq,
      operation: s.operation,
      terminalId: s.terminalId,
      operatorId: s.operatorId,
      merchantReference: s.merchantReference,
      recordedAt: s.recordedAt,
    })),
    orders,
  };
}
