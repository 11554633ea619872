/**
 * What can be refunded on an order, per payment and tender, including what other channels refunded (from
 * the pulled change feed), and the offline cash cap: what this counter itself collected on the order minus
 * what it gave back. Pure over the rows the store returns.
 */
import { orderBalances, type Channel, type OrderState, type PaymentId } from '../../src-shared';
import type { Origin, PaymentRecord, TenderMethod } from '../store';
import type { Operation } from '../../src-shared';

export interface RefundablePayment {
  readonly paymentId: PaymentId;
  readonly method: TenderMethod | null;
  readonly channel: Channel;
  readonly collectedHere: boolean;
  readonly cardLast4: string | null;
  readonly status: string;
  readonly collectedMinor: number;
  readonly refundedMinor: number;
  /** Refunds made by other channels or counters (learnt from the core's change feed). */
  readonly refundedElsewhereMinor: number;
  readonly refundableMinor: number;
}

export interface RefundableView {
  readonly orderId: string;
  readonly currency: string;
  readonly totalMinor: number | null;
  readonly collectedMinor: number;
  readonly refundedMinor: number;
  readonly refundableMinor: number;
  readonly balanceDueMinor: number | null;
  /** Offline, a cash refund may take at most this (what this counter collected and did not give back). */
  readonly offlineCashCapMinor: number;
  readonly payments: readonly RefundablePayment[];
}

export function refundableView(
  state: OrderState,
  payments: readonly PaymentRecord[],
  ops: readonly { op: Operation; method: TenderMethod | null; origin: Origin }[],
): RefundableView {
  const b = orderBalances(state);
  const byId = new Map(payments.map((p) => [p.paymentId, p]));
  const elsewhere = new Map<string, number>();
  let collectedHere = 0;
  let refundedHere = 0;
  for (const { op, origin } of ops) {
    const amount = 'amount' in op ? op.amount.amountMinor : 0;
    if (origin === 'SYNC' && (op.kind === 'REFUND' || op.kind === 'PAYOUT')) {
      elsewhere.set(op.paymentId, (elsewhere.get(op.paymentId) ?? 0) + amount);
    }
    if (origin !== 'LOCAL') continue;
    if (op.kind === 'SALE' || op.kind === 'CAPTURE') collectedHere += amount;
    if (op.kind === 'REFUND') refundedHere += amount;
    if (op.kind === 'CANCEL') {
      const pb = b.payments.get(op.paymentId);
      collectedHere -= pb?.voided.amountMinor ?? 0;
    }
  }
  const list: RefundablePayment[] = [...b.payments].map(([paymentId, pb]) => {
    const rec = byId.get(paymentId);
    return {
      paymentId,
      method: rec?.method ?? null,
      channel: rec?.channel ?? 'IN_STORE',
      collectedHere: rec?.collectedHere ?? false,
      cardLast4: rec?.cardLast4 ?? null,
      status: pb.status,
      collectedMinor: pb.collected.amountMinor,
      refundedMinor: pb.refunded.amountMinor,
      refundedElsewhereMinor: elsewhere.get(paymentId) ?? 0,
      refundableMinor: pb.refundable.amountMinor,
    };
  });
  return {
    orderId: state.orderId,
    currency: state.currency,
    totalMinor: state.total?.amountMinor ?? null,
    collectedMinor: b.collected.amountMinor,
    refundedMinor: b.refunded.amountMinor,
    refundableMinor: b.refundable.amountMinor,
    balanceDueMinor: b.balanceDue?.amountMinor ?? null,
    offlineCashCapMinor: Math.max(0, Math.min(collectedHere - refundedHere, b.refundable.amountMinor)),
    payments: list,
  };
}
