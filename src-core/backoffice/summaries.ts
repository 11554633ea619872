/** Start-up repair of the order summaries the back office filters on (ledger/order-summary.ts). */
import type { Db } from '../db/adapter';
import { writeOrderSummaryInTx } from '../ledger/order-summary';
import { loadOrderInTx } from '../ledger/loaded-order';

/**
 * Rebuilds the summaries listed in `order_summaries_pending`: orders whose summary did not reflect their last
 * operation when schema 10 was applied (orders recorded before the summaries existed, schema 2). Nothing
 * adds to the list afterwards: every append writes its order's summary in the same statement. Safe to run in
 * several core processes at once: each order is rebuilt under its row lock and leaves the list in that
 * transaction. Returns how many were rebuilt.
 */
export async function rebuildStaleOrderSummaries(db: Db, batchSize = 200): Promise<number> {
  let rebuilt = 0;
  for (;;) {
    const pending = await db.query<{ id: string; merchant_id: string }>(
      `SELECT o.id, o.merchant_id FROM order_summaries_pending p JOIN orders o ON o.id = p.order_id LIMIT $1`,
      [batchSize],
    );
    if (pending.length === 0) return rebuilt;
    for (const row of pending) {
      await db.transaction(async (tx) => {
        const loaded = await loadOrderInTx(tx, row.merchant_id, row.id, true);
        if (loaded) {
          await writeOrderSummaryInTx(tx, row.id, loaded.state, loaded.order.operationCount);
        }
        await tx.query('DELETE FROM order_summaries_pending WHERE order_id = $1', [row.id]);
      });
      rebuilt += 1;
    }
  }
}
