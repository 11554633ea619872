/**
 * Request contracts of the online API (Worldline Online Payments "Direct", reference §8), the subset the
 * omnichannel core serves. Objects are loose: unknown fields are accepted and ignored, because newer SDKs
 * send extra optional fields (reference §8.7). Amounts are checked here only for type; the core turns
 * `{amount, currencyCode}` into Money with the catalog's precise codes (not an integer, not positive,
 * unknown currency).
 */
import { z } from 'zod';

export const WireAmountOfMoneySchema = z.looseObject({
  amount: z.number({ error: 'amount must be a number of minor units' }),
  currencyCode: z.string({ error: 'currencyCode must be an ISO 4217 code' }),
});

const ReferencesSchema = z.looseObject({
  merchantReference: z.string().max(100).optional(),
  operationGroupReference: z.string().max(100).optional(),
});

export const WireOrderSchema = z.looseObject({
  amountOfMoney: WireAmountOfMoneySchema,
  references: ReferencesSchema.optional(),
  customer: z.looseObject({ merchantCustomerId: z.string().min(1).max(100).optional() }).optional(),
});

export const AuthorizationModeWireSchema = z.enum(['SALE', 'FINAL_AUTHORIZATION', 'PRE_AUTHORIZATION']);

export const WireCardSchema = z.looseObject({
  cardNumber: z.string({ error: 'cardNumber must be a string of digits' }),
  expiryDate: z.string({ error: 'expiryDate must be MMYY' }),
  cvv: z.string().optional(),
  cardholderName: z.string().max(100).optional(),
});

export const CreatePaymentRequestSchema = z.looseObject({
  order: WireOrderSchema,
  cardPaymentMethodSpecificInput: z.looseObject({
    paymentProductId: z.number().int().optional(),
    authorizationMode: AuthorizationModeWireSchema.optional(),
    card: WireCardSchema.optional(),
    token: z.string().min(1).max(64).optional(),
    tokenize: z.boolean().optional(),
    transactionChannel: z.enum(['ECOMMERCE', 'MOTO']).optional(),
    unscheduledCardOnFileRequestor: z.enum(['cardholderInitiated', 'merchantInitiated']).optional(),
    unscheduledCardOnFileSequenceIndicator: z.enum(['first', 'subsequent']).optional(),
    isRecurring: z.boolean().optional(),
  }),
});

const SubsequentInputSchema = z.looseObject({
  authorizationMode: AuthorizationModeWireSchema.optional(),
  subsequentType: z.string().optional(),
});

/** Reference §8.2: the wire key has a lower-case "c"; the camel-case spelling of the docs is accepted too. */
export const SubsequentPaymentRequestSchema = z.looseObject({
  order: WireOrderSchema,
  subsequentcardPaymentMethodSpecificInput: SubsequentInputSchema.optional(),
  subsequentCardPaymentMethodSpecificInput: SubsequentInputSchema.optional(),
});

const OperationReferencesSchema = z.looseObject({ merchantReference: z.string().max(100).optional() });

export const RefundRequestSchema = z.looseObject({
  amountOfMoney: WireAmountOfMoneySchema.optional(),
  reason: z.string().optional(),
  omnichannelRefundSpecificInput: z.looseObject({ operatorId: z.string().max(100).optional() }).optional(),
  operationReferences: OperationReferencesSchema.optional(),
  references: ReferencesSchema.optional(),
});

/** Reference §8.4: `amount` is a bare integer, no currency. */
export const CapturePaymentRequestSchema = z.looseObject({
  amount: z.number({ error: 'amount must be a number of minor units' }).optional(),
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
    paymentId: z.string({ error: 'paymentId must be the 19-digit payment id' }),
    operatorId: z.string().max(100).optional(),
  }),
  references: ReferencesSchema.optional(),
});

export const CreateTokenRequestSchema = z.looseObject({
  paymentProductId: z.number().int().optional(),
  card: z.looseObject({
    data: z.looseObject({
      card: WireCardSchema,
    }),
    customer: z.looseObject({ merchantCustomerId: z.string().min(1).max(100).optional() }).optional(),
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
