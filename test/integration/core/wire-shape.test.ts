/**
 * Issue 7, "Wire shape": Fastify's and Node's own refusals leaked through in their shapes (414
 * FST_ERR_MAX_PARAM_LENGTH, Node's bare 431, a 413 saying httpStatusCode 400). Every answer of the online API
 * is in Worldline's error shape with the right status, whatever the client sends; raw bytes that are not
 * UTF-8 are refused, not silently replaced.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCardById } from '../../../src-shared';
import { authorizationHeader, formatHttpDate, signV1Hmac } from '../../../src-core/routing/v1hmac';
import { startTestCore, type TestCore } from '../../helpers/core-server';

/* eslint-disable @typescript-eslint/no-explicit-any -- answers are read as JSON */
const visa = testCardById('visa-approve')!;

interface Answer {
  status: number;
  contentType: string;
  body: any;
  text: string;
}

/** A signed request with any bytes as body and any content type, over a plain Node socket. */
function send(
  core: TestCore,
  method: string,
  path: string,
  body: Buffer | string | null,
  contentType: string | null = 'application/json',
): Promise<Answer> {
  const date = formatHttpDate(new Date());
  const headers: Record<string, string> = { Date: date };
  if (contentType !== null) headers['Content-Type'] = contentType;
  const signature = signV1Hmac(core.secret, {
    method,
    contentType: contentType ?? undefined,
    date,
    headers,
    pathAndQuery: path,
  });
  headers.Authorization = authorizationHeader(core.apiKeyId, signature);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: core.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = null;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = null;
        }
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type']),
          body: parsed,
          text,
        });
      });
    });
    // The server may answer (and close) before it read a huge body: the answer is what counts.
    req.on('error', reject);
    if (body !== null) req.end(body);
    else req.end();
  });
}

function expectShaped(a: Answer, status: number, id?: string) {
  expect(a.status, a.text).toBe(status);
  expect(a.contentType).toContain('application/json');
  expect(typeof a.body?.errorId, a.text).toBe('string');
  expect(a.body.errors).toHaveLength(1);
  const e = a.body.errors[0];
  expect(e).toMatchObject({ httpStatusCode: status });
  expect(typeof e.id).toBe('string');
  expect(typeof e.code).toBe('string');
  expect(e.message.length).toBeGreaterThan(10);
  expect(e.message).not.toMatch(/FST_|Fastify/);
  if (id) expect(e.id).toBe(id);
  return e;
}

describe('every answer of the online API is in Worldline’s error shape', () => {
  let core: TestCore;
  let base: string;
  beforeAll(async () => {
    core = await startTestCore('pglite');
    base = `/v2/${core.merchantId}`;
  });
  afterAll(async () => {
    await core?.close();
  });

  it('a 2,000-character payment id is a 400 naming paymentId, not 414 FST_ERR_MAX_PARAM_LENGTH', async () => {
    const e = expectShaped(await send(core, 'GET', `${base}/payments/${'1'.repeat(2_000)}`, null), 400);
    expect(e.propertyName).toBe('paymentId');
  });

  it('a path parameter beyond what the router takes is a shaped 414', async () => {
    expectShaped(
      await send(core, 'GET', `${base}/payments/${'1'.repeat(5_000)}`, null),
      414,
      'REQUEST_URI_TOO_LONG',
    );
  });

  it('a 20,000-character path is answered in the shape (404), not by Node’s bare 431', async () => {
    expectShaped(
      await send(core, 'GET', `${base}/payments/x/${'a'.repeat(20_000)}`, null),
      404,
      'ROUTE_NOT_FOUND',
    );
  });

  it('headers beyond what the server reads at all get a shaped 431', async () => {
    const a = await send(core, 'GET', `${base}/payments/${'1'.repeat(100_000)}`, null);
    expectShaped(a, 431, 'REQUEST_HEADERS_TOO_LARGE');
  });

  it('a 5 MB body is a 413 whose httpStatusCode says 413', async () => {
    const big = JSON.stringify({ order: { references: { merchantReference: 'x'.repeat(5 * 1024 * 1024) } } });
    expectShaped(await send(core, 'POST', `${base}/payments`, big), 413, 'REQUEST_BODY_TOO_LARGE');
  });

  it('malformed JSON, a wrong content type, no content type, and bytes that are not UTF-8', async () => {
    expectShaped(await send(core, 'POST', `${base}/payments`, '{"order":'), 400, 'REQUEST_BODY_NOT_JSON');
    expectShaped(
      await send(core, 'POST', `${base}/payments`, 'order=1', 'application/x-www-form-urlencoded'),
      400,
    );
    expectShaped(await send(core, 'POST', `${base}/payments`, '{}', null), 400);
    const before = Buffer.from(
      '{"order":{"amountOfMoney":{"amount":100,"currencyCode":"EUR"},"references":{"merchantReference":"a',
    );
    const bytes = Buffer.concat([
      before,
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from(
        `"}},"cardPaymentMethodSpecificInput":{"card":{"cardNumber":"${visa.pan}","expiryDate":"${visa.expiry}"}}}`,
      ),
    ]);
    const e = expectShaped(await send(core, 'POST', `${base}/payments`, bytes), 400, 'REQUEST_BODY_NOT_UTF8');
    expect(e.message).toContain(`byte ${before.length} cannot start`);
  });

  it('unknown routes and methods, and a body on a GET', async () => {
    expectShaped(await send(core, 'GET', `${base}/nothing-here`, null), 404, 'ROUTE_NOT_FOUND');
    expectShaped(await send(core, 'PATCH', `${base}/payments`, '{}'), 404, 'ROUTE_NOT_FOUND');
    expectShaped(
      await send(core, 'GET', `/v2/${'m'.repeat(500)}/payments/1`, null),
      403,
      'MERCHANT_FORBIDDEN',
    );
  });

  it('amounts say what was wrong: a string, 1e400, a fraction; texts show the currency’s units', async () => {
    const sale = (amount: string) =>
      `{"order":{"amountOfMoney":{"amount":${amount},"currencyCode":"EUR"}},"cardPaymentMethodSpecificInput":{"card":{"cardNumber":"${visa.pan}","expiryDate":"${visa.expiry}"}}}`;
    const str = expectShaped(
      await send(core, 'POST', `${base}/payments`, sale('"12.345"')),
      400,
      'REQUEST_INVALID',
    );
    expect(str.message).toMatch(/got the string "12\.345"; send a JSON number of minor units/);
    expect(str.message).not.toMatch(/missing/);
    const huge = expectShaped(
      await send(core, 'POST', `${base}/payments`, sale('1e400')),
      400,
      'REQUEST_INVALID',
    );
    expect(huge.message).toMatch(/out of range/);
    const fraction = expectShaped(await send(core, 'POST', `${base}/payments`, sale('12.5')), 400);
    expect(fraction.id).toBe('AMOUNT_NOT_SAFE_INTEGER');
    expect(fraction.message).toMatch(/not a whole number of minor units/);
    const negative = expectShaped(await send(core, 'POST', `${base}/payments`, sale('-1235')), 400);
    expect(negative).toMatchObject({ id: 'AMOUNT_NOT_POSITIVE' });
    expect(negative.message).toContain('-12.35 EUR');
  });
});
