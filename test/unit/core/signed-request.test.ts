/**
 * `npm run core -- request` signs as the core verifies: the v1HMAC signature over what is sent, and for the
 * sync API the body digest header (an X-GCS-* header, so itself under the signature).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  demoCredentialsPath,
  readDemoCredentials,
  writeDemoCredentials,
} from '../../../src-core/admin/demo-credentials';
import { signedHeaders } from '../../../src-core/admin/signed-request';
import { parseAuthorization, signatureMatches } from '../../../src-core/routing/v1hmac';
import { SYNC_BODY_DIGEST_HEADER } from '../../../src-shared/sync-protocol';

const base = { keyId: 'tk1', secret: 's3cret', now: new Date('2026-11-26T10:00:00Z') };
const verify = (
  method: string,
  pathAndQuery: string,
  headers: Record<string, string>,
  secret = base.secret,
) =>
  signatureMatches(
    secret,
    { method, contentType: headers['Content-Type'], date: headers.Date!, headers, pathAndQuery },
    parseAuthorization(headers.Authorization)!.signature,
  );

describe('signed requests of the request command', () => {
  it('a back-office GET verifies with the key, not with another secret, and carries no body digest', () => {
    const h = signedHeaders({
      ...base,
      method: 'GET',
      pathAndQuery: '/backoffice/v1/M1/orders?limit=5',
      body: undefined,
    });
    expect(h.Authorization).toMatch(/^GCS v1HMAC:tk1:/);
    expect(h.Date).toBe('Thu, 26 Nov 2026 10:00:00 GMT');
    expect(verify('GET', '/backoffice/v1/M1/orders?limit=5', h)).toBe(true);
    expect(verify('GET', '/backoffice/v1/M1/orders?limit=6', h)).toBe(false);
    expect(verify('GET', '/backoffice/v1/M1/orders?limit=5', h, 'other')).toBe(false);
    expect(h[SYNC_BODY_DIGEST_HEADER]).toBeUndefined();
  });

  it('a sync POST signs the SHA-256 of the exact body bytes', () => {
    const body = '{"messages":[{"kind":"ORDER_CREATED","note":"Grüße"}]}';
    const h = signedHeaders({
      ...base,
      method: 'POST',
      pathAndQuery: '/sync/v1/push',
      body,
      idempotenceKey: 'k1',
    });
    expect(h[SYNC_BODY_DIGEST_HEADER]).toBe(
      createHash('sha256').update(Buffer.from(body, 'utf8')).digest('base64'),
    );
    expect(h['Content-Type']).toBe('application/json');
    expect(verify('POST', '/sync/v1/push', h)).toBe(true);
    // The digest is signed: changing it (to match a tampered body) breaks the signature.
    expect(verify('POST', '/sync/v1/push', { ...h, [SYNC_BODY_DIGEST_HEADER]: 'AAAA' })).toBe(false);
    expect(verify('POST', '/sync/v1/push', { ...h, 'X-GCS-Idempotence-Key': 'k2' })).toBe(false);
  });
});

describe('the demo credentials file', () => {
  it('says secretApiKey as the SDK does, and a file written before (apiKeySecret) still reads', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'counter-demo-'));
    try {
      const c = {
        merchantId: 'M1',
        apiKeyId: 'ak1',
        secretApiKey: 'sk',
        storeId: 's',
        terminalId: 't',
        terminalKeyId: 'tk1',
        terminalSecret: 'ts',
        issuer: 1000,
      };
      writeDemoCredentials(dir, c);
      expect(JSON.parse(readFileSync(demoCredentialsPath(dir), 'utf8'))).toEqual(c);
      expect(statSync(demoCredentialsPath(dir)).mode & 0o777).toBe(0o600);
      const { secretApiKey, ...rest } = c;
      writeFileSync(demoCredentialsPath(dir), JSON.stringify({ ...rest, apiKeySecret: secretApiKey }));
      expect(readDemoCredentials(dir)).toEqual(c);
      expect(readDemoCredentials(path.join(dir, 'none'))).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
