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
import type { Terminal } from '../admin/accounts';
import type { Queryable } from '../db/adapter';
import { fail } from '../http/api-error';
import { readStoreFeed, storeFeedHead } from '../ledger/feed';
import { currentRefundLock } from '../ledger/refund-lock';
import { loadOrderInTx } from '../ledger/service';

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
