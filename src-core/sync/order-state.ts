/**
 * Order state for a terminal (`GET /sync/v1/orders/{orderId}`, `GET /sync/v1/payments/{paymentId}/order`):
 * one order of the terminal's store as the ledger has it — payments, every channel's operations, balances,
 * refunds by channel and the refund lock — so a counter reconciles and shows what is refundable with its own
 * key instead of a merchant's back-office key.
 *
 * Scope: the terminal's merchant (the ledger's loaders take it) **and** store. An order of another store, or
 * of another merchant, is answered exactly like one that does not exist (ORDER_NOT_FOUND /
 * PAYMENT_NOT_FOUND): a terminal learns nothing about orders outside its store, not even that they exist.
 *
 * The facts and balances are the back office's: both build on the read model of src-core/ledger/order-view.ts
 * and pick their wire shapes from it. The test compares the two answers for the same orders.
 */
import type { Channel, Money } from '../../src-shared';
import type { SyncOrderState } from '../../src-shared/sync-protocol';
import type { Terminal } from '../accounts/accounts';
import type { Queryable } from '../db/adapter';
import { currentRefundLock } from '../payments/refund-lock';
import { loadOrderInTx, loadOrderOfPaymentInTx, type LoadedOrder } from '../ledger/loaded-order';
import { orderReadModel, type OperationFacts } from '../ledger/order-view';
import { fail } from '../routing/api-error';

const CHANNEL_ORDER: readonly Channel[] = ['IN_STORE', 'ONLINE', 'BACK_OFFICE'];

/** An operation as a terminal sees it: the back office's facts without order, store and token ids. */
const operationView = (f: OperationFacts) => ({
  operationId: f.operationId,
  paymentId: f.paymentId,
  orderSeq: f.orderSeq,
  paymentSeq: f.paymentSeq,
  kind: f.kind,
  amount: f.amount,
  mode: f.mode,
  isFinal: f.isFinal,
  reason: f.reason,
  channel: f.channel,
  terminalId: f.terminalId,
  operatorId: f.operatorId,
  merchantReference: f.merchantReference,
  occurredAt: f.occurredAt,
  recordedAt: f.recordedAt,
});

/** Refunds and payouts summed per channel of the operation that gave the money back. */
function refundsByChannel(loaded: LoadedOrder): SyncOrderState['refundsByChannel'] {
  const currency = loaded.order.currency;
  const sums = new Map<Channel, { refunded: number; paidOut: number }>();
  for (const s of loaded.operations) {
    const op = s.operation;
    if (op.kind !== 'REFUND' && op.kind !== 'PAYOUT') continue;
    const sum = sums.get(op.channel) ?? { refunded: 0, paidOut: 0 };
    if (op.kind === 'REFUND') sum.refunded += op.amount.amountMinor;
    else sum.paidOut += op.amount.amountMinor;
    sums.set(op.channel, sum);
  }
  const m = (amountMinor: number): Money => ({ amountMinor, currency }) as Money;
  return CHANNEL_ORDER.filter((c) => sums.has(c)).map((channel) => {
    const sum = sums.get(channel)!;
    return { channel, refunded: m(sum.refunded), paidOut: m(sum.paidOut) };
  });
}

export function orderStateView(
  loaded: LoadedOrder,
  storeId: string,
  refundLockedUntil: string | null,
): SyncOrderState {
  const v = orderReadModel(loaded);
  const o = v.order;
  return {
    orderId: o.orderId,
    storeId,
    status: v.status,
    channel: o.channel,
    terminalId: o.terminalId,
    customerRef: o.customerRef,
    merchantReference: o.merchantReference,
    currency: o.currency,
    total: o.total,
    operationCount: o.operationCount,
    occurredAt: o.occurredAt,
    recordedAt: o.recordedAt,
    updatedAt: o.updatedAt,
    initialPaymentId: v.initialPaymentId,
    balances: v.balancesDto,
    payments: v.payments.map(({ payment: p, role, balances, operations }) => ({
      paymentId: p.paymentId,
      role,
      channel: p.channel,
      terminalId: p.terminalId,
      outcome: p.outcome,
      card: p.card ? { brand: p.card.brand, last4: p.card.last4 } : null,
      cardOnFile: p.cardOnFile,
      occurredAt: p.occurredAt,
      recordedAt: p.recordedAt,
      balances,
      operations: operations.map(operationView),
    })),
    refundsByChannel: refundsByChannel(loaded),
    refundLockedUntil,
  };
}

async function answer(q: Queryable, terminal: Terminal, loaded: LoadedOrder | null) {
  // Another store's order is not this terminal's to read: the same answer as no order at all.
  if (!loaded || loaded.order.storeId !== terminal.storeId) return null;
  const lock = await currentRefundLock(q, loaded.order.orderId);
  return orderStateView(loaded, terminal.storeId, lock?.expiresAt ?? null);
}

/** The order of the terminal's store with this id; ORDER_NOT_FOUND otherwise. */
export async function orderStateById(
  q: Queryable,
  terminal: Terminal,
  orderId: string,
): Promise<SyncOrderState> {
  const view = await answer(q, terminal, await loadOrderInTx(q, terminal.merchantId, orderId));
  if (!view) throw fail('ORDER_NOT_FOUND', { orderId });
  return view;
}

/** The order of the terminal's store holding this payment; PAYMENT_NOT_FOUND otherwise. */
export async function orderStateByPayment(
  q: Queryable,
  terminal: Terminal,
  paymentId: string,
): Promise<SyncOrderState> {
  const view = await answer(q, terminal, await loadOrderOfPaymentInTx(q, terminal.merchantId, paymentId));
  if (!view) throw fail('PAYMENT_NOT_FOUND', { paymentId });
  return view;
}
