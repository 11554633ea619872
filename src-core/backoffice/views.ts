/** What the back office shows of an order, its payments and operations, built from the ledger's records. */
import { money, toMoney, type CurrencyCode, type Money, type OrderBalances } from '../../src-shared';
import {
  orderStatusFromBalances,
  type BackOfficeOperation,
  type BackOfficeOrder,
  type BackOfficePayment,
  type OrderSummary,
} from '../../src-shared/backoffice-api';
import { showAmount } from '../../src-shared/validation';
import { ApiFailure, fail } from '../routing/api-error';
import type { RefundLock } from '../ledger/refund-lock';
import type { OrderRecord, StoredOperation } from '../ledger/rows';
import type { LoadedOrder } from '../ledger/loaded-order';
import { operationFacts, orderReadModel, type PaymentView } from '../ledger/order-view';

export const operationView = (s: StoredOperation): BackOfficeOperation => operationFacts(s);

function paymentView({ payment: p, role, balances, operations }: PaymentView): BackOfficePayment {
  return {
    paymentId: p.paymentId,
    role,
    channel: p.channel,
    terminalId: p.terminalId,
    outcome: p.outcome,
    requestedMode: p.requestedMode,
    requestedAmount: p.requestedAmount,
    card: p.card
      ? {
          brand: p.card.brand,
          bin: p.card.bin,
          last4: p.card.last4,
          expiry: p.card.expiry,
          tokenId: p.card.tokenId,
        }
      : null,
    cardOnFile: p.cardOnFile,
    authorisationCode: p.authorisationCode,
    initiatedByPaymentId: p.initiatedByPaymentId,
    merchantReference: p.merchantReference,
    occurredAt: p.occurredAt,
    recordedAt: p.recordedAt,
    balances,
    operations,
  };
}

function summaryFrom(order: OrderRecord, b: OrderBalances): OrderSummary {
  return {
    orderId: order.orderId,
    status: orderStatusFromBalances(b),
    channel: order.channel,
    storeId: order.storeId,
    terminalId: order.terminalId,
    customerId: order.customerRef,
    merchantReference: order.merchantReference,
    currency: order.currency,
    total: order.total,
    amount: order.total ?? b.authorised,
    collected: b.collected,
    refundable: b.refundable,
    operationCount: order.operationCount,
    occurredAt: order.occurredAt,
    recordedAt: order.recordedAt,
    updatedAt: order.updatedAt,
  };
}

/** The whole chain: payments (in the order they were recorded), each with its operations and balances. */
export function orderView(loaded: LoadedOrder, lock: RefundLock | null): BackOfficeOrder {
  const v = orderReadModel(loaded);
  return {
    ...summaryFrom(v.order, v.balances),
    initialPaymentId: v.initialPaymentId,
    balances: v.balancesDto,
    payments: v.payments.map(paymentView),
    refundLock: lock
      ? {
          holder: lock.holder,
          channel: lock.channel,
          purpose: lock.purpose,
          paymentId: lock.paymentId,
          amountMinor: lock.amountMinor,
          acquiredAt: lock.acquiredAt,
          expiresAt: lock.expiresAt,
        }
      : null,
  };
}

/** Request money → Money, with the catalog's precise code for each way it can be wrong. */
export function moneyFromRequest(m: { amountMinor: number; currency: string }, path: string): Money {
  const r = toMoney(m.amountMinor, m.currency);
  if (!r.ok) {
    throw new ApiFailure(
      r.error,
      r.error.code === 'UNKNOWN_CURRENCY' ? `${path}.currency` : `${path}.amountMinor`,
    );
  }
  if (r.value.amountMinor <= 0) {
    throw fail(
      'AMOUNT_NOT_POSITIVE',
      { amount: showAmount(r.value.amountMinor, r.value.currency) },
      `${path}.amountMinor`,
    );
  }
  return r.value;
}

/** A bare amount in minor units of the order's currency. */
export function amountFromRequest(amountMinor: number, currency: CurrencyCode, path: string): Money {
  if (!Number.isSafeInteger(amountMinor)) {
    throw fail('AMOUNT_NOT_SAFE_INTEGER', { amount: amountMinor }, path);
  }
  if (amountMinor <= 0)
    throw fail('AMOUNT_NOT_POSITIVE', { amount: showAmount(amountMinor, currency) }, path);
  return money(amountMinor, currency);
}
