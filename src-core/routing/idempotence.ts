/**
 * Idempotent POSTs (`X-GCS-Idempotence-Key`, reference §5). The key is claimed by a conditional insert, so
 * two core processes agree on who runs the request:
 * - the first request runs and its answer is stored if it is a result (`isStoredAnswer`: successes and final
 *   business refusals; not answers ≥ 500, conflicts, retriable refusals or validation failures: for those
 *   the key is freed, and a retry with it runs anew);
 * - a retry after it finished gets the stored answer again, with `X-GCS-Idempotence-Request-Timestamp` =
 *   the first request's time in epoch milliseconds;
 * - a retry while the first is still running gets 409 with errorCode 1409 (IdempotenceException in the
 *   Java/.NET/PHP SDKs);
 * - the same key with a different method, path or body gets 422 IDEMPOTENCE_KEY_REUSED (the issue asks for a
 *   documented error here, where Worldline's docs would replay).
 * Keys are scoped per merchant and kept 31 days (`IDEMPOTENCE_RETENTION_MS`), longer than the longest
 * offline period; expired keys are purged and may be claimed again, and so may a key whose first request
 * never answered: at once when the process that claimed it is dead (claim-liveness.ts), after
 * `IDEMPOTENCE_ABANDONED_AFTER_MS` when the claimer is unknown.
 */
import { createHash, randomUUID } from 'node:crypto';
import { toIso, toSafeInteger, type Db } from '../db/adapter';
import { fail } from './api-error';
import { claimOwnerOf } from '../idempotence/claim-liveness';
import {
  IDEMPOTENCE_ABANDONED_AFTER_MS,
  IDEMPOTENCE_RETENTION_MS,
  runUnderClaim,
  type RunningClaim,
} from '../idempotence/claims';

export interface ApiAnswer {
  status: number;
  /** JSON body; null → empty body. */
  body: unknown;
  headers?: Record<string, string>;
}

export function requestHash(method: string, pathAndQuery: string, rawBody: string): string {
  return createHash('sha256').update(`${method}\n${pathAndQuery}\n${rawBody}`).digest('hex');
}

const VALID_KEY = /^[\x21-\x7e]{1,40}$/;

export async function runIdempotent(
  db: Db,
  input: { merchantId: string; key: string; hash: string; now: Date },
  run: () => Promise<ApiAnswer>,
): Promise<ApiAnswer> {
  if (!VALID_KEY.test(input.key)) {
    throw fail(
      'REQUEST_INVALID',
      { propertyName: 'X-GCS-Idempotence-Key', reason: 'use 1 to 40 printable ASCII characters' },
      'X-GCS-Idempotence-Key',
    );
  }
  const expiresAt = new Date(input.now.getTime() + IDEMPOTENCE_RETENTION_MS);
  const owner = claimOwnerOf(db);
  const claim: RunningClaim = {
    merchantId: input.merchantId,
    key: input.key,
    hash: input.hash,
    claimId: randomUUID(),
  };
  // Taken when the key is new, expired, or IN_PROGRESS under a claim that will never answer: its claimer's
  // instance stopped beating (dead process), or, claimer unknown, it is older than the abandoned period.
  const claimed = await db.query(
    `INSERT INTO idempotence_keys AS k (merchant_id, key, request_hash, state, first_request_at, expires_at,
       claimed_by, claim_id)
     VALUES ($1, $2, $3, 'IN_PROGRESS', $4, $5, $7, $8)
     ON CONFLICT (merchant_id, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, state = 'IN_PROGRESS',
       status_code = NULL, response_body = NULL, first_request_at = EXCLUDED.first_request_at,
       completed_at = NULL, expires_at = EXCLUDED.expires_at, claimed_by = EXCLUDED.claimed_by,
       claim_id = EXCLUDED.claim_id
     WHERE k.expires_at <= $4 OR (k.state = 'IN_PROGRESS' AND (k.first_request_at <= $6
       OR (k.claimed_by IS NOT NULL AND NOT EXISTS (SELECT 1 FROM core_instances i
         WHERE i.instance_id = k.claimed_by
           AND i.heartbeat_at > statement_timestamp() - make_interval(secs => $9::double precision / 1000)))))
     RETURNING key`,
    [
      input.merchantId,
      input.key,
      input.hash,
      input.now,
      expiresAt,
      new Date(input.now.getTime() - IDEMPOTENCE_ABANDONED_AFTER_MS),
      owner?.instanceId ?? null,
      claim.claimId,
      owner?.deadAfterMs ?? IDEMPOTENCE_ABANDONED_AFTER_MS,
    ],
  );
  if (claimed.length === 0) return answerForExisting(db, input);
  let answer: ApiAnswer;
  try {
    answer = await runUnderClaim(claim, run);
  } catch (e) {
    // `run` turns expected failures into answers; what reaches here is a bug or a lost database, which is
    // no answer to replay: free the key so a retry runs again.
    await forget(db, claim);
    throw e;
  }
  if (isStoredAnswer(answer)) await remember(db, { ...claim, now: input.now }, answer);
  else await forget(db, claim);
  return answer;
}

interface WireError {
  id?: unknown;
  errorCode?: unknown;
  retriable?: unknown;
}

/** Request-shape codes: amounts and currencies as sent, ids as sent, the body as JSON, the card data. */
const VALIDATION_CODES = new Set([
  'REQUEST_INVALID',
  'REQUEST_BODY_NOT_JSON',
  'CARD_INVALID',
  'SYNC_MESSAGE_INVALID',
  'REQUEST_BODY_NOT_UTF8',
  'REQUEST_BODY_TOO_LARGE',
  'REQUEST_URI_TOO_LONG',
  'REQUEST_HEADERS_TOO_LARGE',
  'REQUEST_MALFORMED',
  'PAYMENT_ID_INVALID',
]);

/**
 * Whether an answer is a result the key keeps and replays (docs/core.md "Idempotence: what is stored"):
 * - stored: every success (< 400), and a final business refusal: a 4xx whose errors are all not retriable
 *   and not validation failures (a decline, REFUND_EXCEEDS_REFUNDABLE, CANCEL_NOT_POSSIBLE, …);
 * - not stored, the key is released and the same request with the same key runs anew: answers ≥ 500, any
 *   answer with a retriable error (a conflict with something in progress: REFUND_ORDER_LOCKED,
 *   PAYMENT_OUTCOME_UNKNOWN, …), and validation failures (a 400 whose code is about the request's shape:
 *   4001xx money input, 4002xx ids, 4004xx request, CARD_INVALID, SYNC_MESSAGE_INVALID). Like Stripe,
 *   which keeps neither conflicts nor validation failures: nothing ran, so there is nothing to replay.
 */
export function isStoredAnswer(answer: Pick<ApiAnswer, 'status' | 'body'>): boolean {
  if (answer.status < 400) return true;
  if (answer.status >= 500) return false;
  const errors = (answer.body as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return true;
  return (errors as WireError[]).every((e) => {
    if (e.retriable === true) return false;
    if (answer.status !== 400) return true;
    const code = typeof e.errorCode === 'string' ? e.errorCode : '';
    const validation =
      (typeof e.id === 'string' && VALIDATION_CODES.has(e.id)) ||
      code.startsWith('4001') ||
      code.startsWith('4002') ||
      code.startsWith('4004');
    return !validation;
  });
}

/** Frees our claim (never one that took the key over since). */
async function forget(db: Db, claim: RunningClaim) {
  await db.query(
    `DELETE FROM idempotence_keys WHERE merchant_id = $1 AND key = $2 AND state = 'IN_PROGRESS'
       AND claim_id = $3`,
    [claim.merchantId, claim.key, claim.claimId],
  );
}

/** Stores a final answer for replay, under our claim. */
async function remember(db: Db, input: RunningClaim & { now: Date }, answer: ApiAnswer): Promise<void> {
  await db.query(
    `UPDATE idempotence_keys SET state = 'DONE', status_code = $3, response_body = $4, completed_at = $5
     WHERE merchant_id = $1 AND key = $2 AND state = 'IN_PROGRESS' AND claim_id = $6`,
    [
      input.merchantId,
      input.key,
      answer.status,
      answer.body === null ? null : JSON.stringify(answer.body),
      input.now,
      input.claimId,
    ],
  );
}

interface KeyRow {
  request_hash: string;
  state: string;
  status_code: number | string | null;
  response_body: string | null;
  first_request_at: Date | string;
}

async function answerForExisting(
  db: Db,
  input: { merchantId: string; key: string; hash: string },
): Promise<ApiAnswer> {
  const rows = await db.query<KeyRow>(
    `SELECT request_hash, state, status_code, response_body, first_request_at FROM idempotence_keys
     WHERE merchant_id = $1 AND key = $2`,
    [input.merchantId, input.key],
  );
  const row = rows[0];
  // Deleted between our insert attempt and this read (a 5xx freed it): the client may simply retry.
  if (!row) throw fail('IDEMPOTENCE_REQUEST_IN_PROGRESS', { key: input.key });
  if (row.request_hash !== input.hash) throw fail('IDEMPOTENCE_KEY_REUSED', { key: input.key });
  if (row.state !== 'DONE') throw fail('IDEMPOTENCE_REQUEST_IN_PROGRESS', { key: input.key });
  const firstAt = new Date(toIso(row.first_request_at, 'first_request_at')).getTime();
  return {
    status: toSafeInteger(row.status_code, 'status_code'),
    body: row.response_body === null ? null : JSON.parse(row.response_body),
    headers: { 'X-GCS-Idempotence-Request-Timestamp': String(firstAt) },
  };
}

/** Deletes keys past their retention; run periodically. */
export async function purgeExpiredIdempotenceKeys(db: Db, now: Date): Promise<number> {
  const rows = await db.query('DELETE FROM idempotence_keys WHERE expires_at <= $1 RETURNING key', [now]);
  return rows.length;
}
