/** Messages the core rejected for good: each waits for a manager, with the whole order attached. */
import type { StoreDb } from './db';

export interface SyncExceptionRecord {
  readonly exceptionId: number;
  readonly messageId: string;
  readonly orderId: string | null;
  readonly code: string;
  readonly message: string;
  readonly orderSnapshot: unknown;
  readonly createdAt: string;
  readonly resolvedAt: string | null;
  readonly resolvedBy: string | null;
  readonly resolution: string | null;
}

interface Row {
  exception_id: number;
  message_id: string;
  order_id: string | null;
  code: string;
  message: string;
  order_snapshot: string | null;
  created_at: string;
  resolved_at: string | null;
  resolved_by: string | null;
  resolution: string | null;
}

export const rowToSyncException = (r: Row): SyncExceptionRecord => ({
  exceptionId: r.exception_id,
  messageId: r.message_id,
  orderId: r.order_id,
  code: r.code,
  message: r.message,
  orderSnapshot: r.order_snapshot === null ? null : (JSON.parse(r.order_snapshot) as unknown),
  createdAt: r.created_at,
  resolvedAt: r.resolved_at,
  resolvedBy: r.resolved_by,
  resolution: r.resolution,
});

export function openSyncExceptions(db: StoreDb): SyncExceptionRecord[] {
  return (
    db.prepare('SELECT * FROM sync_exceptions WHERE resolved_at IS NULL ORDER BY exception_id').all() as Row[]
  ).map(rowToSyncException);
}

/** Marks an exception resolved; false when it is unknown or already resolved. */
export function resolveSyncExceptionRow(
  db: StoreDb,
  exceptionId: number,
  by: string,
  resolution: string,
  at: Date,
): boolean {
  return (
    db
      .prepare(
        `UPDATE sync_exceptions SET resolved_at = ?, resolved_by = ?, resolution = ?
         WHERE exception_id = ? AND resolved_at IS NULL`,
      )
      .run(at.toISOString(), by, resolution, exceptionId).changes > 0
  );
}

/** An exception with the kind of the message the core refused (from the outbox). */
export interface SyncExceptionListed extends SyncExceptionRecord {
  readonly kind: string;
}

/** Open exceptions first (oldest first), then, when asked, resolved ones (newest first). */
export function listSyncExceptions(db: StoreDb, o: { includeResolved: boolean }): SyncExceptionListed[] {
  const rows = db
    .prepare(
      `SELECT e.*, o.kind AS kind FROM sync_exceptions e JOIN outbox o ON o.message_id = e.message_id
       ${o.includeResolved ? '' : 'WHERE e.resolved_at IS NULL'}
       ORDER BY (e.resolved_at IS NOT NULL), CASE WHEN e.resolved_at IS NULL THEN e.exception_id
         ELSE -e.exception_id END
       LIMIT 500`,
    )
    .all() as (Row & { kind: string })[];
  return rows.map((r) => ({ ...rowToSyncException(r), kind: r.kind }));
}

export function getSyncException(db: StoreDb, exceptionId: number): SyncExceptionListed | null {
  const r = db
    .prepare(
      `SELECT e.*, o.kind AS kind FROM sync_exceptions e JOIN outbox o ON o.message_id = e.message_id
       WHERE e.exception_id = ?`,
    )
    .get(exceptionId) as (Row & { kind: string }) | undefined;
  return r ? { ...rowToSyncException(r), kind: r.kind } : null;
}
