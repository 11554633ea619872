/** v1HMAC against the worked example of the reference (§3.4), computed there with the SDK and openssl. */
import { describe, expect, it } from 'vitest';
import {
  parseAuthorization,
  parseHttpDate,
  signatureMatches,
  signV1Hmac,
  stringToSign,
} from '../../../src-core/routing/v1hmac';

const secret = 'omni-secret-2025';
const date = 'Tue, 15 Apr 2025 09:30:00 GMT';
const meta = 'eyJpbnRlZ3JhdG9yIjoiZGVtbyJ9';

describe('v1HMAC signature (reference §3.4 worked example)', () => {
  it('signs the POST refund with an idempotence key exactly as the SDK does', () => {
    const r = {
      method: 'POST',
      contentType: 'application/json',
      date,
      headers: {
        'X-GCS-ServerMetaInfo': meta,
        'X-GCS-Idempotence-Key': 'refund-0001',
        Authorization: 'ignored',
        Host: 'h',
      },
      pathAndQuery: '/v2/M123/payments/1234567890123456789/refund',
    };
    expect(stringToSign(r)).toBe(
      `POST\napplication/json\n${date}\nx-gcs-idempotence-key:refund-0001\nx-gcs-servermetainfo:${meta}\n/v2/M123/payments/1234567890123456789/refund\n`,
    );
    expect(signV1Hmac(secret, r)).toBe('xRqrCxrG1bWuMWPA6a8iVDCT5AJFMdCO7ikpHOs55uI=');
  });

  it('signs a GET with an empty content-type line even though the header is sent', () => {
    const r = {
      method: 'GET',
      contentType: 'application/json',
      date,
      headers: { 'x-gcs-servermetainfo': meta },
      pathAndQuery: '/v2/M123/payments/1234567890123456789',
    };
    expect(signV1Hmac(secret, r)).toBe('1R3GQJUbNZJQyhKvUTg6Z05Fj7cpMMmAdv2k3PEuOrw=');
    expect(signatureMatches(secret, r, '1R3GQJUbNZJQyhKvUTg6Z05Fj7cpMMmAdv2k3PEuOrw=')).toBe(true);
    expect(
      signatureMatches(
        secret,
        { ...r, pathAndQuery: '/v2/M124/payments/1234567890123456789' },
        '1R3GQJUbNZJQyhKvUTg6Z05Fj7cpMMmAdv2k3PEuOrw=',
      ),
    ).toBe(false);
    expect(signatureMatches('other-secret', r, '1R3GQJUbNZJQyhKvUTg6Z05Fj7cpMMmAdv2k3PEuOrw=')).toBe(false);
  });

  it('folds multi-line header values and parses the Authorization header', () => {
    const a = stringToSign({
      method: 'DELETE',
      contentType: undefined,
      date,
      headers: { 'X-GCS-A': ' x\r\n   y ' },
      pathAndQuery: '/p',
    });
    expect(a).toBe(`DELETE\n\n${date}\nx-gcs-a:x y\n/p\n`);
    expect(parseAuthorization('GCS v1HMAC:key-1:abc=')).toEqual({ keyId: 'key-1', signature: 'abc=' });
    expect(parseAuthorization('Bearer x')).toBeNull();
    expect(parseAuthorization(undefined)).toBeNull();
  });

  it('parses RFC 1123 dates with one- or two-digit days and refuses anything else', () => {
    expect(parseHttpDate(date)?.toISOString()).toBe('2025-04-15T09:30:00.000Z');
    expect(parseHttpDate('Sat, 1 Nov 2025 08:00:00 GMT')?.toISOString()).toBe('2025-11-01T08:00:00.000Z');
    expect(parseHttpDate('2025-04-15T09:30:00Z')).toBeNull();
    expect(parseHttpDate('Tue, 31 Feb 2025 09:30:00 GMT')).toBeNull();
    expect(parseHttpDate(undefined)).toBeNull();
  });
});
