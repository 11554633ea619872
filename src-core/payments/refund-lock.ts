/**
 * Taking the per-order refund lock (ledger/refund-lock.ts holds its storage), for every channel: refunds,
 * payouts and voids sent to the acquirer (money-back.ts) take it in the transaction that writes their journal
 * row, so lock, checks and row commit together (or not at all); a refund or void the counter made takes it for
 * its own transaction (counter-refunds.ts), and a counter's refund reservation holds it until the terminal
 * has refunded (purpose RESERVATION, the TTL is the reservation's time-out).
 *
 * One conditional upsert decided by the database: it inserts when the order has no lock and replaces a lock
 * only when it has expired or its holder's core instance is dead (so a crashed holder blocks the order for at
 * most its TTL). Expiry is judged by the database clock, so every core process agrees on it. Neither happens
 * while a refund, payout or void of the order has an open row in the acquirer journal (src-core/journal/):
 * its outcome is unknown, so the lock never lapses from under money that may have moved, even after its TTL.
 * That is why taking the lock lives here, above the journal, and not in the ledger.
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
import type { Queryable } from '../db/adapter';
import type { ClaimOwner } from '../idempotence/claim-liveness';
import { OPEN_MONEY_BACK_SQL } from '../journal/entry-store';
import type { LedgerContext } from '../ledger/context';
import {
  LOCK_COLUMNS,
  releaseRefundLock,
  rowToLock,
  type LockRow,
  type RefundLock,
  type RefundLockPurpose,
} from '../ledger/refund-lock';
import {
  DEFAULT_REFUND_REPEAT_WINDOW_MS,
  findRepeatedMoneyBack,
  refundInProgressError,
  repeatedRefundError,
} from '../ledger/repeat-refund';

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
