/**
 * Request authentication for every signed API of the core: the online API (merchant API keys) and the
 * terminal sync API (terminal keys), same v1HMAC scheme (architecture.md "Sync"). Failures are the clear
 * 401/403 errors of the catalog in the API's error shape.
 */
import type { FastifyRequest } from 'fastify';
import { findCredentials, type KeyCredentials } from '../accounts/accounts';
import type { Db } from '../db/adapter';
import type { Clock } from '../ledger/context';
import { createCredentialCache, type CredentialCache } from '../accounts/credential-cache';
import type { Keyring } from '../security/keyring';
import { fail } from './api-error';
import { arrivalOf, LOOPBACK_ONLY, transportAllowed, type TransportPolicy } from './transport';
import { parseAuthorization, parseHttpDate, receivedSignedRequest, signatureMatches } from './v1hmac';

export interface AuthenticatorOptions {
  db: Db;
  keyring: Keyring;
  clock: Clock;
  /** How far the Date header may be from the server clock (reference §3.2 suggests ±15 minutes). */
  dateSkewMs?: number;
  /** The process's credential cache, invalidated by revocations (accounts/credential-cache.ts). */
  credentials?: CredentialCache;
  /** Who may use plain HTTP (transport.ts); absent → loopback only, no trusted proxy. */
  transport?: TransportPolicy;
}

export const DEFAULT_DATE_SKEW_MS = 15 * 60 * 1000;

export type Authenticate = (req: FastifyRequest, expected: 'api' | 'terminal') => Promise<KeyCredentials>;

export function createAuthenticator(options: AuthenticatorOptions): Authenticate {
  const skew = options.dateSkewMs ?? DEFAULT_DATE_SKEW_MS;
  const cache = options.credentials ?? createCredentialCache();
  const lookup = (keyId: string) =>
    cache.lookup(keyId, () => findCredentials(options.db, options.keyring, keyId));

  return async (req, expected) => {
    // Before anything else: over plain HTTP from afar, even a valid signature proves nothing about the body.
    if (!transportAllowed(options.transport ?? LOOPBACK_ONLY, arrivalOf(req))) throw fail('HTTPS_REQUIRED');
    const auth = parseAuthorization(req.headers.authorization);
    if (!auth) throw fail('AUTHORIZATION_MISSING');
    const creds = await lookup(auth.keyId);
    const date = req.headers.date;
    const signed = receivedSignedRequest({
      method: req.method,
      url: req.raw.url ?? req.url,
      headers: req.headers,
    });
    // An unknown key and a wrong signature look the same to the caller: nothing to learn about key ids.
    if (!creds || creds.kind !== expected || !signatureMatches(creds.secret, signed, auth.signature)) {
      throw fail('AUTHORIZATION_INVALID');
    }
    const sent = parseHttpDate(date);
    if (!sent || Math.abs(sent.getTime() - options.clock.now().getTime()) > skew) {
      throw fail('DATE_OUT_OF_WINDOW', { date: date ?? '', windowMinutes: Math.round(skew / 60_000) });
    }
    return creds;
  };
}
