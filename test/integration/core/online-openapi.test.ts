/**
 * The online API's own OpenAPI 3.1 document (`GET /v2/openapi.json`), as the core serves it: public, a valid
 * OpenAPI 3.1 structure, every online route the server registered is in it (and nothing else), and the
 * answers of a real flow through the official SDK (create, get, details, capture, refund, subsequent,
 * cancel, payout, tokens, a decline) validate against the response schemas it documents for their
 * operation and status, with nothing sent that the document does not describe. The same answers are parsed
 * with the zod contracts of src-shared the document is generated from.
 */
import type { SdkResponse } from 'onlinepayments-sdk-nodejs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { testCardById } from '../../../src-shared';
import {
  CancelPaymentResponseSchema,
  CaptureResponseSchema,
  CapturesResponseSchema,
  CreatedTokenResponseSchema,
  CreatePaymentResponseSchema,
  ErrorResponseSchema,
  PaymentDetailsResponseSchema,
  PaymentErrorResponseSchema,
  PaymentResponseSchema,
  PayoutResponseSchema,
  RefundResponseSchema,
  RefundsResponseSchema,
  SubsequentPaymentResponseSchema,
  TestConnectionResponseSchema,
  TokenResponseSchema,
} from '../../../src-shared/online-api';
import { startTestCore, type TestCore } from '../../helpers/core-server';
import { openApiProblems, resolveRef, schemaProblems } from '../../helpers/openapi-check';

/* eslint-disable @typescript-eslint/no-explicit-any -- the document and the answers are read as JSON */

/** The operations of the SDK the core serves (reference §2), as method and path. */
const SDK_OPERATIONS = [
  'POST /v2/{merchantId}/payments',
  'GET /v2/{merchantId}/payments/{paymentId}',
  'GET /v2/{merchantId}/payments/{paymentId}/details',
  'POST /v2/{merchantId}/payments/{paymentId}/subsequent',
  'POST /v2/{merchantId}/payments/{paymentId}/refund',
  'POST /v2/{merchantId}/payments/{paymentId}/capture',
  'POST /v2/{merchantId}/payments/{paymentId}/cancel',
  'GET /v2/{merchantId}/payments/{paymentId}/refunds',
  'GET /v2/{merchantId}/payments/{paymentId}/captures',
  'POST /v2/{merchantId}/payouts',
  'GET /v2/{merchantId}/payouts/{payoutId}',
  'POST /v2/{merchantId}/tokens',
  'GET /v2/{merchantId}/tokens/{tokenId}',
  'DELETE /v2/{merchantId}/tokens/{tokenId}',
  'GET /v2/{merchantId}/services/testconnection',
];

/**
 * Every route Fastify registered, as `METHOD /path/{param}`, read from its route tree (printRoutes: one
 * node per line, indented four columns per level, a node's text continuing its parent's, e.g. `…/refund`
 * then `s`), so the list does not come from the declarations the document is generated from. HEAD routes
 * are Fastify's own copies of the GETs.
 */
function registeredRoutes(tree: string): string[] {
  const out: string[] = [];
  const prefixes: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([\s│├└─]*)(\S+)(?: \(([^)]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    const path = (prefixes[depth - 1] ?? '') + m[2]!;
    prefixes[depth] = path;
    for (const method of (m[3] ?? '').split(',').map((s) => s.trim())) {
      if (method && method !== 'HEAD') out.push(`${method} ${path.replace(/:(\w+)/g, '{$1}')}`);
    }
  }
  return out;
}

const documented = (doc: any): string[] =>
  Object.entries<any>(doc.paths).flatMap(([path, ops]) =>
    Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
  );

describe('the online API’s OpenAPI document', () => {
  let core: TestCore;
  let doc: any;
  beforeAll(async () => {
    core = await startTestCore('pglite');
    // Unsigned: the document is public (it holds no data and no secret), as Worldline's specification is.
    const r = await fetch(`${core.url}/v2/openapi.json`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('application/json');
    doc = await r.json();
  });
  afterAll(async () => {
    await core?.close();
  });

  it('is a valid OpenAPI 3.1 document with servers and the v1HMAC security scheme described in words', () => {
    expect(openApiProblems(doc)).toEqual([]);
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.jsonSchemaDialect).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(doc.servers).toEqual([{ url: '/', description: expect.any(String) }]);
    expect(Object.keys(doc.components.securitySchemes)).toEqual(['v1HMAC']);
    const scheme = doc.components.securitySchemes.v1HMAC;
    expect(scheme).toMatchObject({ type: 'apiKey', in: 'header', name: 'Authorization' });
    expect(scheme.description).toMatch(/GCS v1HMAC:<apiKeyId>:<signature>/);
    expect(scheme.description).toMatch(/HMAC-SHA256/);
    for (const op of Object.values<any>(doc.paths).flatMap((p) => Object.values<any>(p))) {
      expect(op.security).toEqual([{ v1HMAC: [] }]);
    }
  });

  it('the checks can fail: a dangling reference, an undeclared path parameter, an undocumented field', () => {
    const broken = structuredClone(doc);
    const get = broken.paths['/v2/{merchantId}/payments/{paymentId}'].get;
    get.parameters = get.parameters.filter((p: any) => p.name !== 'paymentId');
    get.responses['200'].content['application/json'].schema = { $ref: '#/components/schemas/Nope' };
    expect(openApiProblems(broken)).toEqual([
      'GET /v2/{merchantId}/payments/{paymentId}: {paymentId} is not declared as a path parameter',
      expect.stringMatching(/: \$ref #\/components\/schemas\/Nope does not resolve$/),
    ]);
    const schema = { $ref: '#/components/schemas/AmountOfMoney' };
    expect(schemaProblems(doc, schema, { amount: 1, currencyCode: 'EUR' }, { strict: true })).toEqual([]);
    expect(schemaProblems(doc, schema, { amount: 1.5, currencyCode: 'EUR', x: 1 }, { strict: true })).toEqual(
      ['.amount: expected integer', '.x: sent but not in the document'],
    );
  });

  it('documents exactly the online routes the server registered: the SDK’s operations the core serves', async () => {
    const online = registeredRoutes(core.app.printRoutes({ commonPrefix: false })).filter(
      (r) => r.includes(' /v2/') && r !== 'GET /v2/openapi.json',
    );
    expect(online.sort()).toEqual([...SDK_OPERATIONS].sort());
    expect(documented(doc).sort()).toEqual([...SDK_OPERATIONS].sort());
    // Registered means answered: unsigned, each is refused for its signature (401), never 404.
    for (const entry of SDK_OPERATIONS) {
      const [method, path] = entry.split(' ') as [string, string];
      const url = path
        .replace('{merchantId}', core.merchantId)
        .replace('{paymentId}', '1000000000000000018')
        .replace(/\{\w+\}/, 'x');
      const r = await fetch(core.url + url, { method });
      expect(r.status, entry).toBe(401);
    }
  });

  it('every operation has its request schema, its answer and its errors in the error shape', () => {
    const create = doc.paths['/v2/{merchantId}/payments'].post;
    expect(create.operationId).toBe('createPayment');
    expect(create.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/CreatePaymentRequest',
    });
    expect(create.responses['201'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/CreatePaymentResponse',
    });
    expect(create.responses['201'].headers).toHaveProperty('X-GCS-Idempotence-Request-Timestamp');
    expect(create.responses['402'].description).toContain('CARD_DECLINED');
    expect(create.responses['402'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/PaymentErrorResponse',
    );
    expect(create.parameters.map((p: any) => p.name)).toEqual([
      'merchantId',
      'Date',
      'X-GCS-Idempotence-Key',
    ]);
    const refund = doc.paths['/v2/{merchantId}/payments/{paymentId}/refund'].post;
    expect(refund.responses['409'].description).toContain('REFUND_ORDER_LOCKED');
    expect(refund.responses['400'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/ErrorResponse',
    );
    const paymentId = refund.parameters.find((p: any) => p.name === 'paymentId');
    expect(paymentId).toMatchObject({ in: 'path', required: true, schema: { pattern: '^1[0-9]{18}$' } });
    const del = doc.paths['/v2/{merchantId}/tokens/{tokenId}'].delete;
    expect(del.responses['204']).not.toHaveProperty('content');
    for (const [path, ops] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(ops)) {
        const statuses = Object.keys(op.responses);
        expect(statuses, `${method} ${path}`).toEqual(expect.arrayContaining(['401', '403', '500']));
        for (const status of statuses.filter((s) => Number(s) >= 400)) {
          const schema = op.responses[status].content['application/json'].schema;
          expect(['ErrorResponse', 'PaymentErrorResponse']).toContain(schema.$ref.split('/').at(-1));
        }
        if (method === 'post') expect(op.requestBody, `${method} ${path}`).toBeDefined();
      }
    }
    // Request limits are documented (what the core refuses before any acquirer call).
    const reference = resolveRef(doc, '#/components/schemas/CreatePaymentRequest').properties.order.properties
      .references.properties.merchantReference;
    expect(reference).toMatchObject({ type: 'string', maxLength: 100 });
  });

  it('the answers of a real SDK flow validate against the documented response schemas', async () => {
    const M = core.merchantId;
    const sdk = core.sdk;
    let checked = 0;
    /** The answer `r` of operation `operationId` against the document's schema for its status, and zod's. */
    const conforms = (r: SdkResponse<unknown, unknown>, operationId: string, zod: z.ZodType): any => {
      const op = Object.values<any>(doc.paths)
        .flatMap((p) => Object.values<any>(p))
        .find((o) => o.operationId === operationId);
      expect(op, operationId).toBeDefined();
      const response = op.responses[String(r.status)];
      expect(response, `${operationId} answered ${r.status}, which it does not document`).toBeDefined();
      const schema = response.content?.['application/json']?.schema;
      if (schema === undefined) {
        expect(r.body, `${operationId} ${r.status} documents no body`).toBeNull();
      } else {
        const problems = schemaProblems(doc, schema, r.body, { strict: true });
        expect(problems, `${operationId} ${r.status}: ${JSON.stringify(r.body)}`).toEqual([]);
        expect(zod.safeParse(r.body).error).toBeUndefined();
      }
      checked += 1;
      return r.body;
    };
    const visa = testCardById('visa-approve')!;
    const card = {
      cardNumber: visa.pan,
      expiryDate: visa.expiry,
      cvv: '123',
      cardholderName: 'Ada Lovelace',
    };
    const eur = (amount: number) => ({ amount, currencyCode: 'EUR' });

    conforms(await sdk.services.testConnection(M), 'testConnection', TestConnectionResponseSchema);
    // A sale stored on file with a token, then read back.
    const sale = conforms(
      await sdk.payments.createPayment(M, {
        order: {
          amountOfMoney: eur(5_000),
          customer: { merchantCustomerId: 'cust-7' },
          references: { merchantReference: 'order-7' },
        },
        cardPaymentMethodSpecificInput: {
          paymentProductId: 1,
          card,
          tokenize: true,
          unscheduledCardOnFileRequestor: 'cardholderInitiated',
          unscheduledCardOnFileSequenceIndicator: 'first',
        },
      }),
      'createPayment',
      CreatePaymentResponseSchema,
    );
    expect(sale.payment.status).toBe('CAPTURED');
    expect(sale.creationOutput.isNewToken).toBe(true);
    const saleId = sale.payment.id;
    conforms(await sdk.payments.getPayment(M, saleId), 'getPayment', PaymentResponseSchema);
    // A pre-authorisation: partial capture, then the rest; refunds on it.
    const auth = conforms(
      await sdk.payments.createPayment(M, {
        order: { amountOfMoney: eur(3_000) },
        cardPaymentMethodSpecificInput: { card, authorizationMode: 'PRE_AUTHORIZATION' },
      }),
      'createPayment',
      CreatePaymentResponseSchema,
    );
    const authId = auth.payment.id;
    expect(auth.payment.status).toBe('PENDING_CAPTURE');
    conforms(
      await sdk.payments.capturePayment(M, authId, { amount: 1_000, isFinal: false }),
      'capturePayment',
      CaptureResponseSchema,
    );
    conforms(await sdk.payments.capturePayment(M, authId, {}), 'capturePayment', CaptureResponseSchema);
    conforms(await sdk.captures.getCaptures(M, authId), 'getCaptures', CapturesResponseSchema);
    const refund = conforms(
      await sdk.payments.refundPayment(M, authId, {
        amountOfMoney: eur(500),
        operationReferences: { merchantReference: 'rf-1' },
      }),
      'refundPayment',
      RefundResponseSchema,
    );
    expect(refund.status).toBe('REFUNDED');
    conforms(await sdk.refunds.getRefunds(M, authId), 'getRefunds', RefundsResponseSchema);
    // A subsequent payment on the sale (its card on file), and the whole order's operations.
    const next = conforms(
      await sdk.payments.subsequentPayment(M, saleId, {
        order: { amountOfMoney: eur(1_200) },
        subsequentcardPaymentMethodSpecificInput: { authorizationMode: 'SALE' },
      }),
      'subsequentPayment',
      SubsequentPaymentResponseSchema,
    );
    expect(next.payment.status).toBe('CAPTURED');
    const details = conforms(
      await sdk.payments.getPaymentDetails(M, saleId),
      'getPaymentDetails',
      PaymentDetailsResponseSchema,
    );
    expect(details.Operations.length).toBeGreaterThanOrEqual(2);
    // A payout on the order, read back; a cancel of a new authorisation.
    const payout = conforms(
      await sdk.payouts.createPayout(M, {
        amountOfMoney: eur(700),
        omnichannelPayoutSpecificInput: { paymentId: saleId },
      }),
      'createPayout',
      PayoutResponseSchema,
    );
    conforms(await sdk.payouts.getPayout(M, payout.id), 'getPayout', PayoutResponseSchema);
    const toCancel = conforms(
      await sdk.payments.createPayment(M, {
        order: { amountOfMoney: eur(900) },
        cardPaymentMethodSpecificInput: { card, authorizationMode: 'FINAL_AUTHORIZATION' },
      }),
      'createPayment',
      CreatePaymentResponseSchema,
    );
    const cancelled = conforms(
      await sdk.payments.cancelPayment(M, toCancel.payment.id, {}),
      'cancelPayment',
      CancelPaymentResponseSchema,
    );
    expect(cancelled.payment.status).toBe('CANCELLED');
    // Tokens: create, read, delete (204, empty).
    const token = conforms(
      await sdk.tokens.createToken(M, { paymentProductId: 1, card: { data: { card } } }),
      'createToken',
      CreatedTokenResponseSchema,
    );
    conforms(await sdk.tokens.getToken(M, token.token), 'getToken', TokenResponseSchema);
    const deleted = await sdk.tokens.deleteToken(M, token.token);
    expect(deleted.status).toBe(204);
    conforms(deleted, 'deleteToken', TokenResponseSchema);
    // A decline: its status and PaymentErrorResponse with the recorded payment, as documented.
    const declined = testCardById('visa-declined')!;
    const decline = conforms(
      await sdk.payments.createPayment(M, {
        order: { amountOfMoney: eur(100) },
        cardPaymentMethodSpecificInput: { card: { cardNumber: declined.pan, expiryDate: declined.expiry } },
      }),
      'createPayment',
      PaymentErrorResponseSchema,
    );
    expect(decline.errors[0].id).toBe('CARD_DECLINED');
    expect(decline.paymentResult.payment.status).toBe('REJECTED');
    // And a refusal in the plain error shape.
    const over = conforms(
      await sdk.payments.refundPayment(M, authId, { amountOfMoney: eur(1_000_000) }),
      'refundPayment',
      ErrorResponseSchema,
    );
    expect(over.errors[0].id).toBe('REFUND_EXCEEDS_REFUNDABLE');
    expect(checked).toBe(20);
  });
});
