/**
 * Who may talk to the bridge: the holder of this launch's token, from a page of an allowed origin (or from a
 * program, which sends no Origin). Pure functions, so the policy is tested without a socket.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** The WebSocket subprotocol that carries the token (browsers cannot set headers on a WebSocket). */
export const TOKEN_SUBPROTOCOL_PREFIX = 'bearer.';

/** 32 random bytes, URL-safe: a new one at every launch, so a token leaked yesterday is worthless today. */
export function newLaunchToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Constant-time comparison. Both sides are hashed first so the comparison takes the same time whatever the
 * length of what was sent (timingSafeEqual itself needs equal lengths).
 */
export function tokenMatches(expected: string, received: string | undefined | null): boolean {
  if (!received) return false;
  const a = createHash('sha256').update(expected, 'utf8').digest();
  const b = createHash('sha256').update(received, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** The token from `Authorization: Bearer <token>`, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m ? m[1] : undefined;
}

/** The token from a `Sec-WebSocket-Protocol` offer (`bearer.<token>`, possibly among others). */
export function subprotocolToken(offered: Iterable<string>): string | undefined {
  for (const p of offered)
    if (p.startsWith(TOKEN_SUBPROTOCOL_PREFIX)) return p.slice(TOKEN_SUBPROTOCOL_PREFIX.length);
  return undefined;
}

/**
 * No Origin header: a program (curl, a script, the tests), allowed with the token. An Origin: only the
 * bridge's own and those configured; a foreign web page must not even learn whether the token was right.
 */
export function originAllowed(origin: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  return allowed.includes(origin);
}
