/**
 * Card transactions on the terminal. The row is written (and committed) before the first byte goes to the
 * terminal; a unique index allows at most one unresolved attempt (IN_FLIGHT or PARKED), so the counter can
 * never start a second charge while the outcome of the first is unknown.
 */
import type { CurrencyCode, PaymentId } from '../../src-shared';
import type { StoreDb } from './db';

export type AttemptKind = 'PAYMENT' | 'REVERSAL' | 'REFUND';
export type AttemptState = 'IN_FLIGHT' | 'APPROVED' | 'DECLINED' | 'NOT_CHARGED' | 'PARKED';

export interface AttemptRecord<I = Record<string, unknown>> {
  readonly attemptId: string;
  readonly kind: AttemptKind;
  readonly orderId: string;
  readonly paymentId: PaymentId;
  readonly amountMinor: number;
  readonly currency: CurrencyCode;
  readonly state: AttemptState;
  /** The terminal's last booked receipt before the command: null none, undefined unknown. */
  readonly baselineReceipt: string | null | undefined;
  readonly intent: I;
  readonly result: Record<string, unknown> | null;
  readonly errorCode: string | null;
  readonly operatorId: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

interface AttemptRow {
  attempt_id: string;
  kind: string;
  order_id: string;
  payment_id: string;
  amount_minor: number;
  currency: string;
  state: string;
  baseline_receipt: string | null;
  intent: string;
  result: string | null;
  error_code: string | null;
  operator_id: string | null;
  created_at: string;
  updated_at: string;
}

const UNKNOWN_BASELINE = '?';

export const rowToAttempt = (r: AttemptRow): AttemptRecord => ({
  attemptId: r.attempt_id,
  kind: r.kind as AttemptKind,
  orderId: r.order_id,
  paymentId: r.payment_id as PaymentId,
  amountMinor: r.amount_minor,
  currency: r.currency as CurrencyCode,
  state: r.state as AttemptState,
  baselineReceipt: r.baseline_receipt === UNKNOWN_BASELINE ? undefined : r.baseline_receipt,
  intent: JSON.parse(r.intent) as Record<string, unknown>,
  result: r.result === null ? null : (JSON.parse(r.result) as Record<string, unknown>),
  errorCode: r.error_code,
  operatorId: r.operator_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const attemptToRow = (a: AttemptRecord): AttemptRow => ({
  attempt_id: a.attemptId,
  kind: a.kind,
  order_id: a.orderId,
  payment_id: a.paymentId,
  amount_minor: a.amountMinor,
  currency: a.currency,
  state: a.state,
  baseline_receipt: a.baselineReceipt === undefined ? UNKNOWN_BASELINE : a.baselineReceipt,
  intent: JSON.stringify(a.intent),
  result: a.result === null ? null : JSON.stringify(a.result),
  error_code: a.errorCode,
  operator_id: a.operatorId,
  created_at: a.createdAt,
  updated_at: a.updatedAt,
});

export function insertAttempt(db: StoreDb, a: AttemptRecord): void {
  db.prepare(
    `INSERT INTO payment_attempts (attempt_id, kind, order_id, payment_id, amount_minor, currency, state,
         baseline_receipt, intent, result, error_code, operator_id, created_at, updated_at)
       VALUES (@attempt_id, @kind, @order_id, @payment_id, @amount_minor, @currency, @state,
         @baseline_receipt, @intent, @result, @error_code, @operator_id, @created_at, @updated_at)`,
  ).run(attemptToRow(a));
}

export function finishAttempt(
  db: StoreDb,
  attemptId: string,
  state: AttemptState,
  result: Record<string, unknown> | null,
  errorCode: string | null,
  at: Date,
): void {
  db.prepare(
    `UPDATE payment_attempts SET state = ?, result = ?, error_code = ?, updated_at = ?
       WHERE attempt_id = ? AND state IN ('IN_FLIGHT', 'PARKED')`,
  ).run(state, result === null ? null : JSON.stringify(result), errorCode, at.toISOString(), attemptId);
}

/** The one attempt whose outcome is not known yet (in flight at a crash, or parked for a manager). */
export function unresolvedAttempt(db: StoreDb): AttemptRecord | null {
  const r = db
    .prepare(`SELECT * FROM payment_attempts WHERE state IN ('IN_FLIGHT', 'PARKED') LIMIT 1`)
    .get() as AttemptRow | undefined;
  return r ? rowToAttempt(r) : null;
}

export function getAttempt(db: StoreDb, attemptId: string): AttemptRecord | null {
  const r = db.prepare('SELECT * FROM payment_attempts WHERE attempt_id = ?').get(attemptId) as
    AttemptRow | undefined;
  return r ? rowToAttempt(r) : null;
}

export function attemptsOfOrder(db: StoreDb, orderId: string): AttemptRecord[] {
  return (
    db
      .prepare('SELECT * FROM payment_attempts WHERE order_id = ? ORDER BY created_at')
      .all(orderId) as AttemptRow[]
  ).map(rowToAttempt);
}
