/** Start-up repair of the order summaries the back office filters on (ledger/order-summary.ts). */
import type { Db } from '../db/adapter';
import { writeOrderSummaryInTx } from '../ledger/order-summary';
import { loadOrderInTx } from '../ledger/loaded-order';

/**
 * Rebuilds every summary that does not reflect its order's last operation (orders written before schema v2,
 * or by a writer that bypassed the ledger service). Safe to run in several core processes at once: each order
 * is rebuilt under its row lock. Returns how many were rebuilt.
 */
export async function rebuildStaleOrderSummaries(db: Db, batchSize = 200): Promise<number> {
  let rebuilt = 0;
  for (;;) {
    const stale = await db.query<{ id: string; merchant_id: string }>(
      'SELECT id, merchant_id FROM orders WHERE summary_op_count <> op_count LIMIT $1',
      [batchSize],
    );
    if (stale.length === 0) return rebuilt;
    for (const row of stale) {
      await db.transaction(async (tx) => {
        const loaded = await loadOrderInTx(tx, row.merchant_id, row.id, true);
        if (loaded) {
          await writeOrderSummaryInTx(tx, row.id, loaded.state, loaded.order.operationCount);
        }
      });
      rebuilt += 1;
    }
  }
}
