/**
 * zod schemas of the ledger's DTOs: written once here, used by the core's API, the terminal sync protocol and
 * the UI (style.md "Contracts"). Types are inferred from them; JSON shapes use plain arrays and ISO strings.
 */
import { z } from 'zod';
import { isCurrencyCode, type CurrencyCode } from './currencies';
import { ERROR_CATALOG, type ErrorCode } from './errors';
import { parsePaymentId, parseUuid, type PaymentId, type Uuid } from './ids';
import {
  orderBalances,
  type Operation,
  type OrderBalances,
  type OrderState,
  type PaymentBalances,
} from './ledger';
import type { Money } from './money';
import { amountMinorProblem, showAmount, storedText } from './validation';

export const CurrencyCodeSchema = z
  .string()
  .refine(isCurrencyCode, {
    error: (i) => `unknown currency '${String(i.input)}'; use an ISO 4217 code such as EUR`,
  })
  .transform((s) => s as CurrencyCode);

/** Whole minor units within the safe range; each way it can be wrong is said (validation.ts). */
export const AmountMinorSchema = z
  .number({ error: (issue) => amountMinorProblem(issue.input) ?? 'expected a number of minor units' })
  .superRefine((value, ctx) => {
    const problem = amountMinorProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: value });
  });

export const MoneySchema = z.object({
  amountMinor: AmountMinorSchema,
  currency: CurrencyCodeSchema,
}) satisfies z.ZodType<Money, unknown>;

export const PositiveMoneySchema = MoneySchema.refine((m) => m.amountMinor > 0, {
  error: (issue) => {
    const m = issue.input as Money;
    return `amount must be greater than zero; got ${showAmount(m.amountMinor, m.currency)}`;
  },
  path: ['amountMinor'],
});

export const PaymentIdSchema = z.string().transform((s, ctx): PaymentId => {
  const r = parsePaymentId(s);
  if (!r.ok) {
    ctx.issues.push({ code: 'custom', message: r.error.message, input: s });
    return z.NEVER;
  }
  return r.value;
});

export const UuidSchema = z.string().transform((s, ctx): Uuid => {
  const r = parseUuid(s);
  if (!r.ok) {
    ctx.issues.push({ code: 'custom', message: r.error.message, input: s });
    return z.NEVER;
  }
  return r.value;
});

export const IsoDateTimeSchema = z.iso.datetime({ offset: true });

export const ErrorCodeSchema = z
  .string()
  .refine((s) => Object.hasOwn(ERROR_CATALOG, s), { error: 'unknown error code' })
  .transform((s) => s as ErrorCode);

export const ChannelSchema = z.enum(['IN_STORE', 'ONLINE', 'BACK_OFFICE']);
export const AuthorisationModeSchema = z.enum(['SALE', 'PRE_AUTHORIZATION', 'FINAL_AUTHORIZATION']);
export const PaymentStatusSchema = z.enum([
  'DECLINED',
  'CANCELLED',
  'AUTHORISED',
  'PARTIALLY_CAPTURED',
  'CAPTURED',
  'REVERSED',
  'PARTIALLY_REFUNDED',
  'REFUNDED',
  'CHARGEBACKED',
]);

const TokenIdSchema = storedText({ max: 64 });

export const OperationBodySchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('AUTHORISATION'),
    mode: z.enum(['PRE_AUTHORIZATION', 'FINAL_AUTHORIZATION']),
    amount: PositiveMoneySchema,
  }),
  z.object({ kind: z.literal('SALE'), amount: PositiveMoneySchema }),
  z.object({ kind: z.literal('DECLINE'), amount: PositiveMoneySchema, reason: ErrorCodeSchema }),
  z.object({ kind: z.literal('CAPTURE'), amount: PositiveMoneySchema, isFinal: z.boolean() }),
  z.object({ kind: z.literal('AUTHORISATION_REVERSAL'), amount: PositiveMoneySchema }),
  z.object({ kind: z.literal('CANCEL') }),
  z.object({ kind: z.literal('REFUND'), amount: PositiveMoneySchema }),
  z.object({ kind: z.literal('PAYOUT'), amount: PositiveMoneySchema }),
  z.object({ kind: z.literal('CHARGEBACK'), amount: PositiveMoneySchema }),
  z.object({ kind: z.literal('CHARGEBACK_REVERSAL'), amount: PositiveMoneySchema }),
  z.object({ kind: z.literal('REBILL'), amount: PositiveMoneySchema }),
  z.object({ kind: z.literal('TOKEN_CREATE'), tokenId: TokenIdSchema }),
  z.object({ kind: z.literal('TOKEN_USE'), tokenId: TokenIdSchema }),
  z.object({ kind: z.literal('TOKEN_DELETE'), tokenId: TokenIdSchema }),
]);

export const OperationSchema = z.intersection(
  OperationBodySchema,
  z.object({
    id: UuidSchema,
    paymentId: PaymentIdSchema,
    channel: ChannelSchema,
    occurredAt: IsoDateTimeSchema,
  }),
) satisfies z.ZodType<Operation, unknown>;

export const PaymentBalancesSchema = z.object({
  status: PaymentStatusSchema,
  mode: AuthorisationModeSchema.nullable(),
  authorised: MoneySchema,
  captured: MoneySchema,
  reversed: MoneySchema,
  remainingFloat: MoneySchema,
  refunded: MoneySchema,
  paidOut: MoneySchema,
  chargedBack: MoneySchema,
  rebilled: MoneySchema,
  voided: MoneySchema,
  collected: MoneySchema,
  refundable: MoneySchema,
  cancelled: z.boolean(),
  declined: z.boolean(),
  closed: z.boolean(),
}) satisfies z.ZodType<PaymentBalances, unknown>;

export const PaymentDtoSchema = z.object({
  paymentId: PaymentIdSchema,
  /** INITIAL for the first successful payment of the order, SUBSEQUENT after it, DECLINED for failed attempts. */
  role: z.enum(['INITIAL', 'SUBSEQUENT', 'DECLINED']),
  channel: ChannelSchema,
  balances: PaymentBalancesSchema,
  operations: z.array(OperationSchema),
});

export const OrderBalancesSchema = z.object({
  authorised: MoneySchema,
  captured: MoneySchema,
  reversed: MoneySchema,
  openAuthorisations: MoneySchema,
  refunded: MoneySchema,
  paidOut: MoneySchema,
  chargedBack: MoneySchema,
  collected: MoneySchema,
  refundable: MoneySchema,
  balanceDue: MoneySchema.nullable(),
});

export const OrderDtoSchema = z.object({
  orderId: z.string().min(1),
  currency: CurrencyCodeSchema,
  total: MoneySchema.nullable(),
  initialPaymentId: PaymentIdSchema.nullable(),
  balances: OrderBalancesSchema,
  payments: z.array(PaymentDtoSchema),
});

export type PaymentDto = z.infer<typeof PaymentDtoSchema>;
export type OrderBalancesDto = z.infer<typeof OrderBalancesSchema>;

/** The order-level balances as they travel (without the per-payment map, which each DTO lists its own way). */
export function toOrderBalancesDto(b: OrderBalances): OrderBalancesDto {
  return {
    authorised: b.authorised,
    captured: b.captured,
    reversed: b.reversed,
    openAuthorisations: b.openAuthorisations,
    refunded: b.refunded,
    paidOut: b.paidOut,
    chargedBack: b.chargedBack,
    collected: b.collected,
    refundable: b.refundable,
    balanceDue: b.balanceDue,
  };
}
export type OrderDto = z.infer<typeof OrderDtoSchema>;

/** The serialisable view of an order with every derived balance. */
export function toOrderDto(order: OrderState): OrderDto {
  const b = orderBalances(order);
  return {
    orderId: order.orderId,
    currency: order.currency,
    total: order.total,
    initialPaymentId: b.initialPaymentId,
    balances: toOrderBalancesDto(b),
    payments: order.payments.map((p) => {
      const balances = b.payments.get(p.paymentId);
      if (!balances) throw new Error(`no balances for payment ${p.paymentId}`);
      return {
        paymentId: p.paymentId,
        role: balances.declined ? 'DECLINED' : p.paymentId === b.initialPaymentId ? 'INITIAL' : 'SUBSEQUENT',
        channel: p.channel,
        balances,
        operations: [...p.operations],
      };
    }),
  };
}
