/**
 * Plain HTTP (README "Security"): v1HMAC does not sign the body, so the signed APIs refuse plain HTTP from
 * anything but loopback unless explicitly allowed, and honour `X-Forwarded-Proto: https` only from a trusted
 * proxy. A request from another address is simulated with Fastify's inject (`remoteAddress`); the core is the
 * real one on PGlite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transportPolicyFromEnv } from '../../../src-core/routing/transport';
import { authorizationHeader, formatHttpDate, signV1Hmac } from '../../../src-core/routing/v1hmac';
import { startTestCore, type TestCore } from '../../helpers/core-server';

/* eslint-disable @typescript-eslint/no-explicit-any -- wire bodies are read as the merchant would read JSON */
describe('plain HTTP is refused from anything but loopback', () => {
  let strict: TestCore;
  let allowing: TestCore;
  beforeAll(async () => {
    strict = await startTestCore('pglite', {
      transport: transportPolicyFromEnv({ COUNTER_TRUSTED_PROXIES: '10.0.0.5' }),
    });
    allowing = await startTestCore('pglite', {
      transport: transportPolicyFromEnv({ COUNTER_ALLOW_PLAIN_HTTP: '1' }),
    });
  });
  afterAll(async () => {
    await strict?.close();
    await allowing?.close();
  });

  const signedGet = (core: TestCore, remoteAddress: string, headers: Record<string, string> = {}) => {
    const path = `/v2/${core.merchantId}/services/testconnection`;
    const date = formatHttpDate(new Date());
    const all = { Date: date, ...headers };
    const signature = signV1Hmac(core.secret, {
      method: 'GET',
      contentType: undefined,
      date,
      headers: all,
      pathAndQuery: path,
    });
    return core.app.inject({
      method: 'GET',
      url: path,
      remoteAddress,
      headers: { ...all, Authorization: authorizationHeader(core.apiKeyId, signature) },
    });
  };

  it('answers loopback over plain HTTP, refuses another address in Worldline shape', async () => {
    expect((await signedGet(strict, '127.0.0.1')).statusCode).toBe(200);
    expect((await signedGet(strict, '::1')).statusCode).toBe(200);
    expect((await signedGet(strict, '::ffff:127.0.0.1')).statusCode).toBe(200);
    const refused = await signedGet(strict, '192.168.1.20');
    expect(refused.statusCode).toBe(403);
    const body = refused.json() as any;
    expect(body.errorId).toEqual(expect.any(String));
    expect(body.errors[0]).toMatchObject({ id: 'HTTPS_REQUIRED', httpStatusCode: 403, retriable: false });
    expect(body.errors[0].message).toContain('https://');
    expect(body.errors[0].message).toContain('COUNTER_ALLOW_PLAIN_HTTP');
  });

  it('honours X-Forwarded-Proto: https only from a configured trusted proxy', async () => {
    expect((await signedGet(strict, '10.0.0.5', { 'X-Forwarded-Proto': 'https' })).statusCode).toBe(200);
    expect((await signedGet(strict, '10.0.0.5', { 'X-Forwarded-Proto': 'http' })).statusCode).toBe(403);
    // Anyone else claiming it is ignored.
    expect((await signedGet(strict, '10.0.0.6', { 'X-Forwarded-Proto': 'https' })).statusCode).toBe(403);
  });

  it('refuses before looking at the signature, on the sync and back-office APIs too', async () => {
    const sync = await strict.app.inject({
      method: 'GET',
      url: '/sync/v1/terminal',
      remoteAddress: '203.0.113.9',
    });
    expect(sync.statusCode).toBe(403);
    expect((sync.json() as any).errors[0].id).toBe('HTTPS_REQUIRED');
    const backOffice = await strict.app.inject({
      method: 'GET',
      url: `/backoffice/v1/${strict.merchantId}/orders`,
      remoteAddress: '203.0.113.9',
    });
    expect((backOffice.json() as any).errors[0].id).toBe('HTTPS_REQUIRED');
  });

  it('COUNTER_ALLOW_PLAIN_HTTP=1 lets any address in', async () => {
    expect((await signedGet(allowing, '192.168.1.20')).statusCode).toBe(200);
  });

  it('reads its policy from the environment and says what is wrong with a bad one', () => {
    expect(transportPolicyFromEnv({})).toEqual({ allowPlainHttp: false, trustedProxies: [] });
    expect(
      transportPolicyFromEnv({ COUNTER_ALLOW_PLAIN_HTTP: '1', COUNTER_TRUSTED_PROXIES: ' 10.0.0.5, ::1 ' }),
    ).toEqual({
      allowPlainHttp: true,
      trustedProxies: ['10.0.0.5', '::1'],
    });
    expect(() => transportPolicyFromEnv({ COUNTER_ALLOW_PLAIN_HTTP: 'yes' })).toThrow(
      /COUNTER_ALLOW_PLAIN_HTTP/,
    );
    expect(() => transportPolicyFromEnv({ COUNTER_TRUSTED_PROXIES: 'proxy.local' })).toThrow(/IP address/);
  });
});
