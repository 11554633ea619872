/**
 * The route contract's parts the online API added, without a server: Worldline's property names for
 * request problems, and the OpenAPI generator's named components, empty answers, a route's richer error
 * shape and per-document security schemes.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiFailure } from '../../../src-core/routing/api-error';
import { defineRoute, parsePart } from '../../../src-core/routing/contract';
import { buildOpenApiDocument } from '../../../src-core/routing/openapi';
import { OnlinePaymentParamsSchema } from '../../../src-shared/online-api';

/* eslint-disable @typescript-eslint/no-explicit-any -- the document is read as JSON */

function refusal(f: () => unknown): ApiFailure {
  try {
    f();
  } catch (e) {
    if (e instanceof ApiFailure) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('request problems name the property', () => {
  const Body = z.object({ order: z.object({ amount: z.number() }) });
  it('located (back office, sync): where it is, then the path inside', () => {
    const f = refusal(() => parsePart(Body, { order: { amount: 'x' } }, 'body'));
    expect(f.error.code).toBe('REQUEST_INVALID');
    expect(f.propertyName).toBe('body.order.amount');
  });
  it('a schema that knows the precise catalog code answers it: a payment id in the path is PAYMENT_ID_INVALID', () => {
    const f = refusal(() =>
      parsePart(OnlinePaymentParamsSchema, { merchantId: 'M1', paymentId: '12345' }, 'path', 'bare'),
    );
    expect(f.error.code).toBe('PAYMENT_ID_INVALID');
    expect(f.error.message).toContain('5 digits instead of 19');
    expect(f.propertyName).toBe('paymentId');
    const ok = parsePart(
      OnlinePaymentParamsSchema,
      { merchantId: 'M1', paymentId: '1000001000000000008' },
      'path',
    );
    expect(ok.paymentId).toBe('1000001000000000008');
  });
  it('bare (online API): the path inside the body, as Worldline’s propertyName; the body itself as "body"', () => {
    expect(refusal(() => parsePart(Body, { order: {} }, 'body', 'bare')).propertyName).toBe('order.amount');
    expect(refusal(() => parsePart(Body, [], 'body', 'bare')).propertyName).toBe('body');
  });
});

describe('OpenAPI generator: components, empty answers, error shapes, security', () => {
  const Money = z.object({ amount: z.number().int(), currencyCode: z.string() }).meta({ id: 'Money' });
  const Thing = z.object({ id: z.string(), price: Money }).meta({ id: 'Thing' });
  const Failure = z.object({ errorId: z.string(), thing: Thing.optional() }).meta({ id: 'ThingError' });
  const routes = [
    defineRoute({
      method: 'POST',
      path: '/v9/{merchantId}/things',
      operationId: 'createThing',
      tag: 'T',
      summary: 's',
      auth: 'merchant',
      params: z.object({ merchantId: z.string() }),
      body: z.object({ price: Money, note: z.string().optional() }),
      answer: { status: 201, schema: Thing, description: 'created' },
      errorAnswer: Failure,
      errors: ['CARD_DECLINED'],
      idempotent: true,
      handler: async () => ({ id: 'a', price: { amount: 1, currencyCode: 'EUR' } }),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/v9/{merchantId}/things/{id}',
      operationId: 'deleteThing',
      tag: 'T',
      summary: 's',
      auth: 'merchant',
      params: z.object({ merchantId: z.string(), id: z.string() }),
      answer: { status: 204, schema: z.null(), description: 'gone' },
      errors: [],
      handler: async () => null,
    }),
  ];
  const doc = buildOpenApiDocument(routes, {
    title: 't',
    version: '1',
    description: 'd',
    servers: [{ url: '/', description: 'here' }],
    security: { merchant: { name: 'v1HMAC', description: 'signed' } },
    errorResponse: z.object({ errorId: z.string() }).meta({ id: 'PlainError' }),
  }) as any;

  it('a schema with an id is one component, referenced wherever it is used', () => {
    expect(Object.keys(doc.components.schemas).sort()).toEqual([
      'Money',
      'PlainError',
      'Thing',
      'ThingError',
    ]);
    const create = doc.paths['/v9/{merchantId}/things'].post;
    expect(create.responses['201'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/Thing',
    });
    expect(create.requestBody.content['application/json'].schema.properties.price).toEqual({
      $ref: '#/components/schemas/Money',
    });
    expect(doc.components.schemas.Thing.properties.price).toEqual({ $ref: '#/components/schemas/Money' });
    expect(JSON.stringify(doc)).not.toContain('$defs');
    expect(create.requestBody.required).toBe(true);
  });

  it('a route’s error shape on its error answers, the document’s on the others; an empty answer has no content', () => {
    const create = doc.paths['/v9/{merchantId}/things'].post;
    expect(create.responses['402'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/ThingError',
    );
    const del = doc.paths['/v9/{merchantId}/things/{id}'].delete;
    expect(del.responses['204']).toEqual({ description: 'gone' });
    expect(del.responses['404']).toBeUndefined();
    expect(del.responses['401'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/PlainError',
    );
    expect(create.responses['201'].headers).toHaveProperty('X-GCS-Idempotence-Request-Timestamp');
    expect(del.responses['204'].headers).toBeUndefined();
  });

  it('servers and only the security schemes its routes use, under the names given', () => {
    expect(doc.servers).toEqual([{ url: '/', description: 'here' }]);
    expect(doc.components.securitySchemes).toEqual({
      v1HMAC: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'signed' },
    });
    expect(doc.paths['/v9/{merchantId}/things'].post.security).toEqual([{ v1HMAC: [] }]);
  });

  it('two different schemas under one name in one document are refused (zod refuses it within one schema)', () => {
    const Other = z.object({ other: z.boolean() }).meta({ id: 'Money' });
    const clash = defineRoute({
      method: 'GET',
      path: '/v9/x',
      operationId: 'x',
      tag: 'T',
      summary: 's',
      auth: 'merchant',
      answer: { status: 200, schema: Other, description: 'x' },
      errors: [],
      handler: async () => ({ other: true }),
    });
    expect(() =>
      buildOpenApiDocument([routes[0]!, clash], { title: 't', version: '1', description: 'd' }),
    ).toThrow(/two different schemas are named Money/);
  });
});
