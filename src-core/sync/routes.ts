/**
 * The terminal sync API (`/sync/v1/…`, issue 3 "Terminal sync API"): terminals authenticate with their own
 * v1HMAC key (enrolled with `npm run core -- enroll-terminal`); the key says which merchant, store and
 * terminal it is, so paths carry no ids of their own. Contracts are in src-shared/sync-protocol.ts, shared with
 * the terminal app; the routes are declared as data (routing/contract.ts) and appear in the OpenAPI document.
 */
import { z } from 'zod';
import { UuidSchema } from '../../src-shared';
import {
  ConfirmReservationRequestSchema,
  ConfirmReservationResponseSchema,
  MAX_PULL_WAIT_SECONDS,
  ReservationSchema,
  ReserveRefundRequestSchema,
  SyncOrderParamsSchema,
  SyncOrderStateSchema,
  SyncPaymentOrderParamsSchema,
  SyncPullQuerySchema,
  SyncPullResponseSchema,
  SyncPushEnvelopeSchema,
  SyncPushResponseSchema,
} from '../../src-shared/sync-protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { Terminal } from '../accounts/accounts';
import { defineRoute, type AnyApiRoute } from '../routing/contract';
import type { KeyCredentials } from '../accounts/accounts';
import { storeFeedHead } from '../ledger/feed';
import type { LedgerService } from '../ledger/service';
import type { StoreFeedWaiters } from './feed-waiters';
import { orderStateById, orderStateByPayment } from './order-state';
import { pullChangesWaiting } from './pull';
import { pushBatch } from './push';
import { confirmReservation, getReservation, releaseReservation, reserve } from './reservations';

const TAG = 'Terminal sync';
const ReservationParams = z.object({ reservationId: UuidSchema });

function terminalOf(credentials: KeyCredentials): Terminal {
  if (!credentials.terminal) throw new Error('terminal route reached without terminal credentials');
  return credentials.terminal;
}

export interface SyncDeps {
  ledger: LedgerService;
  log: FastifyBaseLogger;
  /** Waiting pulls, woken when their store's feed moves (server.ts wires the notifications). */
  feedWaiters: StoreFeedWaiters;
}

export function syncRoutes(deps: SyncDeps): AnyApiRoute[] {
  const { ledger } = deps;
  const db = ledger.db;
  return [
    defineRoute({
      method: 'GET',
      path: '/sync/v1/terminal',
      operationId: 'whoAmI',
      tag: TAG,
      summary: 'The terminal this key belongs to, its store feed head and the core clock',
      auth: 'terminal',
      answer: {
        status: 200,
        description: 'The enrolled terminal',
        schema: z.object({
          terminalId: UuidSchema,
          merchantId: z.string(),
          storeId: UuidSchema,
          issuer: z.number().int(),
          feedHead: z.number().int().nonnegative(),
          serverTime: z.iso.datetime({ offset: true }),
        }),
      },
      errors: [],
      handler: async ({ credentials, now }) => {
        const t = terminalOf(credentials);
        return {
          terminalId: t.terminalId,
          merchantId: t.merchantId,
          storeId: t.storeId,
          issuer: t.issuer,
          feedHead: await storeFeedHead(db, t.storeId),
          serverTime: now.toISOString(),
        };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/sync/v1/push',
      operationId: 'pushMessages',
      tag: TAG,
      summary: 'Push an ordered batch of terminal messages; each is answered accepted, duplicate or rejected',
      description:
        'Each message is one of SyncMessage (src-shared/sync-protocol.ts): ORDER_CREATED, PAYMENT_RECORDED, ' +
        'CAPTURE, AUTHORISATION_REVERSAL, VOID, REFUND, CASH_MOVEMENT, END_OF_DAY. Each is applied in its own ' +
        'transaction, idempotent on messageId. A rejected message does not block the others, except those of ' +
        'the same batch that need what it would have created (SYNC_DEPENDS_ON_REJECTED).',
      auth: 'terminal',
      body: SyncPushEnvelopeSchema,
      answer: {
        status: 200,
        schema: SyncPushResponseSchema,
        description: 'One result per message, in order',
      },
      errors: [],
      handler: async ({ body, credentials }) => ({
        results: await pushBatch(
          { db, ctx: ledger.ctx, log: deps.log },
          terminalOf(credentials),
          body.messages,
        ),
      }),
    }),
    defineRoute({
      method: 'GET',
      path: '/sync/v1/changes',
      operationId: 'pullChanges',
      tag: TAG,
      summary: "Pull the store's change feed after a position: what other channels did to its orders",
      description:
        `With \`waitSeconds\` (long poll, at most ${MAX_PULL_WAIT_SECONDS}) and nothing after the cursor, the answer waits until the ` +
        "store's feed moves (answered within about a second of the change, whichever core process recorded " +
        'it) or the time is up (an empty page). Without it, the answer is immediate.',
      auth: 'terminal',
      query: SyncPullQuerySchema,
      answer: { status: 200, schema: SyncPullResponseSchema, description: 'Changes after the cursor' },
      errors: [],
      handler: async ({ query, credentials }) =>
        pullChangesWaiting(db, deps.feedWaiters, terminalOf(credentials), {
          after: query.after,
          limit: query.limit,
          waitMs: query.waitSeconds * 1_000,
        }),
    }),
    defineRoute({
      method: 'GET',
      path: '/sync/v1/orders/{orderId}',
      operationId: 'getStoreOrder',
      tag: TAG,
      summary:
        "An order of the terminal's store as the core has it: payments, every channel's operations, balances",
      description:
        'The same facts and balances as the back office (`getOrder`), read with the terminal key: what other ' +
        'channels refunded, what is still refundable, and the refund lock if one is held. Orders of another ' +
        'store or merchant answer ORDER_NOT_FOUND, like an order that does not exist.',
      auth: 'terminal',
      params: SyncOrderParamsSchema,
      answer: { status: 200, schema: SyncOrderStateSchema, description: 'The order' },
      errors: ['ORDER_NOT_FOUND'],
      handler: async ({ params, credentials }) => orderStateById(db, terminalOf(credentials), params.orderId),
    }),
    defineRoute({
      method: 'GET',
      path: '/sync/v1/payments/{paymentId}/order',
      operationId: 'getStoreOrderOfPayment',
      tag: TAG,
      summary: "The order of the terminal's store that holds this 19-digit payment id (from a receipt)",
      description:
        'Answers like `getStoreOrder`. A payment of another store or merchant answers PAYMENT_NOT_FOUND, ' +
        'like a payment that does not exist.',
      auth: 'terminal',
      params: SyncPaymentOrderParamsSchema,
      answer: { status: 200, schema: SyncOrderStateSchema, description: 'The order' },
      errors: ['PAYMENT_NOT_FOUND'],
      handler: async ({ params, credentials }) =>
        orderStateByPayment(db, terminalOf(credentials), params.paymentId),
    }),
    defineRoute({
      method: 'POST',
      path: '/sync/v1/reservations',
      operationId: 'reserveRefund',
      tag: TAG,
      summary:
        'Reserve a card-present refund: holds the order refund lock until confirmed, released or expired',
      auth: 'terminal',
      body: ReserveRefundRequestSchema,
      answer: { status: 201, schema: ReservationSchema, description: 'The reservation, HELD' },
      errors: [
        'PAYMENT_NOT_FOUND',
        'REFUND_ORDER_LOCKED',
        'REFUND_EXCEEDS_REFUNDABLE',
        'NOTHING_CAPTURED',
        'PAYMENT_NOT_SUCCESSFUL',
        'PAYMENT_CANCELLED',
        'CURRENCY_MISMATCH',
        'SYNC_ID_REUSED',
      ],
      handler: async ({ body, credentials }) => reserve(ledger, terminalOf(credentials), body),
    }),
    defineRoute({
      method: 'GET',
      path: '/sync/v1/reservations/{reservationId}',
      operationId: 'getReservation',
      tag: TAG,
      summary: 'A reservation of this terminal and its state (HELD, CONFIRMED, RELEASED or EXPIRED)',
      auth: 'terminal',
      params: ReservationParams,
      answer: { status: 200, schema: ReservationSchema, description: 'The reservation' },
      errors: ['REFUND_RESERVATION_NOT_FOUND'],
      handler: async ({ params, credentials }) =>
        getReservation(db, terminalOf(credentials), params.reservationId),
    }),
    defineRoute({
      method: 'POST',
      path: '/sync/v1/reservations/{reservationId}/confirm',
      operationId: 'confirmReservation',
      tag: TAG,
      summary:
        'Confirm a reservation with what the card terminal refunded (records the refund, frees the lock)',
      description:
        'Recorded even after the reservation expired (the money moved); what the ledger refuses (more than ' +
        'is refundable after another channel refunded) becomes a money exception for a manager, answered ' +
        'MONEY_MOVED_NOT_RECORDED. A retry with the same operationId answers duplicate: true.',
      auth: 'terminal',
      params: ReservationParams,
      body: ConfirmReservationRequestSchema,
      answer: { status: 201, schema: ConfirmReservationResponseSchema, description: 'The refund recorded' },
      errors: [
        'REFUND_RESERVATION_NOT_FOUND',
        'REFUND_RESERVATION_CLOSED',
        'REFUND_EXCEEDS_RESERVATION',
        'MONEY_MOVED_NOT_RECORDED',
        'CURRENCY_MISMATCH',
      ],
      handler: async ({ params, body, credentials }) =>
        confirmReservation(
          ledger,
          terminalOf(credentials),
          params.reservationId,
          {
            operationId: body.operationId,
            amount: body.amount,
            occurredAt: new Date(body.occurredAt),
            operatorId: body.operatorId ?? null,
          },
          deps.log,
        ),
    }),
    defineRoute({
      method: 'POST',
      path: '/sync/v1/reservations/{reservationId}/release',
      operationId: 'releaseReservation',
      tag: TAG,
      summary: 'Release a reservation without refunding (the card terminal declined, the cashier aborted)',
      auth: 'terminal',
      params: ReservationParams,
      answer: { status: 200, schema: ReservationSchema, description: 'The reservation, RELEASED' },
      errors: ['REFUND_RESERVATION_NOT_FOUND', 'REFUND_RESERVATION_CLOSED'],
      handler: async ({ params, credentials }) =>
        releaseReservation(ledger, terminalOf(credentials), params.reservationId),
    }),
  ];
}
