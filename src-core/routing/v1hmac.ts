/**
 * v1HMAC signing and verification with Node's crypto over the string to sign that `src-shared/v1hmac.ts`
 * builds (reference §3.2); the terminal host signs its sync requests over the same string.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { stringToSign, type SignedRequest } from '../../src-shared/v1hmac';

export {
  authorizationHeader,
  canonicalHeaderValue,
  formatHttpDate,
  parseAuthorization,
  parseHttpDate,
  stringToSign,
  type SignedRequest,
} from '../../src-shared/v1hmac';

export function signV1Hmac(secret: string, r: SignedRequest): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(stringToSign(r), 'utf8').digest('base64');
}

/** What a received request signed: its method, headers and path and query exactly as they arrived. */
export function receivedSignedRequest(r: {
  method: string;
  url: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
}): SignedRequest {
  const contentType = r.headers['content-type'];
  const date = r.headers.date;
  return {
    method: r.method,
    contentType: typeof contentType === 'string' ? contentType : undefined,
    date: typeof date === 'string' ? date : '',
    headers: r.headers,
    pathAndQuery: r.url,
  };
}

/** Constant-time comparison of the received signature with the expected one. */
export function signatureMatches(secret: string, r: SignedRequest, signature: string): boolean {
  const expected = Buffer.from(signV1Hmac(secret, r), 'utf8');
  const received = Buffer.from(signature, 'utf8');
  return expected.length === received.length && timingSafeEqual(expected, received);
}
