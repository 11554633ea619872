/**
 * The per-order refund lock (`REFUND_ORDER_LOCKED`, omnichannel guide: "double-refund fraud" across channels).
 *
 * A refund or payout holds the order's lock for as long as it is being processed, *including the acquirer
 * call*, so two channels can never both send money back for one order at the same moment. The lock is one
 * row per order in `refund_locks`, taken by a conditional upsert: it inserts when the order has no lock and
 * replaces a lock only when it has expired (so a crashed holder blocks the order for at most its TTL). Expiry
 * is judged by the database clock, so every core process agrees on it. Neither happens while a refund, payout
 * or void of the order has an open row in the acquirer journal (src-core/journal/): its outcome is unknown,
 * so the lock never lapses from under money that may have moved, even after its TTL.
 *
 * The lock guards the *acquirer side effect*. The ledger rules (order row lock + applyOperation) still guard
 * the books on their own: even a holder whose lock expired cannot record more than is refundable.
 *
 * API for every channel: `acquireRefundLock(orderId, holder, ttl)` → `completeRefundLockInTx` (in the same
 * transaction that appends the REFUND/PAYOUT) or `releaseRefundLock`. Refunds, payouts and voids sent to the
 * acquirer (money-back.ts) take it in the transaction that writes their journal row, so lock, checks and row
 * commit together (or not at all). The terminal sync API uses the same
 * three calls for a card-present refund at the counter (purpose RESERVATION): reserve → the terminal
 * refunds → confirm (append + complete) or release; the TTL is the reservation's time-out.
 */
import {
  domainError,
  err,
  ok,
  type Channel,
  type DomainError,
  type Money,
  type PaymentId,
  type Result,
  type Uuid,
} from '../../src-shared';
import { standalone, toIso, toNullableSafeInteger, type Queryable, type SqlFragment } from '../db/adapter';
import type { ClaimOwner } from '../idempotence/claim-liveness';
import { OPEN_MONEY_BACK_SQL } from '../journal/entries';
import type { LedgerContext } from './context';
import {
  DEFAULT_REFUND_REPEAT_WINDOW_MS,
  findRepeatedMoneyBack,
  refundInProgressError,
  repeatedRefundError,
} from './repeat-refund';

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

export interface AcquireRefundLock {
  orderId: Uuid;
  holder: string;
  channel: Channel;
  purpose: RefundLockPurpose;
  /** How long the lock holds without being completed or released. */
  ttlMs: number;
  paymentId?: PaymentId | null;
  amount?: Money | null;
  /**
   * The core instance running the request that holds the lock (claim-liveness.ts): when it dies, the lock is
   * free at once rather than after its TTL. Absent for a counter reservation (a terminal holds it).
   */
  holderInstance?: ClaimOwner | null;
}

/** Default TTL for a refund through the online API: well above the acquirer time-out. */
export const ONLINE_REFUND_LOCK_TTL_MS = 60_000;

interface LockRow {
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

const LOCK_COLUMNS =
  'lock_id, order_id, holder, channel, purpose, payment_id, amount_minor, acquired_at, expires_at';

function rowToLock(row: LockRow): RefundLock {
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
 * Takes the order's refund lock, or answers REFUND_ORDER_LOCKED when someone else holds an unexpired one, or
 * when the refund repeats one recorded on the order within the repeat window (repeat-refund.ts).
 * One statement, decided by the database: the insert wins when there is no row, the conditional update wins
 * only over an expired row, and when neither happens no row is returned.
 */
export async function acquireRefundLock(
  q: Queryable,
  ctx: LedgerContext,
  input: AcquireRefundLock,
): Promise<Result<RefundLock, DomainError>> {
  const rows = await upsertLock(q, ctx, input, { expr: '$1::uuid', from: '', params: [input.orderId] });
  const row = rows[0];
  if (!row) return err(refundInProgressError({ orderId: input.orderId }));
  return refuseRepeat(q, ctx, input, rowToLock(row));
}

/**
 * Under the lock just taken: a refund or payout of the same amount recorded on the order within the repeat
 * window makes this one a repeat (repeat-refund.ts); the lock is given back and REFUND_ORDER_LOCKED names the
 * earlier one.
 */
async function refuseRepeat(
  q: Queryable,
  ctx: LedgerContext,
  input: Pick<AcquireRefundLock, 'amount' | 'purpose'>,
  lock: RefundLock,
): Promise<Result<RefundLock, DomainError>> {
  const windowMs = ctx.refundRepeatWindowMs ?? DEFAULT_REFUND_REPEAT_WINDOW_MS;
  if (!input.amount || windowMs <= 0) return ok(lock);
  const kind = input.purpose === 'PAYOUT' ? 'PAYOUT' : 'REFUND';
  const earlier = await findRepeatedMoneyBack(q, lock.orderId, kind, input.amount, windowMs);
  if (!earlier) return ok(lock);
  await releaseRefundLock(q, lock);
  return err(repeatedRefundError(earlier, lock.orderId, windowMs));
}

/**
 * The same, naming the order by one of its payments (one statement instead of two on the refund path):
 * PAYMENT_NOT_FOUND when the merchant has no such payment.
 */
export async function acquireRefundLockForPayment(
  q: Queryable,
  ctx: LedgerContext,
  input: Omit<AcquireRefundLock, 'orderId'> & {
    merchantId: string;
    paymentId: PaymentId;
    /**
     * The caller judges the repeat-refund rule itself, on the order it loads next in the same transaction
     * (`repeatedMoneyBackIn`, money-back.ts): no lookup of its own here.
     */
    callerChecksRepeat?: boolean;
  },
): Promise<Result<RefundLock, DomainError>> {
  const rows = await upsertLock(q, ctx, input, {
    expr: 'p.order_id',
    from: 'FROM payments p WHERE p.id = $1 AND p.merchant_id = $9',
    params: [input.paymentId],
    extra: [input.merchantId],
  });
  const row = rows[0];
  if (row) return input.callerChecksRepeat ? ok(rowToLock(row)) : refuseRepeat(q, ctx, input, rowToLock(row));
  const exists = await q.query('SELECT 1 FROM payments WHERE id = $1 AND merchant_id = $2', [
    input.paymentId,
    input.merchantId,
  ]);
  return err(
    exists.length === 0
      ? domainError('PAYMENT_NOT_FOUND', { paymentId: input.paymentId })
      : refundInProgressError({ paymentId: input.paymentId }),
  );
}

/**
 * One statement, decided by the database: the insert wins when the order has no lock row, the conditional
 * update wins only over an expired row, and when neither happens no row is returned. `order.expr` is the
 * order id (from $1, or from the `order.from` clause, which may use $9… for its own parameters).
 */
async function upsertLock(
  q: Queryable,
  ctx: LedgerContext,
  input: Omit<AcquireRefundLock, 'orderId'>,
  order: { expr: string; from: string; params: [string]; extra?: string[] },
): Promise<LockRow[]> {
  if (!Number.isSafeInteger(input.ttlMs) || input.ttlMs <= 0)
    throw new RangeError(`bad lock TTL ${input.ttlMs}`);
  // Neither path takes the lock while a refund, payout or void of the order has an open journal row: its
  // outcome is unknown, and the lock must not lapse from under it (the reconciler closes the row). A lock
  // whose holder's core instance is dead (no heartbeat) is taken over like an expired one: with no open
  // journal row, that holder never asked the acquirer for anything.
  const extra = order.extra ?? [];
  const instance = `$${9 + extra.length}`;
  const deadAfter = `$${10 + extra.length}`;
  return q.query<LockRow>(
    `INSERT INTO refund_locks AS l (order_id, lock_id, holder, channel, purpose, payment_id, amount_minor,
       acquired_at, expires_at, instance_id)
     SELECT o.order_id, $2::uuid, $3, $4, $5, $6, $7::bigint, statement_timestamp(),
       statement_timestamp() + make_interval(secs => $8::double precision / 1000), ${instance}::uuid
     FROM (SELECT ${order.expr} AS order_id ${order.from}) o
     WHERE NOT ${OPEN_MONEY_BACK_SQL('o.order_id')}
     ON CONFLICT (order_id) DO UPDATE SET
       lock_id = EXCLUDED.lock_id, holder = EXCLUDED.holder, channel = EXCLUDED.channel,
       purpose = EXCLUDED.purpose, payment_id = EXCLUDED.payment_id, amount_minor = EXCLUDED.amount_minor,
       acquired_at = EXCLUDED.acquired_at, expires_at = EXCLUDED.expires_at, instance_id = EXCLUDED.instance_id
     WHERE l.expires_at <= statement_timestamp()
       OR (l.instance_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM core_instances i
         WHERE i.instance_id = l.instance_id
           AND i.heartbeat_at > statement_timestamp() - make_interval(secs => ${deadAfter}::double precision / 1000)))
     RETURNING ${LOCK_COLUMNS}`,
    [
      order.params[0],
      ctx.newId(),
      input.holder,
      input.channel,
      input.purpose,
      input.paymentId ?? null,
      input.amount?.amountMinor ?? null,
      input.ttlMs,
      ...extra,
      input.holderInstance?.instanceId ?? null,
      input.holderInstance?.deadAfterMs ?? input.ttlMs,
    ],
  );
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
 * service): no round trip of its own, and it commits with the operation it completes.
 */
export const completeRefundLockWrite =
  (lock: Pick<RefundLock, 'lockId'>): SqlFragment =>
  (param) =>
    `DELETE FROM refund_locks WHERE lock_id = ${param(lock.lockId)} RETURNING lock_id`;

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

/** The order's current unexpired lock, if any. */
export async function currentRefundLock(q: Queryable, orderId: string): Promise<RefundLock | null> {
  const rows = await q.query<LockRow>(
    `SELECT ${LOCK_COLUMNS} FROM refund_locks WHERE order_id = $1 AND expires_at > statement_timestamp()`,
    [orderId],
  );
  return rows[0] ? rowToLock(rows[0]) : null;
}
