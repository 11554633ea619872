/**
 * Response bodies of the online API (reference §9), built from the ledger's records and derived balances, in
 * the types of their contracts (`src-shared/online-api.ts`), and wire amounts → Money with the catalog's
 * precise codes.
 */
import {
  applyOperation,
  domainError,
  isCurrencyCode,
  operationOf,
  orderBalances,
  type Money,
  type OrderState,
  type PaymentId,
  type Uuid,
} from '../../src-shared';
import type {
  AmountOfMoney,
  CaptureResponse,
  OperationOutput,
  PaymentResponse,
  PayoutResponse,
  RefundResponse,
} from '../../src-shared/online-api';
import { showAmount } from '../../src-shared/validation';
import type { LoadedOrder } from '../ledger/loaded-order';
import type { PaymentRecord, StoredOperation } from '../ledger/rows';
import { apiErrorItem, ApiFailure, fail } from '../routing/api-error';
import {
  ACCOUNT_CREDITED,
  CAPTURED,
  operationWireStatus,
  paymentWireStatus,
  REFUNDED,
  statusDateTime,
} from './status';

export const wireMoney = (m: Money): AmountOfMoney => ({ amount: m.amountMinor, currencyCode: m.currency });

/**
 * Ids of maintenance operations: `<paymentId>_<n>`, n the operation's number within its payment (the
 * classic Direct `<PAYID>_<n>` shape, reference §7); the opening operation's id is the payment id itself.
 */
export function operationWireId(s: StoredOperation): string {
  return s.paymentSeq === 0 ? s.operation.paymentId : `${s.operation.paymentId}_${s.paymentSeq}`;
}

export function parseOperationWireId(id: string): { paymentId: string; paymentSeq: number } | null {
  const m = /^(\d{19})_(\d{1,9})$/.exec(id);
  return m ? { paymentId: m[1]!, paymentSeq: Number(m[2]) } : null;
}

/** `{amount, currencyCode}` → Money, with the catalog's precise code for each way it can be wrong. */
export function moneyFromWire(w: { amount: number; currencyCode: string }, path: string): Money {
  if (!Number.isSafeInteger(w.amount)) {
    throw fail('AMOUNT_NOT_SAFE_INTEGER', { amount: w.amount }, `${path}.amount`);
  }
  if (!isCurrencyCode(w.currencyCode)) {
    throw fail('UNKNOWN_CURRENCY', { currency: w.currencyCode }, `${path}.currencyCode`);
  }
  if (w.amount <= 0) {
    throw fail('AMOUNT_NOT_POSITIVE', { amount: showAmount(w.amount, w.currencyCode) }, `${path}.amount`);
  }
  return { amountMinor: w.amount, currency: w.currencyCode };
}

/** A bare integer amount (capture, reference §8.4) in the order's currency; `path` names the field itself. */
export function amountFromWire(amount: number, currency: Money['currency'], path: string): Money {
  if (!Number.isSafeInteger(amount)) throw fail('AMOUNT_NOT_SAFE_INTEGER', { amount }, path);
  if (amount <= 0) throw fail('AMOUNT_NOT_POSITIVE', { amount: showAmount(amount, currency) }, path);
  return { amountMinor: amount, currency };
}

const maskedCardNumber = (last4: string) => `************${last4}`;

function isCancellable(loaded: LoadedOrder, paymentId: PaymentId): boolean {
  const probe = operationOf(
    { kind: 'CANCEL' },
    {
      id: '00000000-0000-7000-8000-000000000000' as Uuid,
      paymentId,
      channel: 'ONLINE',
      occurredAt: new Date(0).toISOString(),
    },
  );
  return applyOperation(loaded.state, probe).ok;
}

export function paymentResponse(loaded: LoadedOrder, payment: PaymentRecord): PaymentResponse {
  const b = orderBalances(loaded.state).payments.get(payment.paymentId);
  const ws = paymentWireStatus(payment, b);
  const ops = loaded.operations.filter((s) => s.operation.paymentId === payment.paymentId);
  const last = ops.at(-1);
  const decline = ops.find((s) => s.operation.kind === 'DECLINE')?.operation;
  const errors =
    payment.outcome === 'UNKNOWN'
      ? [apiErrorItem(domainError('ACQUIRER_TIMEOUT'))]
      : decline && decline.kind === 'DECLINE'
        ? [apiErrorItem(domainError(decline.reason, { reason: 'declined' }))]
        : [];
  const collected = b?.collected ?? { ...payment.requestedAmount, amountMinor: 0 };
  const card = payment.card;
  return {
    id: payment.paymentId,
    status: ws.status,
    statusOutput: {
      statusCode: ws.statusCode,
      statusCategory: ws.statusCategory,
      isAuthorized: ws.status === 'PENDING_CAPTURE' || ws.status === 'CAPTURED',
      isCancellable: b ? isCancellable(loaded, payment.paymentId) : false,
      isRefundable: (b?.refundable.amountMinor ?? 0) > 0,
      statusCodeChangeDateTime: statusDateTime(last?.recordedAt ?? payment.recordedAt),
      errors,
    },
    paymentOutput: {
      amountOfMoney: wireMoney(payment.requestedAmount),
      acquiredAmount: wireMoney(collected),
      amountPaid: collected.amountMinor,
      references: payment.merchantReference ? { merchantReference: payment.merchantReference } : {},
      paymentMethod: 'card',
      ...(loaded.order.customerRef ? { customer: { merchantCustomerId: loaded.order.customerRef } } : {}),
      cardPaymentMethodSpecificOutput: {
        paymentProductId: card?.paymentProductId ?? undefined,
        authorisationCode: payment.authorisationCode ?? undefined,
        token: card?.tokenId ?? undefined,
        card: card
          ? {
              cardNumber: maskedCardNumber(card.last4),
              expiryDate: card.expiry ?? undefined,
              bin: card.bin ?? undefined,
            }
          : undefined,
      },
    },
  };
}

export function operationOutput(s: StoredOperation): OperationOutput {
  const ws = operationWireStatus(s.operation.kind);
  const amount = 'amount' in s.operation ? wireMoney(s.operation.amount) : undefined;
  return {
    id: operationWireId(s),
    status: ws.status,
    statusOutput: {
      statusCode: ws.statusCode,
      statusCategory: ws.statusCategory,
      statusCodeChangeDateTime: statusDateTime(s.recordedAt),
    },
    amountOfMoney: amount,
    paymentMethod: 'card',
    operationReferences: s.merchantReference ? { merchantReference: s.merchantReference } : {},
  };
}

function totals(state: OrderState, paymentId: PaymentId) {
  const b = orderBalances(state).payments.get(paymentId);
  return {
    totalAmountPaid: b?.collected.amountMinor ?? 0,
    totalAmountRefunded: b?.refunded.amountMinor ?? 0,
  };
}

export function refundResponse(state: OrderState, s: StoredOperation): RefundResponse {
  const amount = 'amount' in s.operation ? s.operation.amount : null;
  return {
    id: operationWireId(s),
    status: REFUNDED.status,
    statusOutput: {
      statusCode: REFUNDED.statusCode,
      statusCategory: REFUNDED.statusCategory,
      isCancellable: false,
      statusCodeChangeDateTime: statusDateTime(s.recordedAt),
    },
    refundOutput: {
      amountOfMoney: amount ? wireMoney(amount) : undefined,
      amountPaid: amount?.amountMinor,
      paymentMethod: 'card',
      operationReferences: s.merchantReference ? { merchantReference: s.merchantReference } : {},
      cardRefundMethodSpecificOutput: totals(state, s.operation.paymentId),
    },
  };
}

export function captureResponse(s: StoredOperation): CaptureResponse {
  const amount = 'amount' in s.operation ? s.operation.amount : null;
  return {
    id: operationWireId(s),
    status: CAPTURED.status,
    statusOutput: { statusCode: CAPTURED.statusCode },
    captureOutput: {
      amountOfMoney: amount ? wireMoney(amount) : undefined,
      acquiredAmount: amount ? wireMoney(amount) : undefined,
      amountPaid: amount?.amountMinor,
      paymentMethod: 'card',
      operationReferences: s.merchantReference ? { merchantReference: s.merchantReference } : {},
    },
  };
}

export function payoutResponse(s: StoredOperation): PayoutResponse {
  const amount = 'amount' in s.operation ? s.operation.amount : null;
  return {
    id: operationWireId(s),
    status: ACCOUNT_CREDITED.status,
    payoutOutput: { amountOfMoney: amount ? wireMoney(amount) : undefined },
    statusOutput: {
      statusCode: ACCOUNT_CREDITED.statusCode,
      statusCategory: ACCOUNT_CREDITED.statusCategory,
      isCancellable: false,
    },
  };
}

export { ApiFailure };
