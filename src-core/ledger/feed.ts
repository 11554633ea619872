/**
 * The per-store change feed: every operation on an order that belongs to a store, in feed position order.
 * Positions are dense and handed out in commit order (see insertOperation in store.ts), so a reader that
 * asks "after N" never misses a row that commits later with a smaller position: there is none.
 */
import type { Queryable } from '../db/adapter';
import { OPERATION_COLUMNS, rowToStoredOperation, type OperationRow, type StoredOperation } from './rows';

export async function readStoreFeed(
  q: Queryable,
  storeId: string,
  afterPosition: number,
  limit: number,
): Promise<StoredOperation[]> {
  const rows = await q.query<OperationRow>(
    `SELECT ${OPERATION_COLUMNS} FROM operations
     WHERE store_id = $1 AND feed_pos > $2 ORDER BY feed_pos LIMIT $3`,
    [storeId, afterPosition, limit],
  );
  return rows.map(rowToStoredOperation);
}

/** The store's latest feed position (0 when nothing happened yet). */
export async function storeFeedHead(q: Queryable, storeId: string): Promise<number> {
  const rows = await q.query<{ feed_head: string | number }>('SELECT feed_head FROM stores WHERE id = $1', [
    storeId,
  ]);
  return Number(rows[0]?.feed_head ?? 0);
}
