/**
 * The per-order refund lock's storage (`REFUND_ORDER_LOCKED`, omnichannel guide: "double-refund fraud" across
 * channels): one row per order in `refund_locks`, its shape, and the writes that end it.
 *
 * A refund or payout holds the order's lock for as long as it is being processed, *including the acquirer
 * call*, so two channels can never both send money back for one order at the same moment. Taking the lock
 * (a conditional upsert that also consults the acquirer journal's open rows) is the use-case layer's:
 * src-core/payments/refund-lock.ts. Here: completing it in the transaction that appends the REFUND/PAYOUT
 * (`completeRefundLockInTx`, or `completeRefundLockWrite` riding in the appending statement), releasing it
 * (`releaseRefundLock`), and reading it (`findRefundLock`; the order's current lock, either form, is
 * payments/refund-lock.ts `currentRefundLock`). The journal completes and
 * releases the locks its rows hold, so these stay below it.
 *
 * The lock guards the *acquirer side effect*. The ledger rules (order row lock + applyOperation) still guard
 * the books on their own: even a holder whose lock expired cannot record more than is refundable.
 */
import type { Channel, PaymentId, Uuid } from '../../src-shared';
import { standalone, toIso, toNullableSafeInteger, type Queryable, type SqlFragment } from '../db/adapter';

export type RefundLockPurpose = 'REFUND' | 'PAYOUT' | 'RESERVATION';

export interface RefundLock {
  readonly lockId: Uuid;
  readonly orderId: Uuid;
  /** Who holds it, for people reading the table: `online:<apiKeyId>`, `terminal:<terminalId>`, … */
  readonly holder: string;
  readonly channel: Channel;
  readonly purpose: RefundLockPurpose;
  readonly paymentId: PaymentId | null;
  readonly amountMinor: number | null;
  readonly acquiredAt: string;
  readonly expiresAt: string;
}

/** A `refund_locks` row as the database returns it. */
export interface LockRow {
  lock_id: string;
  order_id: string;
  holder: string;
  channel: string;
  purpose: string;
  payment_id: string | null;
  amount_minor: string | number | null;
  acquired_at: Date | string;
  expires_at: Date | string;
}

export const LOCK_COLUMNS =
  'lock_id, order_id, holder, channel, purpose, payment_id, amount_minor, acquired_at, expires_at';

export function rowToLock(row: LockRow): RefundLock {
  return {
    lockId: row.lock_id as Uuid,
    orderId: row.order_id as Uuid,
    holder: row.holder,
    channel: row.channel as Channel,
    purpose: row.purpose as RefundLockPurpose,
    paymentId: row.payment_id as PaymentId | null,
    amountMinor: toNullableSafeInteger(row.amount_minor, 'refund_locks.amount_minor'),
    acquiredAt: toIso(row.acquired_at, 'refund_locks.acquired_at'),
    expiresAt: toIso(row.expires_at, 'refund_locks.expires_at'),
  };
}

/**
 * Ends the lock inside the transaction that records the refund/payout, so "refund recorded" and "lock
 * freed" commit together. Returns false when the lock had expired and was taken over (the operation is still
 * recorded if the ledger accepts it: the money has moved at the acquirer; callers log it).
 */
export async function completeRefundLockInTx(
  tx: Queryable,
  lock: Pick<RefundLock, 'lockId'>,
): Promise<boolean> {
  const { sql, params } = standalone(completeRefundLockWrite(lock));
  const rows = await tx.query(sql, params);
  return rows.length > 0;
}

/**
 * The same, as a write that rides in the statement appending the operation (`alsoInStatement` of the ledger
 * service): no round trip of its own, and it commits with the operation it completes. `condition`: an SQL
 * condition it also needs (`WHEN_HELD` of an append with `onlyIf`).
 */
export const completeRefundLockWrite =
  (lock: Pick<RefundLock, 'lockId'>, condition?: string): SqlFragment =>
  (param) =>
    `DELETE FROM refund_locks WHERE lock_id = ${param(lock.lockId)}${condition ? ` AND ${condition}` : ''}
     RETURNING lock_id`;

/** Gives the lock up without recording anything (declined at the acquirer, refused by the ledger, aborted). */
export async function releaseRefundLock(q: Queryable, lock: Pick<RefundLock, 'lockId'>): Promise<boolean> {
  const rows = await q.query('DELETE FROM refund_locks WHERE lock_id = $1 RETURNING lock_id', [lock.lockId]);
  return rows.length > 0;
}

/** The lock with this id while it is held and unexpired (a reservation looked up by its id). */
export async function findRefundLock(q: Queryable, lockId: string): Promise<RefundLock | null> {
  const rows = await q.query<LockRow>(
    `SELECT ${LOCK_COLUMNS} FROM refund_locks WHERE lock_id = $1 AND expires_at > statement_timestamp()`,
    [lockId],
  );
  return rows[0] ? rowToLock(rows[0]) : null;
}
