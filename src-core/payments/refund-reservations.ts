/**
 * Refund reservations for card-present refunds at the counter (issue 3 "Terminal sync API"), as use cases:
 * the terminal reserves an amount on an order before it asks the card terminal to refund; the reservation
 * holds the order's refund lock (purpose RESERVATION, `reserveRefund` in counter-refunds.ts) until it is
 * confirmed with what the terminal refunded, released, or it expires (the lock then lapses on its own: any
 * channel may take it once `expires_at` has passed, judged by the database clock).
 *
 * A confirmation after expiry is still recorded, because the money has moved on the card; the ledger rules
 * still refuse anything beyond the refundable amount, and the answer says the lock was no longer held. What
 * the ledger refuses of a refund the terminal made becomes a money exception (MONEY_MOVED_NOT_RECORDED) for
 * a manager to settle in the back office: the confirmation throws `UnrecordedCounterRefund` to roll its
 * transaction back, and `moneyExceptionAfterRollback` records the exception once that has happened.
 */
import {
  domainError,
  err,
  ok,
  toDecimalString,
  type DomainError,
  type Money,
  type PaymentId,
  type Result,
  type Uuid,
} from '../../src-shared';
import { isUniqueViolation, toSafeInteger, type Queryable } from '../db/adapter';
import { moneyMovedNotRecorded, recordMoneyException, type NewMoneyException } from '../journal/exceptions';
import type { Appended } from '../ledger/append';
import type { LedgerContext } from '../ledger/context';
import { releaseRefundLock } from '../ledger/refund-lock';
import { Refused, type LedgerService } from '../ledger/service';
import { confirmReservedRefundInTx, reserveRefund } from './counter-refunds';
import {
  RESERVATION_COLUMNS,
  reservationView,
  reservedAmount,
  selectReservation,
  type RefundReservation,
  type ReservationRow,
  type ReservingTerminal,
} from './reservation-view';

export type { RefundReservation, ReservingTerminal };

const notFound = (reservationId: string) => domainError('REFUND_RESERVATION_NOT_FOUND', { reservationId });

export interface ReserveCounterRefund {
  reservationId: Uuid;
  paymentId: PaymentId;
  amount: Money;
  ttlSeconds: number;
}

/**
 * Why a reservation was refused; `step` CHECK: the ledger or the refund lock refused the amount (not
 * refundable, the order locked by another channel, the payment unknown), null: the reservation id was reused.
 */
export interface ReservationFailure {
  error: DomainError;
  step: 'CHECK' | null;
}

/** Reserves a refund; a retry with the same reservation id answers the same reservation. */
export async function reserveCounterRefund(
  ledger: LedgerService,
  terminal: ReservingTerminal,
  req: ReserveCounterRefund,
): Promise<Result<RefundReservation, ReservationFailure>> {
  const { db } = ledger;
  const same = (r: ReservationRow) =>
    r.payment_id === req.paymentId &&
    r.currency === req.amount.currency &&
    toSafeInteger(r.amount_minor, 'amount_minor') === req.amount.amountMinor;
  const seen = async (): Promise<Result<RefundReservation, ReservationFailure> | null> => {
    const existing = await db.query<ReservationRow>(
      `SELECT ${RESERVATION_COLUMNS} FROM refund_reservations WHERE id = $1`,
      [req.reservationId],
    );
    const r = existing[0];
    if (!r) return null;
    if (r.terminal_id !== terminal.terminalId || !same(r)) {
      return err({
        error: domainError('SYNC_ID_REUSED', { what: 'Reservation id', id: req.reservationId }),
        step: null,
      });
    }
    return ok(await reservationView(db, terminal, r));
  };
  const before = await seen();
  if (before) return before;
  const lock = await reserveRefund(ledger, {
    merchantId: terminal.merchantId,
    paymentId: req.paymentId,
    amount: req.amount,
    holder: `terminal:${terminal.terminalId}`,
    ttlMs: req.ttlSeconds * 1000,
    source: { channel: 'IN_STORE', terminalId: terminal.terminalId },
  });
  if (!lock.ok) return err({ error: lock.error, step: 'CHECK' });
  const l = lock.value;
  try {
    await db.query(
      `INSERT INTO refund_reservations (id, merchant_id, terminal_id, order_id, payment_id, amount_minor, currency,
         lock_id, state, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'HELD', $9, $10)`,
      [
        req.reservationId,
        terminal.merchantId,
        terminal.terminalId,
        l.orderId,
        req.paymentId,
        req.amount.amountMinor,
        req.amount.currency,
        l.lockId,
        new Date(l.acquiredAt),
        new Date(l.expiresAt),
      ],
    );
  } catch (e) {
    // The same reservation id raced in from a retry: keep the first, give this lock back.
    await releaseRefundLock(db, l);
    if (isUniqueViolation(e)) {
      const raced = await seen();
      if (raced) return raced;
    }
    throw e;
  }
  const row = await selectReservation(db, terminal, req.reservationId);
  if (!row) throw new Error(`reservation ${req.reservationId} vanished`);
  return ok(await reservationView(db, terminal, row));
}

/** A reservation of this terminal, as it stands. */
export async function findCounterRefundReservation(
  q: Queryable,
  terminal: ReservingTerminal,
  reservationId: string,
): Promise<Result<RefundReservation, DomainError>> {
  const row = await selectReservation(q, terminal, reservationId);
  return row ? ok(await reservationView(q, terminal, row)) : err(notFound(reservationId));
}

export interface ConfirmReservation {
  /** When given (a pushed REFUND message), it must be the reserved payment. */
  paymentId?: PaymentId;
  operationId: Uuid;
  amount: Money;
  occurredAt: Date;
  operatorId: string | null;
}

export interface ConfirmedReservation {
  reservation: { reservationId: string; orderId: string; paymentId: PaymentId };
  /** False when the reservation had expired (or its lock was taken over) before the confirmation. */
  reservationWasHeld: boolean;
  duplicate: boolean;
  /** The refund appended; null when this confirmation was a duplicate of one already recorded. */
  appended: Appended | null;
}

const show = (m: Money) => `${toDecimalString(m)} ${m.currency}`;

/**
 * Thrown (to roll the confirmation back) when the ledger refuses a refund the card terminal made under a
 * reservation: typically a confirmation after the reservation expired while another channel refunded. The
 * transaction's owner hands it to `moneyExceptionAfterRollback` once the transaction has rolled back.
 */
export class UnrecordedCounterRefund extends Refused {
  constructor(readonly exception: NewMoneyException) {
    super(exception.reason);
    this.name = 'UnrecordedCounterRefund';
  }
}

async function confirmInTx(
  tx: Queryable,
  ctx: LedgerContext,
  terminal: ReservingTerminal,
  reservationId: string,
  input: ConfirmReservation,
): Promise<Result<{ confirmed: ConfirmedReservation; row: ReservationRow }, DomainError>> {
  const row = await selectReservation(tx, terminal, reservationId, true);
  if (!row) return err(notFound(reservationId));
  const reservation = {
    reservationId: row.id,
    orderId: row.order_id,
    paymentId: row.payment_id as PaymentId,
  };
  if (row.state === 'CONFIRMED') {
    if (row.operation_id === input.operationId) {
      return ok({
        confirmed: { reservation, reservationWasHeld: true, duplicate: true, appended: null },
        row,
      });
    }
    return err(domainError('REFUND_RESERVATION_CLOSED', { reservationId, state: 'confirmed' }));
  }
  if (row.state === 'RELEASED') {
    return err(domainError('REFUND_RESERVATION_CLOSED', { reservationId, state: 'released' }));
  }
  if (input.paymentId && input.paymentId !== row.payment_id) {
    return err(
      domainError('SYNC_MESSAGE_INVALID', {
        messageId: input.operationId,
        reason: `reservation ${reservationId} is for payment ${row.payment_id}, not ${input.paymentId}`,
      }),
    );
  }
  const reserved = reservedAmount(row);
  if (input.amount.currency !== reserved.currency) {
    return err(
      domainError('CURRENCY_MISMATCH', { expected: reserved.currency, actual: input.amount.currency }),
    );
  }
  if (input.amount.amountMinor > reserved.amountMinor) {
    return err(
      domainError('REFUND_EXCEEDS_RESERVATION', {
        reservationId,
        amount: show(input.amount),
        reserved: show(reserved),
      }),
    );
  }
  const appended = await confirmReservedRefundInTx(tx, ctx, {
    merchantId: terminal.merchantId,
    lockId: row.lock_id as Uuid,
    paymentId: reservation.paymentId,
    amount: input.amount,
    source: {
      channel: 'IN_STORE',
      terminalId: terminal.terminalId,
      operationId: input.operationId,
      occurredAt: input.occurredAt,
      operatorId: input.operatorId,
    },
  });
  if (!appended.ok) {
    // The card terminal refunded already: the money moved, so the refusal is a money exception, never a drop.
    throw new UnrecordedCounterRefund({
      merchantId: terminal.merchantId,
      dedupeKey: `terminal-operation:${input.operationId}`,
      source: 'TERMINAL',
      kind: 'REFUND',
      orderId: reservation.orderId as Uuid,
      paymentId: reservation.paymentId,
      amount: input.amount,
      currency: input.amount.currency,
      channel: 'IN_STORE',
      terminalId: terminal.terminalId,
      journalId: null,
      operationId: input.operationId,
      reason: appended.error,
      occurredAt: input.occurredAt,
    });
  }
  // The lock row may have been taken over after expiry: deleting by lock id then freed nothing of theirs.
  const freed = appended.value.lockWasHeld;
  await tx.query(
    `UPDATE refund_reservations SET state = 'CONFIRMED', operation_id = $2, settled_at = statement_timestamp()
     WHERE id = $1`,
    [row.id, input.operationId],
  );
  return ok({
    confirmed: {
      reservation,
      reservationWasHeld: freed && !row.expired,
      duplicate: appended.value.duplicate,
      appended: appended.value,
    },
    row: { ...row, state: 'CONFIRMED', operation_id: input.operationId },
  });
}

/**
 * Records the refund the terminal made under a reservation, frees the lock and closes the reservation, in the
 * caller's transaction (a pushed REFUND message naming its reservation). A second confirmation with the same
 * operation id is a duplicate. Throws `UnrecordedCounterRefund` when the ledger refuses the refund: the caller
 * lets its transaction roll back and then calls `moneyExceptionAfterRollback`.
 */
export async function confirmReservedCounterRefundInTx(
  tx: Queryable,
  ctx: LedgerContext,
  terminal: ReservingTerminal,
  reservationId: string,
  input: ConfirmReservation,
): Promise<Result<ConfirmedReservation, DomainError>> {
  const r = await confirmInTx(tx, ctx, terminal, reservationId, input);
  return r.ok ? ok(r.value.confirmed) : r;
}

export interface WarnLog {
  warn(obj: object, msg: string): void;
}

/**
 * After a transaction that threw `e` has rolled back: when `e` is an `UnrecordedCounterRefund`, stores its
 * money exception (once per terminal operation), logs it for the manager and returns the error to answer
 * (MONEY_MOVED_NOT_RECORDED); null for any other `e`.
 */
export async function moneyExceptionAfterRollback(
  db: Queryable,
  ctx: LedgerContext,
  e: unknown,
  log: WarnLog,
): Promise<DomainError | null> {
  if (!(e instanceof UnrecordedCounterRefund)) return null;
  const stored = await recordMoneyException(db, ctx.newId(), e.exception);
  log.warn(
    {
      exceptionId: stored.id,
      terminalId: stored.terminalId,
      paymentId: stored.paymentId,
      amountMinor: stored.amount?.amountMinor ?? null,
      reason: stored.reasonCode,
    },
    'a counter refund the ledger refused: money exception recorded for a manager',
  );
  return moneyMovedNotRecorded(stored);
}

/**
 * Confirms a reservation in a transaction of its own (the confirm endpoint), answered with the reservation as
 * it now stands; a refund the ledger refuses is recorded as a money exception and answered
 * MONEY_MOVED_NOT_RECORDED.
 */
export async function confirmReservedCounterRefund(
  ledger: LedgerService,
  terminal: ReservingTerminal,
  reservationId: string,
  input: ConfirmReservation,
  log: WarnLog,
): Promise<
  Result<{ reservation: RefundReservation; reservationWasHeld: boolean; duplicate: boolean }, DomainError>
> {
  try {
    const { confirmed, row } = await ledger.db.transaction(async (tx) => {
      const r = await confirmInTx(tx, ledger.ctx, terminal, reservationId, input);
      if (!r.ok) throw new Refused(r.error);
      return r.value;
    });
    return ok({
      reservation: await reservationView(ledger.db, terminal, row),
      reservationWasHeld: confirmed.reservationWasHeld,
      duplicate: confirmed.duplicate,
    });
  } catch (e) {
    const exception = await moneyExceptionAfterRollback(ledger.db, ledger.ctx, e, log);
    if (exception) return err(exception);
    if (e instanceof Refused) return err(e.error);
    throw e;
  }
}

/** Gives the reservation up (the card terminal declined, the cashier aborted); releasing twice is fine. */
export async function releaseCounterRefundReservation(
  ledger: LedgerService,
  terminal: ReservingTerminal,
  reservationId: string,
): Promise<Result<RefundReservation, DomainError>> {
  try {
    const row = await ledger.db.transaction(async (tx) => {
      const r = await selectReservation(tx, terminal, reservationId, true);
      if (!r) throw new Refused(notFound(reservationId));
      if (r.state === 'CONFIRMED') {
        throw new Refused(domainError('REFUND_RESERVATION_CLOSED', { reservationId, state: 'confirmed' }));
      }
      if (r.state === 'HELD') {
        await tx.query(
          `UPDATE refund_reservations SET state = 'RELEASED', settled_at = statement_timestamp() WHERE id = $1`,
          [r.id],
        );
        await releaseRefundLock(tx, { lockId: r.lock_id as Uuid });
      }
      return { ...r, state: 'RELEASED' as const };
    });
    return ok(await reservationView(ledger.db, terminal, row));
  } catch (e) {
    if (e instanceof Refused) return err(e.error);
    throw e;
  }
}
