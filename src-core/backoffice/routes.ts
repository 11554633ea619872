/**
 * The back-office API (issue 3 "Back-office API"): `/backoffice/v1/{merchantId}/…`, authenticated with the
 * merchant's API key (v1HMAC, like the online API). Orders and operations (requirement 003), chargebacks,
 * chargeback reversals and rebills (requirement 002), contracts (stored cards). Declared as data
 * (routing/contract.ts), so the OpenAPI document is generated from the same schemas that validate requests.
 */
import { z } from 'zod';
import { PaymentIdSchema, UuidSchema } from '../../src-shared';
import {
  BackOfficeOperationSchema,
  ContractIdParamSchema,
  CustomerIdParamSchema,
  MerchantIdParamSchema,
  BackOfficeOrderSchema,
  CancelRequestSchema,
  CaptureRequestSchema,
  ContractDeactivationRequestSchema,
  ContractSchema,
  CustomerContractsSchema,
  OperationResultSchema,
  OperationsPageSchema,
  OperationsQuerySchema,
  OrdersPageSchema,
  OrdersQuerySchema,
  PaymentAdjustmentRequestSchema,
  RefundRequestSchema,
} from '../../src-shared/backoffice-api';
import type { Acquirer } from '../acquirer/acquirer';
import { defineRoute, type AnyApiRoute } from '../routing/contract';
import { fail } from '../routing/api-error';
import type { RequestKey } from '../journal/entries';
import type { AcquirerJournal } from '../journal/journal';
import { currentRefundLock } from '../payments/refund-lock';
import { loadOrderInTx } from '../ledger/loaded-order';
import type { LedgerService } from '../ledger/service';
import { selectOperation } from '../ledger/store';
import { backOfficeActions, type Actor } from './actions';
import { customerContracts, deactivateContract } from './contracts';
import { listOperations, listOrders } from './queries';
import { moneyFromRequest, operationView, orderView } from './views';

const BASE = '/backoffice/v1/{merchantId}';
const TAG = 'Back office';
const MerchantParams = z.object({ merchantId: MerchantIdParamSchema });
const OrderParams = MerchantParams.extend({ orderId: UuidSchema });
const OperationParams = MerchantParams.extend({ operationId: UuidSchema });
const PaymentParams = MerchantParams.extend({ paymentId: PaymentIdSchema });

export interface BackOfficeDeps {
  ledger: LedgerService;
  acquirer: Acquirer;
  journal: AcquirerJournal;
}

export function backOfficeRoutes(deps: BackOfficeDeps): AnyApiRoute[] {
  const { ledger } = deps;
  const db = ledger.db;
  const actions = backOfficeActions(deps);
  const actor = (
    merchantId: string,
    keyId: string,
    body: { operatorId?: string; merchantReference?: string },
    requestKey: RequestKey | null,
  ): Actor => ({
    merchantId,
    keyId,
    operatorId: body.operatorId ?? null,
    merchantReference: body.merchantReference ?? null,
    requestKey,
  });
  const ACTION_ERRORS = [
    'OPERATION_NOT_FOUND',
    'OPERATION_NOT_APPLICABLE',
    'PAYMENT_NOT_SUCCESSFUL',
    'PAYMENT_CANCELLED',
    'PAYMENT_OUTCOME_UNKNOWN',
    'AMOUNT_NOT_POSITIVE',
    'AMOUNT_NOT_SAFE_INTEGER',
    'UNKNOWN_CURRENCY',
    'CURRENCY_MISMATCH',
    'IDEMPOTENCE_REQUEST_IN_PROGRESS',
    'IDEMPOTENCE_KEY_REUSED',
  ] as const;
  const ADJUST_ERRORS = ACTION_ERRORS.filter((c) => !c.startsWith('OPERATION_'));
  /** Actions that call the acquirer (through the write-ahead journal). */
  const ACQUIRER_ERRORS = [
    'ACQUIRER_DECLINED',
    'ACQUIRER_TIMEOUT',
    'RECORDING_PENDING',
    'MONEY_MOVED_NOT_RECORDED',
  ] as const;

  return [
    defineRoute({
      method: 'GET',
      path: `${BASE}/orders`,
      operationId: 'listOrders',
      tag: TAG,
      summary: 'List orders, newest first, with filters and cursor paging',
      description:
        'Filters combine with AND. `status` is derived from the ledger (see OrderStatus). Paging uses a keyset ' +
        'cursor on (recordedAt, orderId): pages stay stable while new orders arrive (they sort before page one).',
      auth: 'merchant',
      params: MerchantParams,
      query: OrdersQuerySchema,
      answer: { status: 200, schema: OrdersPageSchema, description: 'One page of orders' },
      errors: [],
      handler: async ({ params, query }) => listOrders(db, params.merchantId, query),
    }),
    defineRoute({
      method: 'GET',
      path: `${BASE}/orders/{orderId}`,
      operationId: 'getOrder',
      tag: TAG,
      summary: 'Get an order with its whole chain: payments, operations (with their channel) and balances',
      auth: 'merchant',
      params: OrderParams,
      answer: { status: 200, schema: BackOfficeOrderSchema, description: 'The order' },
      errors: ['ORDER_NOT_FOUND'],
      handler: async ({ params }) => {
        const loaded = await loadOrderInTx(db, params.merchantId, params.orderId);
        if (!loaded) throw fail('ORDER_NOT_FOUND', { orderId: params.orderId });
        return orderView(loaded, await currentRefundLock(db, params.orderId));
      },
    }),
    defineRoute({
      method: 'GET',
      path: `${BASE}/operations`,
      operationId: 'listOperations',
      tag: TAG,
      summary: 'List operations, newest first, with filters and cursor paging',
      auth: 'merchant',
      params: MerchantParams,
      query: OperationsQuerySchema,
      answer: { status: 200, schema: OperationsPageSchema, description: 'One page of operations' },
      errors: [],
      handler: async ({ params, query }) => {
        const page = await listOperations(db, params.merchantId, query);
        return { operations: page.operations.map(operationView), nextCursor: page.nextCursor };
      },
    }),
    defineRoute({
      method: 'GET',
      path: `${BASE}/operations/{operationId}`,
      operationId: 'getOperation',
      tag: TAG,
      summary: 'Get one operation',
      auth: 'merchant',
      params: OperationParams,
      answer: { status: 200, schema: BackOfficeOperationSchema, description: 'The operation' },
      errors: ['OPERATION_NOT_FOUND'],
      handler: async ({ params }) => {
        const stored = await selectOperation(db, params.merchantId, params.operationId);
        if (!stored) throw fail('OPERATION_NOT_FOUND', { operationId: params.operationId });
        return operationView(stored);
      },
    }),
    defineRoute({
      method: 'POST',
      path: `${BASE}/operations/{operationId}/captures`,
      operationId: 'captureOperation',
      tag: TAG,
      summary: 'Capture on an AUTHORISATION operation (partial, multiple, final)',
      description: 'Without amountMinor: everything still open, as a final capture.',
      auth: 'merchant',
      params: OperationParams,
      body: CaptureRequestSchema,
      answer: { status: 201, schema: OperationResultSchema, description: 'The capture recorded' },
      errors: [
        ...ACTION_ERRORS,
        'NOT_AN_AUTHORISATION',
        'AUTHORISATION_CLOSED',
        'CAPTURE_EXCEEDS_AUTHORISED',
        ...ACQUIRER_ERRORS,
      ],
      idempotent: true,
      handler: async ({ params, body, credentials, requestKey }) =>
        actions.capture(
          actor(params.merchantId, credentials.keyId, body, requestKey),
          params.operationId,
          body.amountMinor,
          body.isFinal,
        ),
    }),
    defineRoute({
      method: 'POST',
      path: `${BASE}/operations/{operationId}/refunds`,
      operationId: 'refundOperation',
      tag: TAG,
      summary: 'Refund on the payment of a SALE, CAPTURE or REBILL operation',
      description:
        'Capped by what that payment collected and by the order. Holds the order refund lock across the ' +
        'acquirer call: a refund or payout in flight on the same order from any channel answers ' +
        'REFUND_ORDER_LOCKED. Without an amount: everything refundable on the payment.',
      auth: 'merchant',
      params: OperationParams,
      body: RefundRequestSchema,
      answer: { status: 201, schema: OperationResultSchema, description: 'The refund recorded' },
      errors: [
        ...ACTION_ERRORS,
        'NOTHING_CAPTURED',
        'REFUND_EXCEEDS_REFUNDABLE',
        'REFUND_ORDER_LOCKED',
        ...ACQUIRER_ERRORS,
      ],
      idempotent: true,
      handler: async ({ params, body, credentials, requestKey }) =>
        actions.refund(
          actor(params.merchantId, credentials.keyId, body, requestKey),
          params.operationId,
          body.amount ? moneyFromRequest(body.amount, 'body.amount') : null,
        ),
    }),
    defineRoute({
      method: 'POST',
      path: `${BASE}/operations/{operationId}/cancels`,
      operationId: 'cancelOperation',
      tag: TAG,
      summary: 'Cancel the payment of an operation, or reverse part of its open authorisation',
      description:
        'Without an amount the whole payment is cancelled (what it captured is voided; holds the order refund ' +
        'lock). With an amount, that part of the open authorisation is reversed.',
      auth: 'merchant',
      params: OperationParams,
      body: CancelRequestSchema,
      answer: { status: 201, schema: OperationResultSchema, description: 'The cancel or reversal recorded' },
      errors: [
        ...ACTION_ERRORS,
        'CANCEL_NOT_POSSIBLE',
        'REVERSAL_EXCEEDS_REMAINING',
        'REFUND_ORDER_LOCKED',
        ...ACQUIRER_ERRORS,
      ],
      idempotent: true,
      handler: async ({ params, body, credentials, requestKey }) =>
        actions.cancel(
          actor(params.merchantId, credentials.keyId, body, requestKey),
          params.operationId,
          body.amount ? moneyFromRequest(body.amount, 'body.amount') : null,
        ),
    }),
    defineRoute({
      method: 'POST',
      path: `${BASE}/payments/{paymentId}/chargebacks`,
      operationId: 'chargebackPayment',
      tag: TAG,
      summary: 'Record a chargeback the acquirer notified',
      description: 'Takes back at most what the payment and the order still hold. No acquirer call, no lock.',
      auth: 'merchant',
      params: PaymentParams,
      body: PaymentAdjustmentRequestSchema,
      answer: { status: 201, schema: OperationResultSchema, description: 'The chargeback recorded' },
      errors: [...ADJUST_ERRORS, 'PAYMENT_NOT_FOUND', 'CHARGEBACK_EXCEEDS_AVAILABLE'],
      idempotent: true,
      handler: async ({ params, body, credentials, requestKey }) =>
        actions.chargeback(
          actor(params.merchantId, credentials.keyId, body, requestKey),
          params.paymentId,
          moneyFromRequest(body.amount, 'body.amount'),
        ),
    }),
    defineRoute({
      method: 'POST',
      path: `${BASE}/payments/{paymentId}/chargeback-reversals`,
      operationId: 'reverseChargeback',
      tag: TAG,
      summary: 'Record a chargeback reversal (the dispute was won)',
      description: 'Restores at most what is charged back on the payment.',
      auth: 'merchant',
      params: PaymentParams,
      body: PaymentAdjustmentRequestSchema,
      answer: { status: 201, schema: OperationResultSchema, description: 'The reversal recorded' },
      errors: [...ADJUST_ERRORS, 'PAYMENT_NOT_FOUND', 'CHARGEBACK_REVERSAL_EXCEEDS_CHARGEBACK'],
      idempotent: true,
      handler: async ({ params, body, credentials, requestKey }) =>
        actions.chargebackReversal(
          actor(params.merchantId, credentials.keyId, body, requestKey),
          params.paymentId,
          moneyFromRequest(body.amount, 'body.amount'),
        ),
    }),
    defineRoute({
      method: 'POST',
      path: `${BASE}/payments/{paymentId}/rebills`,
      operationId: 'rebillPayment',
      tag: TAG,
      summary: "Rebill: charge the payment's card again, on top of what it collected",
      description:
        'The acquirer charges the card on file of the payment (merchant-initiated); a decline answers its ' +
        'decline code and records nothing. Needs something captured on the payment.',
      auth: 'merchant',
      params: PaymentParams,
      body: PaymentAdjustmentRequestSchema,
      answer: { status: 201, schema: OperationResultSchema, description: 'The rebill recorded' },
      errors: [
        ...ADJUST_ERRORS,
        'PAYMENT_NOT_FOUND',
        'REBILL_NOT_POSSIBLE',
        'CARD_NOT_ON_FILE',
        'CARD_DECLINED',
        'INSUFFICIENT_FUNDS',
        'CARD_EXPIRED',
        'CARD_STOLEN',
        ...ACQUIRER_ERRORS,
      ],
      idempotent: true,
      handler: async ({ params, body, credentials, requestKey }) =>
        actions.rebill(
          actor(params.merchantId, credentials.keyId, body, requestKey),
          params.paymentId,
          moneyFromRequest(body.amount, 'body.amount'),
        ),
    }),
    defineRoute({
      method: 'GET',
      path: `${BASE}/contracts/customers/{customerId}`,
      operationId: 'listCustomerContracts',
      tag: TAG,
      summary: "A customer's stored cards (brand, last four, expiry, status) for one-click payments",
      auth: 'merchant',
      params: MerchantParams.extend({ customerId: CustomerIdParamSchema }),
      answer: { status: 200, schema: CustomerContractsSchema, description: "The customer's contracts" },
      errors: [],
      handler: async ({ params, now }) => customerContracts(db, params.merchantId, params.customerId, now),
    }),
    defineRoute({
      method: 'POST',
      path: `${BASE}/contracts/{contractId}/deactivation`,
      operationId: 'deactivateContract',
      tag: TAG,
      summary: 'Deactivate a contract: it can no longer be charged, in any channel',
      auth: 'merchant',
      params: MerchantParams.extend({ contractId: ContractIdParamSchema }),
      body: ContractDeactivationRequestSchema,
      answer: { status: 200, schema: ContractSchema, description: 'The contract, deactivated' },
      errors: ['TOKEN_NOT_FOUND', 'TOKEN_DELETED'],
      handler: async ({ params, now }) =>
        deactivateContract(db, ledger.ctx, params.merchantId, params.contractId, now),
    }),
  ];
}
