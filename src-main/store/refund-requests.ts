/** Refunds waiting for a manager's approval or for the core (an offline refund claim with its reference). */
import type { CurrencyCode, PaymentId } from '../../src-shared';
import type { StoreDb } from './db';

export type RefundMethod = 'CORE_CARD' | 'TERMINAL_CARD' | 'CASH';
export type RefundRequestState = 'AWAITING_APPROVAL' | 'APPROVED' | 'CLAIM_QUEUED' | 'DONE' | 'REJECTED';

export interface RefundRequestRecord {
  readonly requestId: string;
  /** What the customer gets on paper to follow the refund up. */
  readonly reference: string;
  readonly orderId: string;
  readonly paymentId: PaymentId;
  readonly amountMinor: number;
  readonly currency: CurrencyCode;
  readonly method: RefundMethod;
  readonly reason: string;
  readonly requestedBy: string;
  readonly approvedBy: string | null;
  readonly state: RefundRequestState;
  readonly messageId: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

interface Row {
  request_id: string;
  reference: string;
  order_id: string;
  payment_id: string;
  amount_minor: number;
  currency: string;
  method: string;
  reason: string;
  requested_by: string;
  approved_by: string | null;
  state: string;
  message_id: string | null;
  created_at: string;
  updated_at: string;
}

export const rowToRefundRequest = (r: Row): RefundRequestRecord => ({
  requestId: r.request_id,
  reference: r.reference,
  orderId: r.order_id,
  paymentId: r.payment_id as PaymentId,
  amountMinor: r.amount_minor,
  currency: r.currency as CurrencyCode,
  method: r.method as RefundMethod,
  reason: r.reason,
  requestedBy: r.requested_by,
  approvedBy: r.approved_by,
  state: r.state as RefundRequestState,
  messageId: r.message_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const refundRequestToRow = (q: RefundRequestRecord): Row => ({
  request_id: q.requestId,
  reference: q.reference,
  order_id: q.orderId,
  payment_id: q.paymentId,
  amount_minor: q.amountMinor,
  currency: q.currency,
  method: q.method,
  reason: q.reason,
  requested_by: q.requestedBy,
  approved_by: q.approvedBy,
  state: q.state,
  message_id: q.messageId,
  created_at: q.createdAt,
  updated_at: q.updatedAt,
});

export function insertRefundRequest(db: StoreDb, q: RefundRequestRecord): void {
  db.prepare(
    `INSERT INTO refund_requests (request_id, reference, order_id, payment_id, amount_minor, currency, method,
         reason, requested_by, approved_by, state, message_id, created_at, updated_at)
       VALUES (@request_id, @reference, @order_id, @payment_id, @amount_minor, @currency, @method, @reason,
         @requested_by, @approved_by, @state, @message_id, @created_at, @updated_at)`,
  ).run(refundRequestToRow(q));
}

export function getRefundRequest(db: StoreDb, requestId: string): RefundRequestRecord | null {
  const r = db.prepare('SELECT * FROM refund_requests WHERE request_id = ?').get(requestId) as
    Row | undefined;
  return r ? rowToRefundRequest(r) : null;
}

export function updateRefundRequest(
  db: StoreDb,
  requestId: string,
  change: { state: RefundRequestState; approvedBy?: string | null; messageId?: string | null },
  at: Date,
): void {
  db.prepare(
    `UPDATE refund_requests SET state = ?, approved_by = COALESCE(?, approved_by),
         message_id = COALESCE(?, message_id), updated_at = ? WHERE request_id = ?`,
  ).run(change.state, change.approvedBy ?? null, change.messageId ?? null, at.toISOString(), requestId);
}

export function refundRequestsOfOrder(db: StoreDb, orderId: string): RefundRequestRecord[] {
  return (
    db.prepare('SELECT * FROM refund_requests WHERE order_id = ? ORDER BY created_at').all(orderId) as Row[]
  ).map(rowToRefundRequest);
}
