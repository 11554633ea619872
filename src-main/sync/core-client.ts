/**
 * The terminal host's signed client of the core's terminal sync API (`/sync/v1/…`, src-core/sync/routes.ts):
 * one typed method per endpoint, used by the sync daemon (push, pull) and by the host for the calls that are
 * not queued (refund reservations, who-am-I).
 *
 * - Signs with the terminal's key: v1HMAC over the string src-shared/v1hmac.ts builds (the core verifies the
 *   same string), HMAC from node:crypto.
 * - Sends SYNC_BODY_DIGEST_HEADER (base64 SHA-256 of the exact body bytes) with every body: it is an X-GCS-*
 *   header, so the signature covers it and a body changed in transit no longer matches.
 * - Validates every answer with the protocol's zod schemas; an answer that does not parse is a failure,
 *   never a half-understood success.
 * - Classifies every failure as `transient` (network, timeout, 5xx, 429, a retryable catalog code: send the
 *   same request again later) or `rejected` (a final catalog error: sending it again will not help).
 */
import { createHash, createHmac } from 'node:crypto';
import type { z } from 'zod';
import {
  catalogEntry,
  domainError,
  isErrorCode,
  err,
  ok,
  type ErrorCode,
  type Result,
} from '../../src-shared';
import {
  ConfirmReservationResponseSchema,
  ReservationSchema,
  SYNC_BODY_DIGEST_HEADER,
  SyncPullResponseSchema,
  SyncPushResponseSchema,
  type SyncMessage,
} from '../../src-shared/sync-protocol';
import { authorizationHeader, formatHttpDate, stringToSign } from '../../src-shared/v1hmac';
import { TerminalInfoSchema } from './core-answers';

export type FailureKind = 'transient' | 'rejected';

export interface CoreFailure {
  kind: FailureKind;
  code: ErrorCode;
  message: string;
  /** The HTTP status, or null when no answer arrived (network, timeout). */
  status: number | null;
  /** The request property the core named (`body.amount`), when it named one. */
  propertyName?: string;
}

export type CoreResult<T> = Result<T, CoreFailure>;

export type SyncPushAnswer = z.output<typeof SyncPushResponseSchema>;
export type SyncPullAnswer = z.output<typeof SyncPullResponseSchema>;
export type ReservationAnswer = z.output<typeof ReservationSchema>;
export type ConfirmReservationAnswer = z.output<typeof ConfirmReservationResponseSchema>;
export type TerminalInfo = z.output<typeof TerminalInfoSchema>;

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
}

export const DEFAULT_CORE_TIMEOUT_MS = 15_000;

/** base64 SHA-256 of the exact bytes sent (the value of SYNC_BODY_DIGEST_HEADER). */
export function bodyDigest(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('base64');
}

/** The headers of a signed request: Date, Content-Type and digest when there is a body, Authorization. */
export function signedHeaders(
  keyId: string,
  secret: string,
  method: string,
  pathAndQuery: string,
  body: string | undefined,
  date: Date,
): Record<string, string> {
  const headers: Record<string, string> = { Date: formatHttpDate(date) };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    headers[SYNC_BODY_DIGEST_HEADER] = bodyDigest(body);
  }
  const signature = createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(
      stringToSign({
        method,
        contentType: headers['Content-Type'],
        date: headers.Date!,
        headers,
        pathAndQuery,
      }),
      'utf8',
    )
    .digest('base64');
  headers.Authorization = authorizationHeader(keyId, signature);
  return headers;
}

/**
 * Transient or rejected, from the HTTP status and the catalog code the core sent. A 409 is transient only
 * when its code is retryable in the catalog (REFUND_ORDER_LOCKED, a request still in progress); other 4xx
 * are final. Auth failures (401) are final for the request: the daemon still keeps the messages queued
 * (a clock or key problem is not the messages' fault), but retrying the same request cannot succeed.
 */
export function classifyFailure(status: number, code: ErrorCode): FailureKind {
  if (status >= 500 || status === 429 || status === 408) return 'transient';
  if (status === 409 && catalogEntry(code).retryable) return 'transient';
  return 'rejected';
}

interface ApiErrorBody {
  errors?: { id?: unknown; message?: unknown; propertyName?: unknown }[];
}

function failureFromAnswer(status: number, body: unknown, text: string): CoreFailure {
  const first = (body as ApiErrorBody | null)?.errors?.[0];
  const id = typeof first?.id === 'string' ? first.id : '';
  const code: ErrorCode = isErrorCode(id)
    ? id
    : status >= 500 || status === 429
      ? 'SERVICE_UNAVAILABLE'
      : 'CORE_ANSWER_INVALID';
  const message =
    typeof first?.message === 'string'
      ? first.message
      : code === 'CORE_ANSWER_INVALID'
        ? domainError(code, { method: '', path: '', reason: `HTTP ${status}: ${text.slice(0, 200)}` }).message
        : domainError(code).message;
  const propertyName = typeof first?.propertyName === 'string' ? first.propertyName : undefined;
  return {
    kind: classifyFailure(status, code),
    code,
    message,
    status,
    ...(propertyName ? { propertyName } : {}),
  };
}

export function createCoreClient(options: CoreClientOptions): CoreClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_CORE_TIMEOUT_MS;
  const now = options.now ?? (() => new Date());
  const longPoll = options.longPollSeconds ?? 0;

  async function call<S extends z.ZodType>(
    method: 'GET' | 'POST',
    pathAndQuery: string,
    payload: unknown,
    schema: S,
    extraTimeoutMs = 0,
  ): Promise<CoreResult<z.output<S>>> {
    const body = payload === undefined ? undefined : JSON.stringify(payload);
    const headers = signedHeaders(options.keyId, options.secret, method, pathAndQuery, body, now());
    let res: Response;
    let text: string;
    try {
      res = await fetch(baseUrl + pathAndQuery, {
        method,
        headers,
        body,
        signal: AbortSignal.timeout(timeoutMs + extraTimeoutMs),
      });
      text = await res.text();
    } catch (e) {
      const reason =
        e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')
          ? `no answer within ${timeoutMs + extraTimeoutMs} ms`
          : describeNetworkError(e);
      return err({
        kind: 'transient',
        code: 'CORE_UNREACHABLE',
        message: domainError('CORE_UNREACHABLE', { url: baseUrl, reason }).message,
        status: null,
      });
    }
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null; // handled below: a non-JSON success is invalid, a non-JSON failure is classified by status
    }
    if (res.status < 200 || res.status >= 300) return err(failureFromAnswer(res.status, parsed, text));
    const r = schema.safeParse(parsed);
    if (!r.success) {
      const issue = r.error.issues[0];
      const where = issue ? issue.path.join('.') || '(root)' : '(root)';
      return err({
        kind: 'transient',
        code: 'CORE_ANSWER_INVALID',
        message: domainError('CORE_ANSWER_INVALID', {
          method,
          path: pathAndQuery.split('?')[0]!,
          reason: `${where}: ${issue?.message ?? 'not JSON'}`,
        }).message,
        status: res.status,
      });
    }
    return ok(r.data);
  }

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
  };
}

function describeNetworkError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = (e as Error & { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? e.message;
}
