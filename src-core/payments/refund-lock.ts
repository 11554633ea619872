/**
 * The per-order refund lock (`REFUND_ORDER_LOCKED`), for every channel. Two forms, one rule:
 * - A refund, payout or void sent to the acquirer (money-back.ts: the online API and the back office) holds the
 *   order with its **open journal row** (schema 9: at most one per order, a unique index): written under the
 *   order row lock, only while no `refund_locks` row of the order is live (`refundLockFreeWhere`; the checks
 *   judged after it, a refusal closing it), and held until its outcome is recorded, however long that takes.
 * - A refund or void the counter made takes a `refund_locks` row for its own transaction (counter-refunds.ts),
 *   and a counter's refund reservation holds one until the terminal has refunded (purpose RESERVATION, the TTL
 *   is the reservation's time-out): `acquireRefundLock`, one conditional upsert decided by the database. It
 *   inserts when the order has no lock row and replaces one only when it has expired (by the database clock,
 *   which every core process agrees on); neither while a refund, payout or void of the order has an open
 *   journal row. (Lock rows no longer name a core instance: only online refunds' did, before schema 9; a row
 *   left by a process that died during the upgrade lapses with its 60 s TTL.)
 *
 * Both take the **order row lock first** (FOR UPDATE) and look at the other form in a later statement, which
 * under READ COMMITTED sees everything committed before the lock was granted: so of two channels racing for
 * one order, the second always sees the first, and every path takes the order row before a `refund_locks`
 * row (no deadlock). Why this lives here, above the journal and not in the ledger: both forms read the
 * journal's open rows.
 */
import {
  err,
  ok,
  type Channel,
  type DomainError,
  type Money,
  type PaymentId,
  type Result,
  type Uuid,
} from '../../src-shared';
import type { Db, Queryable, SqlFragment } from '../db/adapter';
import { MONEY_BACK_KINDS, OPEN_MONEY_BACK_SQL } from '../journal/entry-store';
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
import { Refused } from '../ledger/service';

export interface AcquireRefundLock {
  orderId: Uuid;
  holder: string;
  channel: Channel;
  purpose: RefundLockPurpose;
  /** How long the lock holds without being completed or released. */
  ttlMs: number;
  paymentId?: PaymentId | null;
  amount?: Money | null;
}

/**
 * Takes the order's refund lock, or answers REFUND_ORDER_LOCKED when someone else holds an unexpired one, when
 * a refund, payout or void of the order has an open journal row, or when the refund repeats one recorded on
 * the order within the repeat window (repeat-refund.ts). In the caller's transaction, or in one of its own when
 * `q` is the database itself (the order row lock must last until the lock row commits).
 */
export async function acquireRefundLock(
  q: Queryable | Db,
  ctx: LedgerContext,
  input: AcquireRefundLock,
): Promise<Result<RefundLock, DomainError>> {
  if (isDb(q)) {
    try {
      return await q.transaction(async (tx) => {
        const r = await acquireRefundLock(tx, ctx, input);
        if (!r.ok) throw new Refused(r.error);
        return r;
      });
    } catch (e) {
      if (e instanceof Refused) return err(e.error);
      throw e;
    }
  }
  if (!Number.isSafeInteger(input.ttlMs) || input.ttlMs <= 0)
    throw new RangeError(`bad lock TTL ${input.ttlMs}`);
  // The order row first: a refund holding the order with its journal row took it too, so this waits for that
  // transaction, and the upsert (a statement of its own) sees its row.
  await q.query('SELECT 1 FROM orders WHERE id = $1 FOR UPDATE', [input.orderId]);
  const rows = await q.query<LockRow>(
    `INSERT INTO refund_locks AS l (order_id, lock_id, holder, channel, purpose, payment_id, amount_minor,
       acquired_at, expires_at)
     SELECT $1::uuid, $2::uuid, $3, $4, $5, $6, $7::bigint, statement_timestamp(),
       statement_timestamp() + make_interval(secs => $8::double precision / 1000)
     WHERE NOT ${OPEN_MONEY_BACK_SQL('$1::uuid')}
     ON CONFLICT (order_id) DO UPDATE SET
       lock_id = EXCLUDED.lock_id, holder = EXCLUDED.holder, channel = EXCLUDED.channel,
       purpose = EXCLUDED.purpose, payment_id = EXCLUDED.payment_id, amount_minor = EXCLUDED.amount_minor,
       acquired_at = EXCLUDED.acquired_at, expires_at = EXCLUDED.expires_at, instance_id = NULL
     WHERE l.expires_at <= statement_timestamp()
     RETURNING ${LOCK_COLUMNS}`,
    [
      input.orderId,
      ctx.newId(),
      input.holder,
      input.channel,
      input.purpose,
      input.paymentId ?? null,
      input.amount?.amountMinor ?? null,
      input.ttlMs,
    ],
  );
  const row = rows[0];
  if (!row) return err(refundInProgressError({ orderId: input.orderId }));
  return refuseRepeat(q, ctx, input, rowToLock(row));
}

/**
 * The condition a refund's, payout's or void's journal row is written under (money-back.ts), on the order an
 * SQL expression names (`p.order_id` of the payment row the row is built from): no other open money-back row
 * of the order, and no live `refund_locks` row (a counter's reservation or refund). Run in a statement after
 * the order row lock, so it sees every holder that committed before.
 */
export const refundLockFreeWhere =
  (orderIdExpr: string): SqlFragment =>
  () =>
    `NOT ${OPEN_MONEY_BACK_SQL(orderIdExpr)} AND NOT EXISTS (SELECT 1 FROM refund_locks l
      WHERE l.order_id = ${orderIdExpr} AND l.expires_at > statement_timestamp())`;

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

const isDb = (q: Queryable | Db): q is Db => 'transaction' in q && typeof q.transaction === 'function';

/**
 * The order's lock as people reading the order see it (back office, a counter's sync): its live `refund_locks`
 * row, else the open journal row of a refund, payout or void sent to the acquirer. That one holds until its
 * outcome is recorded, with no fixed end; it shows as ending 60 s after it was written, or 60 s from now once
 * that has passed (the outcome is then the reconciler's to find), and a void as purpose REFUND.
 */
export async function currentRefundLock(q: Queryable, orderId: string): Promise<RefundLock | null> {
  const rows = await q.query<LockRow>(
    `SELECT lock_id, order_id, holder, channel::text, purpose::text, payment_id, amount_minor::bigint,
       acquired_at, expires_at
     FROM refund_locks WHERE order_id = $1 AND expires_at > statement_timestamp()
     UNION ALL
     SELECT j.id, j.order_id, coalesce(j.request::json->>'holder', 'acquirer journal'),
       j.request::json->'source'->>'channel', CASE j.kind WHEN 'PAYOUT' THEN 'PAYOUT' ELSE 'REFUND' END,
       j.payment_id, j.amount_minor::bigint, j.created_at,
       greatest(j.created_at, statement_timestamp()) + make_interval(secs => ${SHOWN_HOLD_MS / 1000})
     FROM acquirer_journal j
     WHERE j.order_id = $1 AND j.state <> 'DONE' AND j.kind IN ${MONEY_BACK_KINDS}
     LIMIT 1`,
    [orderId],
  );
  return rows[0] ? rowToLock(rows[0]) : null;
}

/** How far ahead an open journal row's hold is shown to end (`currentRefundLock`). */
const SHOWN_HOLD_MS = 60_000;
