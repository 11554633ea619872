/**
 * Request contracts of the online API (Worldline Online Payments "Direct", reference §8), the subset the
 * omnichannel core serves. Objects are loose: unknown fields are accepted and ignored (never stored), because
 * newer SDKs send extra optional fields (reference §8.7). Every text is a `storedText` (validation.ts: no
 * control characters, well-formed Unicode, bounded), checked before any acquirer call. Amounts are checked
 * here for being whole minor units; the core turns `{amount, currencyCode}` into Money with the catalog's
 * precise codes (not positive, unknown currency).
 */
import { z } from 'zod';
import { parsePaymentId } from './ids';
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

// ── Responses ────────────────────────────────────────────────────────────────────────────────────────
// What the core answers, in the shape and with the field names of the official SDK's types
// (onlinepayments-sdk-nodejs 6.2.0, `lib/esm/src/generated/model/domain`; reference §9). The SDK types every
// field optional; these schemas mark required what the core always sends, so a merchant's tools know what
// to rely on. Fields beyond the SDK's are the omnichannel additions the reference names (a customer on the
// payment, the BIN of a token). Each schema carries its SDK type name as `id`: the OpenAPI document lists it
// under that name in `components.schemas`. Handlers answer `z.input` of these (routing/contract.ts).

const text = (description: string) => z.string().describe(description);

/** `statusCodeChangeDateTime` as Worldline writes it: YYYYMMDDHHmmss, UTC. */
const StatusDateTimeSchema = z
  .string()
  .regex(/^\d{14}$/)
  .describe('When the status last changed: YYYYMMDDHHmmss (UTC).');

const PaymentIdWireSchema = z
  .string()
  .regex(/^1\d{18}$/)
  .describe('The 19-digit omnichannel payment id (a string: it does not fit a JSON number).');

const OperationIdWireSchema = z
  .string()
  .regex(/^1\d{18}(_\d{1,9})?$/)
  .describe(
    'The payment id for the opening operation, `<paymentId>_<n>` for the n-th operation on that payment ' +
      '(capture, refund, payout, …).',
  );

export const OnlineStatusSchema = z
  .enum([
    'AUTHORIZATION_REQUESTED',
    'REJECTED',
    'PENDING_CAPTURE',
    'CAPTURED',
    'CANCELLED',
    'REFUNDED',
    'CHARGEBACKED',
    'ACCOUNT_CREDITED',
    'CREATED',
  ])
  .describe(
    'Worldline’s status. A payment: PENDING_CAPTURE (authorised), CAPTURED (sold or captured, also when ' +
      'partly refunded), REFUNDED (wholly), CANCELLED, CHARGEBACKED, REJECTED (declined) or ' +
      'AUTHORIZATION_REQUESTED (outcome not known yet); a refund REFUNDED, a capture CAPTURED, a payout ' +
      'ACCOUNT_CREDITED; a token operation among Operations CREATED.',
  );

export const StatusCategorySchema = z
  .enum([
    'CREATED',
    'UNSUCCESSFUL',
    'PENDING_PAYMENT',
    'PENDING_MERCHANT',
    'PENDING_CONNECT_OR_3RD_PARTY',
    'COMPLETED',
    'REVERSED',
    'REFUNDED',
  ])
  .describe('Worldline’s status category.');

const StatusCodeSchema = z
  .number()
  .int()
  .describe(
    'The legacy numeric status code: 5 authorised, 9 captured, 8 refunded or credited, 6 cancelled, ' +
      '7 chargebacked, 2 rejected, 51 authorisation requested, 0 token operation.',
  );

export const AmountOfMoneySchema = z
  .object({
    amount: z.number().int().describe('In minor units: 1250 is 12.50 EUR.'),
    currencyCode: text('ISO 4217 currency code.'),
  })
  .meta({ id: 'AmountOfMoney' });

export const APIErrorSchema = z
  .object({
    id: text('The catalog code, e.g. REFUND_ORDER_LOCKED: match on this.'),
    errorCode: text('The catalog number (six digits, HTTP status first; "1409": idempotence conflict).'),
    code: text('Deprecated duplicate of errorCode, for older SDKs.'),
    category: z.enum(['DIRECT_PLATFORM_ERROR', 'PAYMENT_PLATFORM_ERROR', 'IO_ERROR']),
    httpStatusCode: z.number().int().describe('Always the HTTP status the answer is sent with.'),
    message: text('What was wrong and what to do.'),
    propertyName: text('The request property at fault, e.g. order.amountOfMoney.amount.').optional(),
    retriable: z.boolean().describe('True: the same request may succeed later, with a new idempotence key.'),
  })
  .meta({ id: 'APIError' });

export const ErrorResponseSchema = z
  .object({
    errorId: text('Unique id of this error answer (quote it to support; the logs carry it).'),
    errors: z.array(APIErrorSchema),
  })
  .meta({ id: 'ErrorResponse' });

const ReferencesOutputSchema = z.object({ merchantReference: text('As sent.').optional() });

export const PaymentStatusOutputSchema = z
  .object({
    statusCode: StatusCodeSchema,
    statusCategory: StatusCategorySchema,
    isAuthorized: z.boolean(),
    isCancellable: z.boolean(),
    isRefundable: z.boolean(),
    statusCodeChangeDateTime: StatusDateTimeSchema,
    errors: z.array(APIErrorSchema).describe('Why a payment was declined or its outcome is unknown.'),
  })
  .meta({ id: 'PaymentStatusOutput' });

export const CardEssentialsSchema = z
  .object({
    cardNumber: text('Masked: only the last four digits are shown.'),
    expiryDate: text('MMYY.').optional(),
    bin: text('The first six digits.').optional(),
  })
  .meta({ id: 'CardEssentials' });

export const CardPaymentMethodSpecificOutputSchema = z
  .object({
    paymentProductId: z.number().int().optional(),
    authorisationCode: z.string().optional(),
    token: text('The token the payment used or created.').optional(),
    card: CardEssentialsSchema.optional(),
  })
  .meta({ id: 'CardPaymentMethodSpecificOutput' });

export const PaymentOutputSchema = z
  .object({
    amountOfMoney: AmountOfMoneySchema.describe('The amount asked for.'),
    acquiredAmount: AmountOfMoneySchema.describe('The amount collected (captured or sold) so far.'),
    amountPaid: z.number().int().describe('Deprecated duplicate of acquiredAmount.amount.'),
    references: ReferencesOutputSchema,
    paymentMethod: z.literal('card'),
    customer: z
      .object({ merchantCustomerId: text('The customer the order belongs to (omnichannel).').optional() })
      .optional(),
    cardPaymentMethodSpecificOutput: CardPaymentMethodSpecificOutputSchema,
  })
  .meta({ id: 'PaymentOutput' });

export const PaymentResponseSchema = z
  .object({
    id: PaymentIdWireSchema,
    status: OnlineStatusSchema,
    statusOutput: PaymentStatusOutputSchema,
    paymentOutput: PaymentOutputSchema,
  })
  .meta({ id: 'PaymentResponse' });

export const PaymentCreationOutputSchema = z
  .object({
    token: text('The token used or created (when tokenisation was asked for).').optional(),
    isNewToken: z.boolean().optional(),
    tokenizationSucceeded: z.boolean().optional(),
  })
  .meta({ id: 'PaymentCreationOutput' });

export const CreatePaymentResponseSchema = z
  .object({ payment: PaymentResponseSchema, creationOutput: PaymentCreationOutputSchema.optional() })
  .meta({ id: 'CreatePaymentResponse' });

export const SubsequentPaymentResponseSchema = z
  .object({ payment: PaymentResponseSchema })
  .meta({ id: 'SubsequentPaymentResponse' });

export const CancelPaymentResponseSchema = z
  .object({ payment: PaymentResponseSchema })
  .meta({ id: 'CancelPaymentResponse' });

export const PaymentErrorResponseSchema = z
  .object({
    errorId: z.string(),
    errors: z.array(APIErrorSchema),
    paymentResult: CreatePaymentResponseSchema.describe(
      'A declined authorisation: the payment as recorded (status REJECTED).',
    ).optional(),
  })
  .meta({ id: 'PaymentErrorResponse' });

export const OperationStatusOutputSchema = z
  .object({
    statusCode: StatusCodeSchema,
    statusCategory: StatusCategorySchema,
    statusCodeChangeDateTime: StatusDateTimeSchema,
  })
  .meta({ id: 'OperationStatusOutput' });

export const OperationOutputSchema = z
  .object({
    id: OperationIdWireSchema,
    status: OnlineStatusSchema,
    statusOutput: OperationStatusOutputSchema,
    amountOfMoney: AmountOfMoneySchema.optional(),
    paymentMethod: z.literal('card'),
    operationReferences: ReferencesOutputSchema,
  })
  .meta({ id: 'OperationOutput' });

export const PaymentDetailsResponseSchema = PaymentResponseSchema.extend({
  Operations: z
    .array(OperationOutputSchema)
    .describe('Every money operation of the order (capital O, as the SDK reads it).'),
}).meta({ id: 'PaymentDetailsResponse' });

export const OrderStatusOutputSchema = z
  .object({
    statusCode: StatusCodeSchema,
    statusCategory: StatusCategorySchema,
    isCancellable: z.boolean(),
    statusCodeChangeDateTime: StatusDateTimeSchema,
  })
  .meta({ id: 'OrderStatusOutput' });

export const RefundResponseSchema = z
  .object({
    id: OperationIdWireSchema,
    status: OnlineStatusSchema,
    statusOutput: OrderStatusOutputSchema,
    refundOutput: z.object({
      amountOfMoney: AmountOfMoneySchema.optional(),
      amountPaid: z.number().int().optional(),
      paymentMethod: z.literal('card'),
      operationReferences: ReferencesOutputSchema,
      cardRefundMethodSpecificOutput: z.object({
        totalAmountPaid: z.number().int().describe('Collected on the payment, in minor units.'),
        totalAmountRefunded: z.number().int().describe('Refunded on the payment so far, in minor units.'),
      }),
    }),
  })
  .meta({ id: 'RefundResponse' });

export const RefundsResponseSchema = z
  .object({ refunds: z.array(RefundResponseSchema) })
  .meta({ id: 'RefundsResponse' });

export const CaptureResponseSchema = z
  .object({
    id: OperationIdWireSchema,
    status: OnlineStatusSchema,
    statusOutput: z.object({ statusCode: StatusCodeSchema }),
    captureOutput: z.object({
      amountOfMoney: AmountOfMoneySchema.optional(),
      acquiredAmount: AmountOfMoneySchema.optional(),
      amountPaid: z.number().int().optional(),
      paymentMethod: z.literal('card'),
      operationReferences: ReferencesOutputSchema,
    }),
  })
  .meta({ id: 'CaptureResponse' });

export const CapturesResponseSchema = z
  .object({ captures: z.array(CaptureResponseSchema) })
  .meta({ id: 'CapturesResponse' });

export const PayoutResponseSchema = z
  .object({
    id: OperationIdWireSchema,
    status: OnlineStatusSchema,
    payoutOutput: z.object({ amountOfMoney: AmountOfMoneySchema.optional() }),
    statusOutput: z.object({
      statusCode: StatusCodeSchema,
      statusCategory: StatusCategorySchema,
      isCancellable: z.boolean(),
    }),
  })
  .meta({ id: 'PayoutResponse' });

export const CreatedTokenResponseSchema = z
  .object({
    token: text('The new token id.'),
    tokenStatus: z.literal('CREATED'),
    isNewToken: z.boolean(),
    card: z.object({
      cardNumber: text('Masked: BIN and middle digits hidden.'),
      cardholderName: z.string().optional(),
      expiryDate: text('MMYY.'),
    }),
  })
  .meta({ id: 'CreatedTokenResponse' });

export const TokenResponseSchema = z
  .object({
    id: z.string(),
    paymentProductId: z.number().int().optional(),
    isTemporary: z.boolean(),
    card: z.object({
      alias: text('The masked card number.'),
      data: z.object({
        cardWithoutCvv: z.object({
          cardNumber: text('Masked: only the last four digits are shown.'),
          cardholderName: z.string().optional(),
          expiryDate: text('MMYY.'),
        }),
        cardBinDetails: z.object({ bin: text('The first six digits (omnichannel addition).') }).optional(),
      }),
    }),
  })
  .meta({ id: 'TokenResponse' });

export const TestConnectionResponseSchema = z
  .object({ result: z.literal('OK') })
  .meta({ id: 'TestConnection' });

export type OnlineStatus = z.infer<typeof OnlineStatusSchema>;
export type StatusCategory = z.infer<typeof StatusCategorySchema>;
export type AmountOfMoney = z.input<typeof AmountOfMoneySchema>;
export type ErrorResponse = z.input<typeof ErrorResponseSchema>;
export type PaymentResponse = z.input<typeof PaymentResponseSchema>;
export type PaymentCreationOutput = z.input<typeof PaymentCreationOutputSchema>;
export type CreatePaymentResponse = z.input<typeof CreatePaymentResponseSchema>;
export type PaymentErrorResponse = z.input<typeof PaymentErrorResponseSchema>;
export type OperationOutput = z.input<typeof OperationOutputSchema>;
export type PaymentDetailsResponse = z.input<typeof PaymentDetailsResponseSchema>;
export type RefundResponse = z.input<typeof RefundResponseSchema>;
export type CaptureResponse = z.input<typeof CaptureResponseSchema>;
export type PayoutResponse = z.input<typeof PayoutResponseSchema>;
export type CreatedTokenResponse = z.input<typeof CreatedTokenResponseSchema>;
export type TokenResponse = z.input<typeof TokenResponseSchema>;

// ── Path parameters ──────────────────────────────────────────────────────────────────────────────────
// A payment id is refused with its precise code (PAYMENT_ID_INVALID naming `paymentId`: the failure rides in
// the issue's `params.failure`, which the route contract answers as it is) before the body is looked at;
// payout and token ids are taken as sent and looked up (OPERATION_NOT_FOUND, TOKEN_NOT_FOUND). The patterns
// document them.

const MerchantIdPathSchema = z
  .string()
  .meta({ pattern: '^[A-Za-z0-9_-]{1,40}$', description: 'The merchant the API key belongs to.' });

export const OnlineMerchantParamsSchema = z.object({ merchantId: MerchantIdPathSchema });
export const OnlinePaymentParamsSchema = OnlineMerchantParamsSchema.extend({
  paymentId: z
    .string()
    .superRefine((text, ctx) => {
      const r = parsePaymentId(text);
      if (!r.ok) ctx.addIssue({ code: 'custom', message: r.error.message, params: { failure: r.error } });
    })
    .meta({
      pattern: '^1[0-9]{18}$',
      description: 'The 19-digit payment id (any payment of the order: online or in store).',
    }),
});
export const OnlinePayoutParamsSchema = OnlineMerchantParamsSchema.extend({
  payoutId: z.string().meta({
    pattern: '^1[0-9]{18}_[0-9]{1,9}$',
    description: 'The payout id `<paymentId>_<n>` its creation answered.',
  }),
});
export const OnlineTokenParamsSchema = OnlineMerchantParamsSchema.extend({
  tokenId: z.string().meta({ description: 'The token id its creation answered.' }),
});

// Request bodies under their SDK type names in the OpenAPI document (the same instances, not copies).
for (const [schema, id] of [
  [CreatePaymentRequestSchema, 'CreatePaymentRequest'],
  [SubsequentPaymentRequestSchema, 'SubsequentPaymentRequest'],
  [RefundRequestSchema, 'RefundRequest'],
  [CapturePaymentRequestSchema, 'CapturePaymentRequest'],
  [CancelPaymentRequestSchema, 'CancelPaymentRequest'],
  [CreatePayoutRequestSchema, 'CreatePayoutRequest'],
  [CreateTokenRequestSchema, 'CreateTokenRequest'],
] as const) {
  z.globalRegistry.add(schema, { id });
}
export type SubsequentPaymentResponse = z.input<typeof SubsequentPaymentResponseSchema>;
export type CancelPaymentResponse = z.input<typeof CancelPaymentResponseSchema>;
export type RefundsResponse = z.input<typeof RefundsResponseSchema>;
export type CapturesResponse = z.input<typeof CapturesResponseSchema>;
