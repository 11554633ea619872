/**
 * The terminal host's signed client of the core's terminal sync API (`/sync/v1/…`, src-core/sync/routes.ts):
 * one typed method per endpoint, used by the sync daemon (push, pull) and by the host for the calls that are
 * not queued (refund reservations, who-am-I, an order's state for reconciliation and refund screens).
 *
 * - Signs with the terminal's key: v1HMAC over the string src-shared/v1hmac.ts builds (the core verifies the
 *   same string), HMAC from node:crypto.
 * - Sends SYNC_BODY_DIGEST_HEADER (base64 SHA-256 of the exact body bytes) with every POST: it is an X-GCS-*
 *   header, so the signature covers it and a body changed in transit no longer matches.
 * - Validates every answer with the protocol's zod schemas; an answer that does not parse is a failure,
 *   never a half-understood success.
 * - Classifies every failure as `transient` (network, timeout, 5xx, 429, a retryable catalog code: send the
 *   same request again later) or `rejected` (a final catalog error: sending it again will not help).
 */
import type { z } from 'zod';
import {
  ConfirmReservationResponseSchema,
  ReservationSchema,
  SyncOrderStateSchema,
  SyncPullResponseSchema,
  SyncPushResponseSchema,
  type SyncMessage,
} from '../../src-shared/sync-protocol';
import { TerminalInfoSchema } from './core-answers';
import { createCoreClientCall, type CoreResult } from './signed-call';

export {
  bodyDigest,
  classifyFailure,
  DEFAULT_CORE_TIMEOUT_MS,
  signedHeaders,
  type CoreFailure,
  type CoreResult,
  type FailureKind,
} from './signed-call';

export type SyncPushAnswer = z.output<typeof SyncPushResponseSchema>;
export type SyncPullAnswer = z.output<typeof SyncPullResponseSchema>;
export type ReservationAnswer = z.output<typeof ReservationSchema>;
export type ConfirmReservationAnswer = z.output<typeof ConfirmReservationResponseSchema>;
export type TerminalInfo = z.output<typeof TerminalInfoSchema>;
export type OrderStateAnswer = z.output<typeof SyncOrderStateSchema>;

/** Wire shapes the host sends (ids as plain strings, as they are stored). */
export interface ReserveRefundInput {
  reservationId: string;
  paymentId: string;
  amount: { amountMinor: number; currency: string };
  ttlSeconds?: number;
}

export interface ConfirmReservationInput {
  operationId: string;
  amount: { amountMinor: number; currency: string };
  occurredAt: string;
  terminalReference?: string | null;
  operatorId?: string | null;
}

export interface CoreClientOptions {
  /** e.g. http://127.0.0.1:8080 */
  baseUrl: string;
  /** The terminal's key id and secret from enrollment. */
  keyId: string;
  secret: string;
  /** How long one request may take before it counts as failed (transient). Default 15 s. */
  timeoutMs?: number;
  /**
   * Long-poll pulls: pass `waitSeconds` on GET /sync/v1/changes so the core holds an empty page open until a
   * change arrives. Off (0) by default because a core without long-poll may refuse the unknown parameter.
   */
  longPollSeconds?: number;
  /** The clock used for the Date header (injected in tests). */
  now?: () => Date;
}

export interface CoreClient {
  readonly baseUrl: string;
  whoAmI(): Promise<CoreResult<TerminalInfo>>;
  push(
    messages: readonly SyncMessage[] | readonly Record<string, unknown>[],
  ): Promise<CoreResult<SyncPushAnswer>>;
  changes(after: number, limit?: number): Promise<CoreResult<SyncPullAnswer>>;
  reserveRefund(input: ReserveRefundInput): Promise<CoreResult<ReservationAnswer>>;
  getReservation(reservationId: string): Promise<CoreResult<ReservationAnswer>>;
  confirmReservation(
    reservationId: string,
    input: ConfirmReservationInput,
  ): Promise<CoreResult<ConfirmReservationAnswer>>;
  releaseReservation(reservationId: string): Promise<CoreResult<ReservationAnswer>>;
  /** An order of this terminal's store as the core has it (ORDER_NOT_FOUND, rejected, for any other). */
  order(orderId: string): Promise<CoreResult<OrderStateAnswer>>;
  /** The order of this store holding a 19-digit payment id (PAYMENT_NOT_FOUND, rejected, for any other). */
  orderOfPayment(paymentId: string): Promise<CoreResult<OrderStateAnswer>>;
}

export function createCoreClient(options: CoreClientOptions): CoreClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const call = createCoreClientCall(options);
  const longPoll = options.longPollSeconds ?? 0;

  const reservationPath = (id: string) => `/sync/v1/reservations/${encodeURIComponent(id)}`;

  return {
    baseUrl,
    whoAmI: () => call('GET', '/sync/v1/terminal', undefined, TerminalInfoSchema),
    push: (messages) => call('POST', '/sync/v1/push', { messages }, SyncPushResponseSchema),
    changes: (after, limit = 100) => {
      const wait = longPoll > 0 ? `&waitSeconds=${longPoll}` : '';
      return call(
        'GET',
        `/sync/v1/changes?after=${after}&limit=${limit}${wait}`,
        undefined,
        SyncPullResponseSchema,
        longPoll * 1000,
      );
    },
    reserveRefund: (input) => call('POST', '/sync/v1/reservations', input, ReservationSchema),
    getReservation: (id) => call('GET', reservationPath(id), undefined, ReservationSchema),
    confirmReservation: (id, input) =>
      call('POST', `${reservationPath(id)}/confirm`, input, ConfirmReservationResponseSchema),
    // No body: the route takes none, and Fastify refuses an empty body declared as JSON.
    releaseReservation: (id) => call('POST', `${reservationPath(id)}/release`, undefined, ReservationSchema),
    order: (orderId) =>
      call('GET', `/sync/v1/orders/${encodeURIComponent(orderId)}`, undefined, SyncOrderStateSchema),
    orderOfPayment: (paymentId) =>
      call(
        'GET',
        `/sync/v1/payments/${encodeURIComponent(paymentId)}/order`,
        undefined,
        SyncOrderStateSchema,
      ),
  };
}
