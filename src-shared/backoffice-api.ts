/**
 * Contracts of the back-office API (`/backoffice/v1/{merchantId}/…`, issue 3 "Back-office API"; requirement
 * 003: orders, operations, contracts; requirement 002: chargebacks, chargeback reversals, rebills). The core
 * validates requests with these schemas and generates its OpenAPI document from them, so the two cannot drift.
 *
 * Money is our own shape `{ amountMinor, currency }` (the online API keeps Worldline's `{amount, currencyCode}`).
 * Request money is typed loosely here and converted by the core, so each way it can be wrong gets the
 * catalog's precise code (AMOUNT_NOT_POSITIVE, AMOUNT_NOT_SAFE_INTEGER, UNKNOWN_CURRENCY).
 */
import { z } from 'zod';
import {
  AuthorisationModeSchema,
  ChannelSchema,
  CurrencyCodeSchema,
  IsoDateTimeSchema,
  MoneySchema,
  OrderBalancesSchema,
  PaymentBalancesSchema,
  PaymentIdSchema,
  UuidSchema,
} from './schemas';
import { storedText, WireAmountMinorSchema } from './validation';
import { orderBalances, type OrderBalances, type OrderState } from './ledger';

// ── Order status, derived from the ledger ────────────────────────────────────────────────────────

export const ORDER_STATUSES = [
  'PENDING',
  'DECLINED',
  'AUTHORISED',
  'PARTIALLY_PAID',
  'PAID',
  'PARTIALLY_REFUNDED',
  'REFUNDED',
  'CHARGEBACKED',
  'CANCELLED',
] as const;
export const OrderStatusSchema = z.enum(ORDER_STATUSES);
export type OrderStatus = z.infer<typeof OrderStatusSchema>;

/**
 * One word for where an order stands, derived from its operations (never stored as a free value: the core
 * keeps a copy beside the order only to filter lists, rewritten with every operation). First match wins:
 * CHARGEBACKED (money is disputed) · REFUNDED / PARTIALLY_REFUNDED (money went back by refund or payout) ·
 * PAID / PARTIALLY_PAID (something collected; partially while a total has a balance due) · AUTHORISED (only
 * open authorisations) · CANCELLED (payments were cancelled or reversed) · DECLINED (only declined attempts)
 * · PENDING (no payment yet).
 */
export function deriveOrderStatus(order: OrderState): OrderStatus {
  return orderStatusFromBalances(orderBalances(order));
}

export function orderStatusFromBalances(b: OrderBalances): OrderStatus {
  const payments = [...b.payments.values()];
  if (b.chargedBack.amountMinor > 0) return 'CHARGEBACKED';
  const returned = b.refunded.amountMinor + b.paidOut.amountMinor;
  if (returned > 0) return b.refundable.amountMinor === 0 ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
  if (b.collected.amountMinor > 0) {
    return b.balanceDue !== null && b.balanceDue.amountMinor > 0 ? 'PARTIALLY_PAID' : 'PAID';
  }
  if (b.openAuthorisations.amountMinor > 0) return 'AUTHORISED';
  if (payments.length === 0) return 'PENDING';
  if (payments.every((p) => p.declined)) return 'DECLINED';
  return 'CANCELLED';
}

// ── Requests ─────────────────────────────────────────────────────────────────────────────────────

/** Money in a request: checked by the core for a whole positive amount and a known currency. */
export const MoneyInputSchema = z.object({
  amountMinor: WireAmountMinorSchema,
  currency: storedText({ max: 10 }),
});

const LIMIT = z.coerce.number().int().min(1).max(200).default(50);
const CURSOR = storedText({ max: 300 });

/** Path parameters (texts the core looks up: bounded and clean like the texts it stores). */
export const MerchantIdParamSchema = storedText({ max: 40 });
export const CustomerIdParamSchema = storedText({ max: 100 });
export const ContractIdParamSchema = storedText({ max: 64 });

export const OrdersQuerySchema = z.object({
  /** Recorded by the core at or after this instant. */
  from: IsoDateTimeSchema.optional(),
  /** Recorded by the core before this instant. */
  to: IsoDateTimeSchema.optional(),
  status: OrderStatusSchema.optional(),
  /** Orders created in this channel or with any operation in it. */
  channel: ChannelSchema.optional(),
  storeId: UuidSchema.optional(),
  customerId: storedText({ max: 100 }).optional(),
  /** Needed with minAmount / maxAmount: amounts of different currencies are not comparable. */
  currency: CurrencyCodeSchema.optional(),
  /** The order's amount (its total, or what was authorised for an order without a total), in minor units. */
  minAmount: z.coerce.number().int().nonnegative().optional(),
  maxAmount: z.coerce.number().int().nonnegative().optional(),
  limit: LIMIT,
  /** `nextCursor` of the previous page. */
  cursor: CURSOR.optional(),
});

export const OperationKindSchema = z.enum([
  'AUTHORISATION',
  'SALE',
  'DECLINE',
  'CAPTURE',
  'AUTHORISATION_REVERSAL',
  'CANCEL',
  'REFUND',
  'PAYOUT',
  'CHARGEBACK',
  'CHARGEBACK_REVERSAL',
  'REBILL',
  'TOKEN_CREATE',
  'TOKEN_USE',
  'TOKEN_DELETE',
]);

export const OperationsQuerySchema = z.object({
  from: IsoDateTimeSchema.optional(),
  to: IsoDateTimeSchema.optional(),
  orderId: UuidSchema.optional(),
  paymentId: PaymentIdSchema.optional(),
  kind: OperationKindSchema.optional(),
  channel: ChannelSchema.optional(),
  storeId: UuidSchema.optional(),
  terminalId: UuidSchema.optional(),
  currency: CurrencyCodeSchema.optional(),
  minAmount: z.coerce.number().int().nonnegative().optional(),
  maxAmount: z.coerce.number().int().nonnegative().optional(),
  limit: LIMIT,
  cursor: CURSOR.optional(),
});

const OperationReferenceSchema = storedText({ max: 100 });
const OperatorSchema = storedText({ max: 100 });

/** Capture on an AUTHORISATION operation; without an amount, everything still open, final. */
export const CaptureRequestSchema = z.object({
  amountMinor: WireAmountMinorSchema.optional(),
  isFinal: z.boolean().optional(),
  merchantReference: OperationReferenceSchema.optional(),
  operatorId: OperatorSchema.optional(),
});

/** Refund on a SALE, CAPTURE or REBILL operation's payment; without an amount, all that is refundable. */
export const RefundRequestSchema = z.object({
  amount: MoneyInputSchema.optional(),
  merchantReference: OperationReferenceSchema.optional(),
  operatorId: OperatorSchema.optional(),
});

/** Cancel: without an amount the whole payment; with one, that part of the open authorisation. */
export const CancelRequestSchema = z.object({
  amount: MoneyInputSchema.optional(),
  merchantReference: OperationReferenceSchema.optional(),
  operatorId: OperatorSchema.optional(),
});

/** Chargeback, chargeback reversal or rebill on a payment (requirement 002). */
export const PaymentAdjustmentRequestSchema = z.object({
  amount: MoneyInputSchema,
  /** The acquirer's or scheme's reference of the dispute or rebill. */
  merchantReference: OperationReferenceSchema.optional(),
  operatorId: OperatorSchema.optional(),
});

export const ContractDeactivationRequestSchema = z.object({
  operatorId: OperatorSchema.optional(),
});

// ── Responses ────────────────────────────────────────────────────────────────────────────────────

export const BackOfficeOperationSchema = z.object({
  operationId: UuidSchema,
  orderId: UuidSchema,
  paymentId: PaymentIdSchema,
  orderSeq: z.number().int().positive(),
  paymentSeq: z.number().int().nonnegative(),
  kind: OperationKindSchema,
  amount: MoneySchema.nullable(),
  /** For AUTHORISATION: the authorisation mode. */
  mode: AuthorisationModeSchema.nullable(),
  /** For CAPTURE: whether it closed the authorisation. */
  isFinal: z.boolean().nullable(),
  /** For DECLINE: the catalog code of the reason. */
  reason: z.string().nullable(),
  tokenId: z.string().nullable(),
  channel: ChannelSchema,
  terminalId: UuidSchema.nullable(),
  storeId: UuidSchema.nullable(),
  operatorId: z.string().nullable(),
  merchantReference: z.string().nullable(),
  /** Where it happened (the terminal's clock for in-store operations). */
  occurredAt: IsoDateTimeSchema,
  recordedAt: IsoDateTimeSchema,
});

export const BackOfficeCardSchema = z.object({
  brand: z.string(),
  bin: z.string().nullable(),
  last4: z.string(),
  expiry: z.string().nullable(),
  tokenId: z.string().nullable(),
});

export const BackOfficePaymentSchema = z.object({
  paymentId: PaymentIdSchema,
  role: z.enum(['INITIAL', 'SUBSEQUENT', 'DECLINED', 'UNKNOWN']),
  channel: ChannelSchema,
  terminalId: UuidSchema.nullable(),
  /** RECORDED, or UNKNOWN while the acquirer has not said what happened. */
  outcome: z.enum(['RECORDED', 'UNKNOWN']),
  requestedMode: AuthorisationModeSchema,
  requestedAmount: MoneySchema,
  card: BackOfficeCardSchema.nullable(),
  cardOnFile: z.enum(['first', 'subsequent']).nullable(),
  authorisationCode: z.string().nullable(),
  initiatedByPaymentId: PaymentIdSchema.nullable(),
  merchantReference: z.string().nullable(),
  occurredAt: IsoDateTimeSchema,
  recordedAt: IsoDateTimeSchema,
  /** Null while the outcome is unknown (no operation yet). */
  balances: PaymentBalancesSchema.nullable(),
  operations: z.array(BackOfficeOperationSchema),
});

export const RefundLockInfoSchema = z.object({
  holder: z.string(),
  channel: ChannelSchema,
  purpose: z.enum(['REFUND', 'PAYOUT', 'RESERVATION']),
  paymentId: PaymentIdSchema.nullable(),
  amountMinor: z.number().int().nullable(),
  acquiredAt: IsoDateTimeSchema,
  expiresAt: IsoDateTimeSchema,
});

export const OrderSummarySchema = z.object({
  orderId: UuidSchema,
  status: OrderStatusSchema,
  channel: ChannelSchema,
  storeId: UuidSchema.nullable(),
  terminalId: UuidSchema.nullable(),
  customerId: z.string().nullable(),
  merchantReference: z.string().nullable(),
  currency: CurrencyCodeSchema,
  total: MoneySchema.nullable(),
  /** The total, or what was authorised for an order without one. */
  amount: MoneySchema,
  collected: MoneySchema,
  refundable: MoneySchema,
  operationCount: z.number().int().nonnegative(),
  occurredAt: IsoDateTimeSchema,
  recordedAt: IsoDateTimeSchema,
  updatedAt: IsoDateTimeSchema,
});

export const BackOfficeOrderSchema = OrderSummarySchema.extend({
  initialPaymentId: PaymentIdSchema.nullable(),
  balances: OrderBalancesSchema,
  payments: z.array(BackOfficePaymentSchema),
  /** Set while a refund, payout or counter reservation holds the order's refund lock. */
  refundLock: RefundLockInfoSchema.nullable(),
});

export const OrdersPageSchema = z.object({
  orders: z.array(OrderSummarySchema),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
});

export const OperationsPageSchema = z.object({
  operations: z.array(BackOfficeOperationSchema),
  nextCursor: z.string().nullable(),
});

/** The answer to a capture, refund, cancel, chargeback, chargeback reversal or rebill. */
export const OperationResultSchema = z.object({
  operation: BackOfficeOperationSchema,
  payment: z.object({ paymentId: PaymentIdSchema, balances: PaymentBalancesSchema }),
  orderBalances: OrderBalancesSchema,
  orderStatus: OrderStatusSchema,
});

export const ContractSchema = z.object({
  contractId: z.string(),
  customerId: z.string().nullable(),
  brand: z.string(),
  last4: z.string(),
  /** MMYY */
  expiry: z.string(),
  status: z.enum(['ACTIVE', 'DEACTIVATED', 'DELETED']),
  /** Active and not expired: can be offered for a one-click payment. */
  usableForOneClick: z.boolean(),
  /** Where the card was stored. */
  channel: ChannelSchema,
  createdAt: IsoDateTimeSchema,
  statusChangedAt: IsoDateTimeSchema,
});

export const CustomerContractsSchema = z.object({
  customerId: z.string(),
  contracts: z.array(ContractSchema),
});

/** The error shape every API of the core answers with (the online API's, reference §6.1). */
export const ApiErrorResponseSchema = z.object({
  errorId: z.string(),
  errors: z.array(
    z.object({
      id: z.string(),
      errorCode: z.string(),
      code: z.string(),
      category: z.string(),
      httpStatusCode: z.number().int(),
      message: z.string(),
      propertyName: z.string().optional(),
      retriable: z.boolean(),
    }),
  ),
});

export type BackOfficeOperation = z.input<typeof BackOfficeOperationSchema>;
export type BackOfficePayment = z.input<typeof BackOfficePaymentSchema>;
export type BackOfficeOrder = z.input<typeof BackOfficeOrderSchema>;
export type OrderSummary = z.input<typeof OrderSummarySchema>;
export type Contract = z.input<typeof ContractSchema>;
