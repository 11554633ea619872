/**
 * Request contracts of the online API (Worldline Online Payments "Direct", reference §8), the subset the
 * omnichannel core serves. Objects are loose: unknown fields are accepted and ignored (never stored), because
 * newer SDKs send extra optional fields (reference §8.7). Every text is a `storedText` (validation.ts: no
 * control characters, well-formed Unicode, bounded), checked before any acquirer call. Amounts are checked
 * here for being whole minor units; the core turns `{amount, currencyCode}` into Money with the catalog's
 * precise codes (not positive, unknown currency).
 */
import { z } from 'zod';
import { storedText, WireAmountMinorSchema } from './validation';

/** Optional references: empty is accepted (as Worldline does) and stored as none. */
const reference = () => storedText({ max: 100, min: 0 });

/** Stored in an integer column: bounded here, so an absurd id cannot fail the recording after the acquirer. */
const PaymentProductIdSchema = z.number().int().min(1).max(99_999);

export const WireAmountOfMoneySchema = z.looseObject({
  amount: WireAmountMinorSchema,
  currencyCode: storedText({ max: 10 }),
});

const ReferencesSchema = z.looseObject({
  merchantReference: reference().optional(),
  operationGroupReference: reference().optional(),
});

const CustomerSchema = z.looseObject({ merchantCustomerId: storedText({ max: 100 }).optional() });

export const WireOrderSchema = z.looseObject({
  amountOfMoney: WireAmountOfMoneySchema,
  references: ReferencesSchema.optional(),
  customer: CustomerSchema.optional(),
});

export const AuthorizationModeWireSchema = z.enum(['SALE', 'FINAL_AUTHORIZATION', 'PRE_AUTHORIZATION']);

/** Card data is never stored (only masked facts), but is bounded all the same; the core checks its format. */
export const WireCardSchema = z.looseObject({
  cardNumber: storedText({ max: 40 }),
  expiryDate: storedText({ max: 10 }),
  cvv: storedText({ max: 10 }).optional(),
  cardholderName: storedText({ max: 100, min: 0 }).optional(),
});

export const CreatePaymentRequestSchema = z.looseObject({
  order: WireOrderSchema,
  cardPaymentMethodSpecificInput: z.looseObject({
    paymentProductId: PaymentProductIdSchema.optional(),
    authorizationMode: AuthorizationModeWireSchema.optional(),
    card: WireCardSchema.optional(),
    token: storedText({ max: 64 }).optional(),
    tokenize: z.boolean().optional(),
    transactionChannel: z.enum(['ECOMMERCE', 'MOTO']).optional(),
    unscheduledCardOnFileRequestor: z.enum(['cardholderInitiated', 'merchantInitiated']).optional(),
    unscheduledCardOnFileSequenceIndicator: z.enum(['first', 'subsequent']).optional(),
    isRecurring: z.boolean().optional(),
  }),
});

const SubsequentInputSchema = z.looseObject({
  authorizationMode: AuthorizationModeWireSchema.optional(),
  subsequentType: storedText({ max: 50 }).optional(),
});

/** Reference §8.2: the wire key has a lower-case "c"; the camel-case spelling of the docs is accepted too. */
export const SubsequentPaymentRequestSchema = z.looseObject({
  order: WireOrderSchema,
  subsequentcardPaymentMethodSpecificInput: SubsequentInputSchema.optional(),
  subsequentCardPaymentMethodSpecificInput: SubsequentInputSchema.optional(),
});

const OperationReferencesSchema = z.looseObject({ merchantReference: reference().optional() });

export const RefundRequestSchema = z.looseObject({
  amountOfMoney: WireAmountOfMoneySchema.optional(),
  reason: storedText({ max: 200, min: 0, multiline: true }).optional(),
  omnichannelRefundSpecificInput: z.looseObject({ operatorId: reference().optional() }).optional(),
  operationReferences: OperationReferencesSchema.optional(),
  references: ReferencesSchema.optional(),
});

/** Reference §8.4: `amount` is a bare integer, no currency. */
export const CapturePaymentRequestSchema = z.looseObject({
  amount: WireAmountMinorSchema.optional(),
  isFinal: z.boolean().optional(),
  operationReferences: OperationReferencesSchema.optional(),
  references: ReferencesSchema.optional(),
});

export const CancelPaymentRequestSchema = z.looseObject({
  amountOfMoney: WireAmountOfMoneySchema.optional(),
  isFinal: z.boolean().optional(),
  operationReferences: OperationReferencesSchema.optional(),
});

export const CreatePayoutRequestSchema = z.looseObject({
  amountOfMoney: WireAmountOfMoneySchema,
  omnichannelPayoutSpecificInput: z.looseObject({
    /** The 19-digit payment id; its format is checked by the core (PAYMENT_ID_INVALID). */
    paymentId: storedText({ max: 19 }),
    operatorId: reference().optional(),
  }),
  references: ReferencesSchema.optional(),
});

export const CreateTokenRequestSchema = z.looseObject({
  paymentProductId: PaymentProductIdSchema.optional(),
  card: z.looseObject({
    data: z.looseObject({
      card: WireCardSchema,
    }),
    customer: CustomerSchema.optional(),
  }),
});

export type WireAmountOfMoney = z.infer<typeof WireAmountOfMoneySchema>;
export type CreatePaymentRequest = z.infer<typeof CreatePaymentRequestSchema>;
export type SubsequentPaymentRequest = z.infer<typeof SubsequentPaymentRequestSchema>;
export type RefundRequest = z.infer<typeof RefundRequestSchema>;
export type CapturePaymentRequest = z.infer<typeof CapturePaymentRequestSchema>;
export type CancelPaymentRequest = z.infer<typeof CancelPaymentRequestSchema>;
export type CreatePayoutRequest = z.infer<typeof CreatePayoutRequestSchema>;
export type CreateTokenRequest = z.infer<typeof CreateTokenRequestSchema>;
