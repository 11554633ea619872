/**
 * What a manager sees of an order: its summary in a search list (customer, status, what is still owed) and
 * its timeline across channels — the deposit taken here, the balance charged online, refunds anywhere —
 * each step with where it happened and whether it is still waiting in this counter's queue. Read-only.
 */
import { orderBalances, type Operation, type OrderBalances } from '../../src-shared';
import {
  getCustomer,
  loadOrderState,
  operationOutboxStates,
  orderOperationsWithMethod,
  orderPayments,
  searchOrders,
  type OrderQuery,
  type OrderRecord,
  type OutboxState,
  type TenderMethod,
} from '../store';
import type { CheckoutDeps } from './context';

export type OrderStatus =
  'OPEN' | 'PARTIALLY_PAID' | 'PAID' | 'PARTIALLY_REFUNDED' | 'REFUNDED' | 'CANCELLED';

/** Pure: an order's status from its balances. */
export function orderStatus(b: OrderBalances): OrderStatus {
  const collected = b.collected.amountMinor;
  const given = b.refunded.amountMinor + b.paidOut.amountMinor + b.chargedBack.amountMinor;
  const payments = [...b.payments.values()];
  if (collected === 0) {
    return payments.length > 0 &&
      payments.every((p) => p.cancelled || p.declined) &&
      payments.some((p) => p.cancelled)
      ? 'CANCELLED'
      : 'OPEN';
  }
  if (given >= collected) return 'REFUNDED';
  // Still owed comes before partly refunded: the balance is what the counter acts on next.
  if ((b.balanceDue?.amountMinor ?? 0) > 0) return 'PARTIALLY_PAID';
  if (given > 0) return 'PARTIALLY_REFUNDED';
  return 'PAID';
}

export interface OrderSummary {
  readonly orderId: string;
  readonly kind: OrderRecord['kind'];
  readonly currency: string;
  readonly totalMinor: number | null;
  readonly customerId: string | null;
  readonly customerName: string | null;
  readonly createdAt: string;
  readonly businessDay: string;
  readonly status: OrderStatus;
  readonly balanceDueMinor: number | null;
}

export function summariseOrder(deps: CheckoutDeps, o: OrderRecord): OrderSummary {
  const state = loadOrderState(deps.db, o.orderId);
  const b = state ? orderBalances(state) : null;
  const customer = o.customerId ? getCustomer(deps.db, o.customerId) : null;
  return {
    orderId: o.orderId,
    kind: o.kind,
    currency: o.currency,
    totalMinor: o.totalMinor,
    customerId: o.customerId,
    customerName: customer?.name ?? null,
    createdAt: o.createdAt,
    businessDay: o.businessDay,
    status: b ? orderStatus(b) : 'OPEN',
    balanceDueMinor: b ? (b.balanceDue?.amountMinor ?? null) : o.totalMinor,
  };
}

export function searchOrderSummaries(deps: CheckoutDeps, q: OrderQuery): OrderSummary[] {
  return searchOrders(deps.db, q).map((o) => summariseOrder(deps, o));
}

export type TimelineKind = 'SALE' | 'DEPOSIT' | 'BALANCE' | 'REFUND' | 'VOID' | 'CHARGEBACK' | 'OTHER';
/** THIS_COUNTER, OTHER_COUNTER (another counter of the store, learnt from the core), ONLINE, BACK_OFFICE. */
export type TimelineChannel = 'THIS_COUNTER' | 'OTHER_COUNTER' | 'ONLINE' | 'BACK_OFFICE';

export interface TimelineEntry {
  readonly at: string;
  readonly kind: TimelineKind;
  readonly channel: TimelineChannel;
  readonly method: TenderMethod | null;
  readonly paymentId: string;
  readonly amountMinor: number;
  /**
   * DONE; QUEUED (recorded here, not yet with the core: a refund claim has not reached the card yet);
   * REFUSED_BY_CORE (a sync exception); DECLINED; AUTHORISED; PAYOUT; REVERSED (a chargeback reversal);
   * REBILLED.
   */
  readonly status: string;
  readonly queued: boolean;
}

export interface OrderTimeline {
  readonly order: OrderSummary;
  readonly customer: { readonly name: string; readonly contact: string | null } | null;
  readonly entries: readonly TimelineEntry[];
  readonly collectedMinor: number;
  readonly refundedMinor: number;
  readonly balanceDueMinor: number | null;
  readonly refundableMinor: number;
}

const MONEY = new Set<Operation['kind']>(['SALE', 'CAPTURE', 'REFUND', 'CANCEL']);

function channelOf(op: Operation, origin: 'LOCAL' | 'SYNC'): TimelineChannel {
  if (op.channel === 'ONLINE') return 'ONLINE';
  if (op.channel === 'BACK_OFFICE') return 'BACK_OFFICE';
  return origin === 'LOCAL' ? 'THIS_COUNTER' : 'OTHER_COUNTER';
}

/** Null when the order is unknown here. */
export function orderTimeline(deps: CheckoutDeps, orderId: string): OrderTimeline | null {
  const found = searchOrders(deps.db, { orderId, limit: 1 })[0];
  const state = found ? loadOrderState(deps.db, found.orderId) : null;
  if (!found || !state) return null;
  const b = orderBalances(state);
  const payments = new Map(orderPayments(deps.db, found.orderId).map((p) => [p.paymentId, p]));
  const outbox = operationOutboxStates(deps.db, found.orderId);
  const entries: TimelineEntry[] = [];
  let collections = 0;
  for (const { op, method, origin } of orderOperationsWithMethod(deps.db, found.orderId)) {
    if (op.kind.startsWith('TOKEN_')) continue; // card-on-file bookkeeping, not money
    const sent: OutboxState | undefined = outbox.get(op.id);
    const amount = 'amount' in op ? op.amount.amountMinor : 0;
    let kind: TimelineKind = 'OTHER';
    let status = 'DONE';
    let shownAmount = amount;
    switch (op.kind) {
      case 'SALE':
      case 'CAPTURE':
        collections++;
        kind =
          found.kind === 'SALE'
            ? 'SALE'
            : collections === 1
              ? found.kind === 'DEPOSIT'
                ? 'DEPOSIT'
                : 'SALE'
              : 'BALANCE';
        break;
      case 'REFUND':
        kind = 'REFUND';
        break;
      case 'PAYOUT':
        kind = 'REFUND';
        status = 'PAYOUT';
        break;
      case 'CANCEL':
      case 'AUTHORISATION_REVERSAL':
        kind = 'VOID';
        shownAmount = amount || (b.payments.get(op.paymentId)?.voided.amountMinor ?? 0);
        break;
      case 'CHARGEBACK':
        kind = 'CHARGEBACK';
        break;
      case 'CHARGEBACK_REVERSAL':
        kind = 'CHARGEBACK';
        status = 'REVERSED';
        break;
      case 'DECLINE':
        status = 'DECLINED';
        break;
      case 'AUTHORISATION':
        status = 'AUTHORISED';
        break;
      case 'REBILL':
        status = 'REBILLED';
        break;
      case 'TOKEN_CREATE':
      case 'TOKEN_USE':
      case 'TOKEN_DELETE':
        break;
    }
    if (sent === 'QUEUED') status = 'QUEUED';
    if (sent === 'REJECTED') status = 'REFUSED_BY_CORE';
    entries.push({
      at: op.occurredAt,
      kind,
      channel: channelOf(op, origin),
      // A refund without a recorded method went back the way the payment came (the card).
      method: method ?? (MONEY.has(op.kind) ? (payments.get(op.paymentId)?.method ?? null) : null),
      paymentId: op.paymentId,
      amountMinor: shownAmount,
      status,
      queued: sent === 'QUEUED',
    });
  }
  const customer = found.customerId ? getCustomer(deps.db, found.customerId) : null;
  // In time order: what another channel did arrives here later (pulled) than it happened.
  const sorted = entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.at.localeCompare(b.e.at) || a.i - b.i)
    .map((x) => x.e);
  return {
    order: summariseOrder(deps, found),
    customer: customer ? { name: customer.name, contact: customer.contact } : null,
    entries: sorted,
    collectedMinor: b.collected.amountMinor,
    refundedMinor: b.refunded.amountMinor + b.paidOut.amountMinor,
    balanceDueMinor: b.balanceDue?.amountMinor ?? null,
    refundableMinor: b.refundable.amountMinor,
  };
}
