/**
 * One signed request to the core and its answer as a value: v1HMAC over the string src-shared/v1hmac.ts
 * builds (the core verifies the same string) with node:crypto's HMAC, the body digest header on every body,
 * a timeout, the answer validated with a zod schema, and every failure classified transient or rejected.
 * Used by the sync client (terminal key) and the back-office order reader (merchant key).
 */
import { createHash, createHmac } from 'node:crypto';
import type { z } from 'zod';
import {
  catalogEntry,
  domainError,
  err,
  isErrorCode,
  ok,
  type ErrorCode,
  type Result,
} from '../../src-shared';
import { SYNC_BODY_DIGEST_HEADER } from '../../src-shared/sync-protocol';
import { authorizationHeader, formatHttpDate, stringToSign } from '../../src-shared/v1hmac';

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

export interface SignedCallOptions {
  baseUrl: string;
  keyId: string;
  secret: string;
  /** How long one request may take before it counts as failed (transient). Default 15 s. */
  timeoutMs?: number;
  /** The clock used for the Date header (injected in tests). */
  now?: () => Date;
}

export type SignedCall = <S extends z.ZodType>(
  method: 'GET' | 'POST',
  pathAndQuery: string,
  payload: unknown,
  schema: S,
  extraTimeoutMs?: number,
) => Promise<CoreResult<z.output<S>>>;

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
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  // Every POST carries the digest, of the empty body when it has none, so a core that insists on the header
  // for writes never has to special-case a body-less one (release). GETs have no body and no digest.
  if (body !== undefined || method.toUpperCase() !== 'GET')
    headers[SYNC_BODY_DIGEST_HEADER] = bodyDigest(body ?? '');
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
export function classifyFailure(status: number, code: ErrorCode, retriable?: boolean): FailureKind {
  if (status >= 500 || status === 429 || status === 408) return 'transient';
  // The core's own flag wins: REFUND_ORDER_LOCKED for a refund that repeats an earlier one is final.
  if (status === 409 && (retriable ?? catalogEntry(code).retryable)) return 'transient';
  return 'rejected';
}

interface ApiErrorBody {
  errors?: { id?: unknown; message?: unknown; propertyName?: unknown; retriable?: unknown }[];
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
    kind: classifyFailure(status, code, typeof first?.retriable === 'boolean' ? first.retriable : undefined),
    code,
    message,
    status,
    ...(propertyName ? { propertyName } : {}),
  };
}

export function createCoreClientCall(options: SignedCallOptions): SignedCall {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_CORE_TIMEOUT_MS;
  const now = options.now ?? (() => new Date());
  return async function call<S extends z.ZodType>(
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
  };
}

function describeNetworkError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = (e as Error & { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? e.message;
}
