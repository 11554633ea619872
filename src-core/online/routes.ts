/**
 * The online API (`/v2/{merchantId}/…`, reference §2) declared in the route contract (routing/contract.ts),
 * like the back office and terminal sync: each operation with its request and response schemas from
 * `src-shared/online-api.ts` (the SDK's types), the catalog codes it answers with, and its handler. The
 * contract authenticates every request with a merchant API key that must belong to `{merchantId}` (before
 * the body is read), runs POSTs under their `X-GCS-Idempotence-Key`, validates the body (a problem names the
 * property as Worldline does: `order.amountOfMoney.amount`), and answers failures in Worldline's error shape.
 * The same declarations generate the API's OpenAPI document (`GET /v2/openapi.json`).
 */
import { z } from 'zod';
import type { ErrorCode } from '../../src-shared';
import {
  CancelPaymentRequestSchema,
  CancelPaymentResponseSchema,
  CapturePaymentRequestSchema,
  CaptureResponseSchema,
  CapturesResponseSchema,
  CreatedTokenResponseSchema,
  CreatePaymentRequestSchema,
  CreatePaymentResponseSchema,
  CreatePayoutRequestSchema,
  CreateTokenRequestSchema,
  OnlineMerchantParamsSchema,
  OnlinePaymentParamsSchema,
  OnlinePayoutParamsSchema,
  OnlineTokenParamsSchema,
  PaymentDetailsResponseSchema,
  PaymentErrorResponseSchema,
  PaymentResponseSchema,
  PayoutResponseSchema,
  RefundRequestSchema,
  RefundResponseSchema,
  RefundsResponseSchema,
  SubsequentPaymentRequestSchema,
  SubsequentPaymentResponseSchema,
  TestConnectionResponseSchema,
  TokenResponseSchema,
} from '../../src-shared/online-api';
import { defineRoute, type AnyApiRoute, type ApiRoute, type NoInput } from '../routing/contract';
import type { OnlineDeps } from './deps';
import { paymentHandlers } from './payments';
import { payoutHandlers, serviceHandlers, tokenHandlers } from './payouts-tokens';

const BASE = '/v2/{merchantId}';

/** What every online route shares: a merchant API key, Worldline's property names. */
const ONLINE = { auth: 'merchant', propertyNames: 'bare' } as const;

/** Every request: plain HTTP from afar is refused before the signature is looked at. */
const ANY: readonly ErrorCode[] = ['HTTPS_REQUIRED'];
/** Every POST: its body, and its idempotence key. */
const POSTED: readonly ErrorCode[] = [
  ...ANY,
  'REQUEST_BODY_NOT_UTF8',
  'REQUEST_BODY_TOO_LARGE',
  'IDEMPOTENCE_REQUEST_IN_PROGRESS',
  'IDEMPOTENCE_KEY_REUSED',
];
const AMOUNT: readonly ErrorCode[] = ['AMOUNT_NOT_POSITIVE', 'AMOUNT_NOT_SAFE_INTEGER', 'UNKNOWN_CURRENCY'];
const PAYMENT_IN_PATH: readonly ErrorCode[] = ['PAYMENT_ID_INVALID', 'PAYMENT_NOT_FOUND'];
/** A call to the acquirer through the write-ahead journal. */
const JOURNALED: readonly ErrorCode[] = ['ACQUIRER_TIMEOUT', 'RECORDING_PENDING', 'MONEY_MOVED_NOT_RECORDED'];
const DECLINES: readonly ErrorCode[] = ['CARD_DECLINED', 'INSUFFICIENT_FUNDS', 'CARD_EXPIRED', 'CARD_STOLEN'];
/** Money back or a draw on an authorisation: the ledger's refusals. */
const MOVEMENT: readonly ErrorCode[] = [
  'CURRENCY_MISMATCH',
  'PAYMENT_NOT_SUCCESSFUL',
  'PAYMENT_CANCELLED',
  'PAYMENT_OUTCOME_UNKNOWN',
  'ACQUIRER_DECLINED',
];

/**
 * An online route: the contract's declaration with the online API's defaults. Handlers keep their own
 * signature (deps.ts `OnlineHandler`); the contract checks it against the route's schemas.
 */
function online<PS extends z.ZodType, RS extends z.ZodType, BS extends z.ZodType = typeof NoInput>(
  route: Omit<ApiRoute<PS, typeof NoInput, BS, RS>, 'auth' | 'propertyNames' | 'idempotent'>,
): AnyApiRoute {
  return defineRoute({ ...ONLINE, idempotent: route.method === 'POST', ...route });
}

export function onlineRoutes(deps: OnlineDeps): AnyApiRoute[] {
  const payments = paymentHandlers(deps);
  const payouts = payoutHandlers(deps);
  const tokens = tokenHandlers(deps);
  const services = serviceHandlers();
  return [
    online({
      method: 'POST',
      path: `${BASE}/payments`,
      operationId: 'createPayment',
      tag: 'Payments',
      summary: 'Create a card payment (card data or a token), optionally storing the card',
      description:
        'SALE (default), FINAL_AUTHORIZATION or PRE_AUTHORIZATION. A decline is answered with the status of ' +
        'its code (402 for CARD_DECLINED …) in a PaymentErrorResponse whose `paymentResult` holds the ' +
        'recorded payment (status REJECTED). An unknown outcome (acquirer time-out) is 201 with status ' +
        'AUTHORIZATION_REQUESTED; read the payment again later.',
      params: OnlineMerchantParamsSchema,
      body: CreatePaymentRequestSchema,
      answer: { status: 201, schema: CreatePaymentResponseSchema, description: 'The payment' },
      errorAnswer: PaymentErrorResponseSchema,
      errors: [
        ...POSTED,
        ...AMOUNT,
        ...DECLINES,
        ...JOURNALED,
        'CARD_INVALID',
        'TOKEN_NOT_FOUND',
        'TOKEN_DELETED',
      ],
      handler: payments.create,
    }),
    online({
      method: 'GET',
      path: `${BASE}/payments/{paymentId}`,
      operationId: 'getPayment',
      tag: 'Payments',
      summary: 'Get a payment (in store or online); an unknown outcome is asked of the acquirer first',
      params: OnlinePaymentParamsSchema,
      answer: { status: 200, schema: PaymentResponseSchema, description: 'The payment' },
      errors: [...ANY, ...PAYMENT_IN_PATH],
      handler: payments.get,
    }),
    online({
      method: 'GET',
      path: `${BASE}/payments/{paymentId}/details`,
      operationId: 'getPaymentDetails',
      tag: 'Payments',
      summary: 'Get a payment with the money operations of its whole order (`Operations`)',
      params: OnlinePaymentParamsSchema,
      answer: {
        status: 200,
        schema: PaymentDetailsResponseSchema,
        description: 'The payment and operations',
      },
      errors: [...ANY, ...PAYMENT_IN_PATH],
      handler: payments.details,
    }),
    online({
      method: 'POST',
      path: `${BASE}/payments/{paymentId}/subsequent`,
      operationId: 'subsequentPayment',
      tag: 'Payments',
      summary: 'Charge the card on file of any payment of an order again (merchant-initiated), same order',
      description:
        'The card of the named payment, else of the order’s initial payment: an in-store card with a token, ' +
        'a card stored on file (first payment with `unscheduledCardOnFileSequenceIndicator: first`) or a ' +
        'token. Declines as for createPayment.',
      params: OnlinePaymentParamsSchema,
      body: SubsequentPaymentRequestSchema,
      answer: { status: 201, schema: SubsequentPaymentResponseSchema, description: 'The new payment' },
      errorAnswer: PaymentErrorResponseSchema,
      errors: [
        ...POSTED,
        ...PAYMENT_IN_PATH,
        ...AMOUNT,
        ...DECLINES,
        ...JOURNALED,
        'PAYMENT_OUTCOME_UNKNOWN',
        'CARD_NOT_ON_FILE',
        'TOKEN_NOT_FOUND',
        'TOKEN_DELETED',
        'CURRENCY_MISMATCH',
        'ORDER_AMOUNT_EXCEEDED',
      ],
      handler: payments.subsequent,
    }),
    online({
      method: 'POST',
      path: `${BASE}/payments/{paymentId}/refund`,
      operationId: 'refundPayment',
      tag: 'Payments',
      summary: 'Refund a payment (whole without an amount, or partly; several times)',
      description:
        'Capped by what the payment collected and what its order still holds. One refund of an order at a ' +
        'time across every channel (the order’s refund lock): 409 REFUND_ORDER_LOCKED while another runs.',
      params: OnlinePaymentParamsSchema,
      body: RefundRequestSchema,
      answer: { status: 201, schema: RefundResponseSchema, description: 'The refund' },
      errors: [
        ...POSTED,
        ...PAYMENT_IN_PATH,
        ...AMOUNT,
        ...MOVEMENT,
        ...JOURNALED,
        'REFUND_EXCEEDS_REFUNDABLE',
        'NOTHING_CAPTURED',
        'REFUND_ORDER_LOCKED',
      ],
      handler: payments.refund,
    }),
    online({
      method: 'POST',
      path: `${BASE}/payments/{paymentId}/capture`,
      operationId: 'capturePayment',
      tag: 'Payments',
      summary: 'Capture an authorisation (whole without an amount, or partly; several times until final)',
      params: OnlinePaymentParamsSchema,
      body: CapturePaymentRequestSchema,
      answer: { status: 200, schema: CaptureResponseSchema, description: 'The capture' },
      errors: [
        ...POSTED,
        ...PAYMENT_IN_PATH,
        ...AMOUNT,
        ...MOVEMENT,
        ...JOURNALED,
        'NOT_AN_AUTHORISATION',
        'AUTHORISATION_CLOSED',
        'CAPTURE_EXCEEDS_AUTHORISED',
      ],
      handler: payments.capture,
    }),
    online({
      method: 'POST',
      path: `${BASE}/payments/{paymentId}/cancel`,
      operationId: 'cancelPayment',
      tag: 'Payments',
      summary: 'Cancel a payment (void it whole), or release part of an open authorisation',
      params: OnlinePaymentParamsSchema,
      body: CancelPaymentRequestSchema,
      answer: { status: 200, schema: CancelPaymentResponseSchema, description: 'The payment after it' },
      errors: [
        ...POSTED,
        ...PAYMENT_IN_PATH,
        ...AMOUNT,
        ...MOVEMENT,
        ...JOURNALED,
        'CANCEL_NOT_POSSIBLE',
        'NOT_AN_AUTHORISATION',
        'AUTHORISATION_CLOSED',
        'REVERSAL_EXCEEDS_REMAINING',
        'REFUND_ORDER_LOCKED',
      ],
      handler: payments.cancel,
    }),
    online({
      method: 'GET',
      path: `${BASE}/payments/{paymentId}/refunds`,
      operationId: 'getRefunds',
      tag: 'Refunds',
      summary: 'The refunds of a payment',
      params: OnlinePaymentParamsSchema,
      answer: { status: 200, schema: RefundsResponseSchema, description: 'Its refunds, oldest first' },
      errors: [...ANY, ...PAYMENT_IN_PATH],
      handler: payments.listRefunds,
    }),
    online({
      method: 'GET',
      path: `${BASE}/payments/{paymentId}/captures`,
      operationId: 'getCaptures',
      tag: 'Captures',
      summary: 'The captures of a payment',
      params: OnlinePaymentParamsSchema,
      answer: { status: 200, schema: CapturesResponseSchema, description: 'Its captures, oldest first' },
      errors: [...ANY, ...PAYMENT_IN_PATH],
      handler: payments.listCaptures,
    }),
    online({
      method: 'POST',
      path: `${BASE}/payouts`,
      operationId: 'createPayout',
      tag: 'Payouts',
      summary:
        'Pay money back to the card of a payment, beyond that payment (capped by what the order collected)',
      params: OnlineMerchantParamsSchema,
      body: CreatePayoutRequestSchema,
      answer: { status: 201, schema: PayoutResponseSchema, description: 'The payout' },
      errors: [
        ...POSTED,
        ...AMOUNT,
        ...MOVEMENT,
        ...JOURNALED,
        ...PAYMENT_IN_PATH,
        'PAYOUT_EXCEEDS_COLLECTED',
        'REFUND_ORDER_LOCKED',
      ],
      handler: payouts.create,
    }),
    online({
      method: 'GET',
      path: `${BASE}/payouts/{payoutId}`,
      operationId: 'getPayout',
      tag: 'Payouts',
      summary: 'Get a payout',
      params: OnlinePayoutParamsSchema,
      answer: { status: 200, schema: PayoutResponseSchema, description: 'The payout' },
      errors: [...ANY, 'OPERATION_NOT_FOUND'],
      handler: payouts.get,
    }),
    online({
      method: 'POST',
      path: `${BASE}/tokens`,
      operationId: 'createToken',
      tag: 'Tokens',
      summary: 'Store a card as a token (no charge)',
      params: OnlineMerchantParamsSchema,
      body: CreateTokenRequestSchema,
      answer: { status: 201, schema: CreatedTokenResponseSchema, description: 'The token' },
      errors: [...POSTED, 'CARD_INVALID'],
      handler: tokens.create,
    }),
    online({
      method: 'GET',
      path: `${BASE}/tokens/{tokenId}`,
      operationId: 'getToken',
      tag: 'Tokens',
      summary: 'Get a token (the card masked)',
      params: OnlineTokenParamsSchema,
      answer: { status: 200, schema: TokenResponseSchema, description: 'The token' },
      errors: [...ANY, 'TOKEN_NOT_FOUND', 'TOKEN_DELETED'],
      handler: tokens.get,
    }),
    online({
      method: 'DELETE',
      path: `${BASE}/tokens/{tokenId}`,
      operationId: 'deleteToken',
      tag: 'Tokens',
      summary: 'Delete a token: it can no longer be charged',
      params: OnlineTokenParamsSchema,
      answer: { status: 204, schema: z.null(), description: 'Deleted (empty body)' },
      errors: [...ANY, 'TOKEN_NOT_FOUND', 'TOKEN_DELETED'],
      handler: tokens.remove,
    }),
    online({
      method: 'GET',
      path: `${BASE}/services/testconnection`,
      operationId: 'testConnection',
      tag: 'Services',
      summary: 'Check that the key, the signature and the clock are right',
      params: OnlineMerchantParamsSchema,
      answer: { status: 200, schema: TestConnectionResponseSchema, description: '`{"result":"OK"}`' },
      errors: ANY,
      handler: services.testConnection,
    }),
  ];
}
