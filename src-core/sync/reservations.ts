/**
 * Refund reservations for card-present refunds at the counter (issue 3 "Terminal sync API"): the terminal
 * reserves an amount on an order before it asks the card terminal to refund; the reservation holds the order's
 * refund lock (purpose RESERVATION) until it is confirmed with what the terminal refunded, released, or it
 * expires (the lock then lapses on its own: any channel may take it once `expires_at` has passed, judged by
 * the database clock).
 *
 * A confirmation after expiry is still recorded, because the money has moved on the card; the ledger rules
 * still refuse anything beyond the refundable amount, and the answer says the lock was no longer held. What
 * the ledger refuses of a refund the terminal made becomes a money exception (MONEY_MOVED_NOT_RECORDED) for
 * a manager to settle in the back office.
 */
import {
  domainError,
  err,
  money,
  ok,
  orderBalances,
  toDecimalString,
  type CurrencyCode,
  type DomainError,
  type Money,
  type PaymentId,
  type Result,
  type Uuid,
} from '../../src-shared';
import type { Reservation } from '../../src-shared/sync-protocol';
import type { Terminal } from '../accounts/accounts';
import { isUniqueViolation, toIso, toSafeInteger, type Queryable } from '../db/adapter';
import { ApiFailure, fail } from '../routing/api-error';
import { moneyMovedNotRecorded, recordMoneyException, type NewMoneyException } from '../journal/exceptions';
import type { LedgerContext } from '../ledger/context';
import { releaseRefundLock } from '../ledger/refund-lock';
import { confirmReservedRefundInTx, reserveRefund } from '../payments/counter-refunds';
import type { Appended } from '../ledger/append';
import { loadOrderInTx } from '../ledger/loaded-order';
import { Refused, type LedgerService } from '../ledger/service';

interface ReservationRow {
  id: string;
  terminal_id: string;
  order_id: string;
  payment_id: string;
  amount_minor: string | number;
  currency: string;
  lock_id: string;
  state: 'HELD' | 'CONFIRMED' | 'RELEASED';
  operation_id: string | null;
  created_at: Date | string;
  expires_at: Date | string;
  /** Computed with the database clock, the one the refund lock expires by. */
  expired: boolean;
}

const COLUMNS =
  'id, terminal_id, order_id, payment_id, amount_minor, currency, lock_id, state, operation_id, created_at, ' +
  'expires_at, (expires_at <= statement_timestamp()) AS expired';

async function selectReservation(
  q: Queryable,
  terminal: Terminal,
  reservationId: string,
  forUpdate = false,
): Promise<ReservationRow | null> {
  const rows = await q.query<ReservationRow>(
    `SELECT ${COLUMNS} FROM refund_reservations WHERE id = $1 AND merchant_id = $2 AND terminal_id = $3
     ${forUpdate ? 'FOR UPDATE' : ''}`,
    [reservationId, terminal.merchantId, terminal.terminalId],
  );
  return rows[0] ?? null;
}

const reservedAmount = (r: ReservationRow): Money =>
  money(toSafeInteger(r.amount_minor, 'refund_reservations.amount_minor'), r.currency as CurrencyCode);

const stateOf = (r: ReservationRow) => (r.state === 'HELD' && r.expired ? 'EXPIRED' : r.state);

async function view(q: Queryable, terminal: Terminal, r: ReservationRow): Promise<Reservation> {
  const loaded = await loadOrderInTx(q, terminal.merchantId, r.order_id);
  const refundable = loaded
    ? orderBalances(loaded.state).payments.get(r.payment_id as PaymentId)?.refundable
    : undefined;
  return {
    reservationId: r.id,
    orderId: r.order_id,
    paymentId: r.payment_id,
    amount: reservedAmount(r),
    state: stateOf(r),
    createdAt: toIso(r.created_at, 'created_at'),
    expiresAt: toIso(r.expires_at, 'expires_at'),
    operationId: r.operation_id,
    refundable: refundable ?? money(0, r.currency),
  };
}

export interface ReserveInput {
  reservationId: Uuid;
  paymentId: PaymentId;
  amount: Money;
  ttlSeconds: number;
}

/** Reserves a refund; a retry with the same reservation id answers the same reservation. */
export async function reserve(ledger: LedgerService, terminal: Terminal, req: ReserveInput) {
  const { db } = ledger;
  const same = (r: ReservationRow) =>
    r.payment_id === req.paymentId &&
    r.currency === req.amount.currency &&
    toSafeInteger(r.amount_minor, 'amount_minor') === req.amount.amountMinor;
  const seen = async () => {
    const existing = await db.query<ReservationRow & { merchant_id: string }>(
      `SELECT ${COLUMNS}, merchant_id FROM refund_reservations WHERE id = $1`,
      [req.reservationId],
    );
    const r = existing[0];
    if (!r) return null;
    if (r.terminal_id !== terminal.terminalId || !same(r)) {
      throw fail('SYNC_ID_REUSED', { what: 'Reservation id', id: req.reservationId });
    }
    return view(db, terminal, r);
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
  if (!lock.ok) throw new ApiFailure(lock.error, 'body.amount.amountMinor');
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
  return view(db, terminal, row);
}

export async function getReservation(q: Queryable, terminal: Terminal, reservationId: string) {
  const row = await selectReservation(q, terminal, reservationId);
  if (!row) throw fail('REFUND_RESERVATION_NOT_FOUND', { reservationId });
  return view(q, terminal, row);
}

export interface ConfirmInput {
  /** When given (a pushed REFUND message), it must be the reserved payment. */
  paymentId?: PaymentId;
  operationId: Uuid;
  amount: Money;
  occurredAt: Date;
  operatorId: string | null;
}

export interface Confirmed {
  reservation: { reservationId: string; orderId: string; paymentId: PaymentId };
  row: ReservationRow;
  reservationWasHeld: boolean;
  duplicate: boolean;
  appended: Appended | null;
}

const show = (m: Money) => `${toDecimalString(m)} ${m.currency}`;

/**
 * Records the refund the terminal made under a reservation, frees the lock and closes the reservation, in the
 * caller's transaction. A second confirmation with the same operation id is a duplicate.
 */
export async function confirmReservationInTx(
  tx: Queryable,
  ctx: LedgerContext,
  terminal: Terminal,
  reservationId: string,
  input: ConfirmInput,
): Promise<Result<Confirmed, DomainError>> {
  const row = await selectReservation(tx, terminal, reservationId, true);
  if (!row) return err(domainError('REFUND_RESERVATION_NOT_FOUND', { reservationId }));
  const reservation = {
    reservationId: row.id,
    orderId: row.order_id,
    paymentId: row.payment_id as PaymentId,
  };
  if (row.state === 'CONFIRMED') {
    if (row.operation_id === input.operationId) {
      return ok({ reservation, row, reservationWasHeld: true, duplicate: true, appended: null });
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
    reservation,
    row: { ...row, state: 'CONFIRMED', operation_id: input.operationId },
    reservationWasHeld: freed && !row.expired,
    duplicate: appended.value.duplicate,
    appended: appended.value,
  });
}

/**
 * Thrown (to roll the confirmation back) when the ledger refuses a refund the card terminal made under a
 * reservation: typically a confirmation after the reservation expired while another channel refunded. The
 * caller records the money exception after the rollback (`recordCounterRefundException`).
 */
export class UnrecordedCounterRefund extends Refused {
  constructor(readonly exception: NewMoneyException) {
    super(exception.reason);
    this.name = 'UnrecordedCounterRefund';
  }
}

/** Stores the money exception (once per terminal operation) and returns the error the terminal is answered. */
export async function recordCounterRefundException(
  db: Queryable,
  ctx: LedgerContext,
  refused: UnrecordedCounterRefund,
  log: { warn(obj: object, msg: string): void },
): Promise<DomainError> {
  const stored = await recordMoneyException(db, ctx.newId(), refused.exception);
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

/** The confirm endpoint: one transaction, answered with the reservation as it now stands. */
export async function confirmReservation(
  ledger: LedgerService,
  terminal: Terminal,
  reservationId: string,
  input: ConfirmInput,
  log: { warn(obj: object, msg: string): void },
) {
  try {
    const confirmed = await ledger.db.transaction(async (tx) => {
      const r = await confirmReservationInTx(tx, ledger.ctx, terminal, reservationId, input);
      if (!r.ok) throw new Refused(r.error);
      return r.value;
    });
    return {
      reservation: await view(ledger.db, terminal, confirmed.row),
      reservationWasHeld: confirmed.reservationWasHeld,
      duplicate: confirmed.duplicate,
    };
  } catch (e) {
    if (e instanceof UnrecordedCounterRefund) {
      throw new ApiFailure(await recordCounterRefundException(ledger.db, ledger.ctx, e, log));
    }
    if (e instanceof Refused) throw new ApiFailure(e.error);
    throw e;
  }
}

/** Gives the reservation up (the card terminal declined, the cashier aborted); releasing twice is fine. */
export async function releaseReservation(ledger: LedgerService, terminal: Terminal, reservationId: string) {
  const row = await ledger.db.transaction(async (tx) => {
    const r = await selectReservation(tx, terminal, reservationId, true);
    if (!r) throw fail('REFUND_RESERVATION_NOT_FOUND', { reservationId });
    if (r.state === 'CONFIRMED') {
      throw fail('REFUND_RESERVATION_CLOSED', { reservationId, state: 'confirmed' });
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
  return view(ledger.db, terminal, row);
}
