/**
 * The terminal sync API's body digest. v1HMAC signs the method, content type, date, X-GCS-* headers and path,
 * but not the body, so a body changed in transit passes under the original signature (a one-digit change
 * turns a refund of 1 into 1,000,000). The sync API is ours on both ends, so the terminal also sends
 * `X-GCS-Content-SHA256: <base64 SHA-256 of the exact body bytes>` (SYNC_BODY_DIGEST_HEADER); being an X-GCS-*
 * header it is covered by the signature. Here the core hashes the bytes as they arrive (before any decoding)
 * and refuses a sync request with a body whose digest is missing or does not match, before anything runs.
 *
 * The online and back-office APIs cannot require it (the official SDKs do not send it): they rely on TLS
 * (see auth.ts, "plain HTTP").
 */
import { createHash, timingSafeEqual, type Hash } from 'node:crypto';
import { pipeline, Transform } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SYNC_BODY_DIGEST_HEADER } from '../../src-shared/sync-protocol';
import { fail } from '../routing/api-error';

export const SYNC_PATH_PREFIX = '/sync/v1/';

interface BodyHash {
  hash: Hash;
  bytes: number;
}

const hashes = new WeakMap<FastifyRequest, BodyHash>();

const isSync = (req: FastifyRequest) => (req.raw.url ?? req.url).startsWith(SYNC_PATH_PREFIX);

/** The base64 SHA-256 of these bytes, as the header carries it. */
export function bodyDigest(body: string | Uint8Array): string {
  return createHash('sha256').update(body).digest('base64');
}

/**
 * Pure: the verdict on one request. `received` is the digest of the bytes that arrived (null when no body
 * was read), `sent` the header's value.
 */
export function checkBodyDigest(
  received: { digest: string; bytes: number } | null,
  sent: string | string[] | undefined,
): 'ok' | 'missing' | 'mismatch' {
  const header = Array.isArray(sent) ? sent.join(', ') : sent?.trim();
  if (header === undefined || header === '') return received && received.bytes > 0 ? 'missing' : 'ok';
  const expected = Buffer.from(received?.digest ?? bodyDigest(''));
  const actual = Buffer.from(header);
  return expected.length === actual.length && timingSafeEqual(expected, actual) ? 'ok' : 'mismatch';
}

/** Hashes every `/sync/v1/` body on its way to the parser and checks it before validation and the handler. */
export function registerSyncBodyDigest(app: FastifyInstance): void {
  app.addHook('preParsing', async (req, _reply, payload) => {
    if (!isSync(req)) return payload;
    const state: BodyHash = { hash: createHash('sha256'), bytes: 0 };
    hashes.set(req, state);
    const hashing = new Transform({
      transform(chunk: Buffer, _enc, done) {
        state.hash.update(chunk);
        state.bytes += chunk.length;
        done(null, chunk);
      },
    });
    // pipeline, not pipe: an aborted upload errors the stream the parser reads instead of leaving it hanging.
    pipeline(payload, hashing, () => undefined);
    return hashing;
  });
  app.addHook('preValidation', async (req) => {
    if (!isSync(req)) return;
    const state = hashes.get(req);
    const received =
      state && state.bytes > 0 ? { digest: state.hash.digest('base64'), bytes: state.bytes } : null;
    const verdict = checkBodyDigest(received, req.headers[SYNC_BODY_DIGEST_HEADER.toLowerCase()]);
    if (verdict === 'missing') throw fail('SYNC_BODY_DIGEST_MISSING', { header: SYNC_BODY_DIGEST_HEADER });
    if (verdict === 'mismatch') throw fail('SYNC_BODY_DIGEST_MISMATCH', { header: SYNC_BODY_DIGEST_HEADER });
  });
}
