/**
 * Plain HTTP (README "Security"). v1HMAC does not sign the body (Worldline's neither), so the signed APIs
 * must be reached over TLS, or a body changed in transit passes under a valid signature. Plain HTTP is
 * answered from loopback (the same machine: `npm start`, a local TLS proxy) and refused from anything else
 * unless allowed; `X-Forwarded-Proto: https` counts only from a trusted proxy (anyone else could send it).
 * auth.ts applies it before looking at the signature.
 */
import { isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { FastifyRequest } from 'fastify';

export interface TransportPolicy {
  /** COUNTER_ALLOW_PLAIN_HTTP=1: plain HTTP from any address (a private network the operator trusts). */
  allowPlainHttp: boolean;
  /** COUNTER_TRUSTED_PROXIES: addresses of TLS-terminating proxies whose X-Forwarded-Proto is believed. */
  trustedProxies: string[];
}

export function transportPolicyFromEnv(env: Record<string, string | undefined>): TransportPolicy {
  const allow = env.COUNTER_ALLOW_PLAIN_HTTP?.trim() ?? '';
  if (!['', '0', '1'].includes(allow)) {
    throw new Error(
      `COUNTER_ALLOW_PLAIN_HTTP must be 1 (allow plain HTTP from anywhere) or 0; got '${allow}'.`,
    );
  }
  const trustedProxies = (env.COUNTER_TRUSTED_PROXIES ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  for (const a of trustedProxies) {
    if (isIP(a) === 0) {
      throw new Error(
        `COUNTER_TRUSTED_PROXIES lists '${a}', which is not an IP address; list proxies by IP, comma-separated.`,
      );
    }
  }
  return { allowPlainHttp: allow === '1', trustedProxies };
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;

export const LOOPBACK_ONLY: TransportPolicy = { allowPlainHttp: false, trustedProxies: [] };

/** Pure: may this request be answered, given how it arrived? */
export function transportAllowed(
  policy: TransportPolicy,
  arrival: {
    encrypted: boolean;
    remoteAddress: string | undefined;
    forwardedProto: string | string[] | undefined;
  },
): boolean {
  if (arrival.encrypted || policy.allowPlainHttp) return true;
  const from = arrival.remoteAddress ?? '';
  if (LOOPBACK.test(from)) return true;
  if (
    !policy.trustedProxies.includes(from) &&
    !policy.trustedProxies.includes(from.replace(/^::ffff:/, ''))
  ) {
    return false;
  }
  // The nearest proxy's value is the last one.
  const proto = [arrival.forwardedProto ?? ''].flat().join(',').split(',').at(-1)?.trim().toLowerCase();
  return proto === 'https';
}

/** How a request arrived, as `transportAllowed` judges it. */
export function arrivalOf(req: FastifyRequest) {
  return {
    encrypted: (req.raw.socket as Partial<TLSSocket> | undefined)?.encrypted === true,
    remoteAddress: req.raw.socket?.remoteAddress,
    forwardedProto: req.headers['x-forwarded-proto'],
  };
}
