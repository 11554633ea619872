/**
 * The OpenAPI 3.1 document of the back-office and sync APIs, as the core serves it: generated from the route
 * declarations, so every documented operation is a registered route (it answers 401 unsigned, not 404), and
 * the request and answer schemas are the zod contracts of src-shared (answers are also parsed with those
 * contracts in the API suites).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCore, type TestCore } from '../../helpers/core-server';

/* eslint-disable @typescript-eslint/no-explicit-any -- the document is read as JSON */

describe('OpenAPI document of the back-office and terminal sync APIs', () => {
  let core: TestCore;
  let doc: any;
  beforeAll(async () => {
    core = await startTestCore('pglite');
    const r = await fetch(`${core.url}/backoffice/v1/openapi.json`);
    expect(r.status).toBe(200);
    doc = await r.json();
  });
  afterAll(async () => {
    await core?.close();
  });

  it('is OpenAPI 3.1 with the JSON Schema 2020-12 dialect and both security schemes', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.jsonSchemaDialect).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['merchantKey', 'terminalKey']);
  });

  it('documents every back-office and sync operation', () => {
    const ids = Object.values(doc.paths).flatMap((p: any) => Object.values(p).map((o: any) => o.operationId));
    expect(ids.sort()).toEqual(
      [
        'listOrders',
        'getOrder',
        'listOperations',
        'getOperation',
        'captureOperation',
        'refundOperation',
        'cancelOperation',
        'chargebackPayment',
        'reverseChargeback',
        'rebillPayment',
        'listCustomerContracts',
        'deactivateContract',
        'whoAmI',
        'pushMessages',
        'pullChanges',
        'getStoreOrder',
        'getStoreOrderOfPayment',
        'reserveRefund',
        'getReservation',
        'confirmReservation',
        'releaseReservation',
        'listMoneyExceptions',
        'getMoneyException',
        'resolveMoneyException',
      ].sort(),
    );
  });

  it('every documented path is a registered route (unsigned requests get 401, never 404)', async () => {
    const sample: Record<string, string> = {
      merchantId: core.merchantId,
      orderId: '01890a5d-ac96-774b-bcce-b302099a8057',
      operationId: '01890a5d-ac96-774b-bcce-b302099a8057',
      reservationId: '01890a5d-ac96-774b-bcce-b302099a8057',
      paymentId: '1000001000000000018',
      customerId: 'c1',
      contractId: 't1',
    };
    for (const [path, ops] of Object.entries<any>(doc.paths)) {
      for (const method of Object.keys(ops)) {
        const url = path.replace(/\{(\w+)\}/g, (_m, name: string) => sample[name] ?? 'x');
        const r = await fetch(core.url + url, { method: method.toUpperCase() });
        expect(r.status, `${method} ${url}`).toBe(401);
      }
    }
  });

  it('request and answer schemas come from the contracts, errors list their catalog codes', () => {
    const chargeback = doc.paths['/backoffice/v1/{merchantId}/payments/{paymentId}/chargebacks'].post;
    const body = chargeback.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(['amount']);
    expect(body.properties.amount.required).toEqual(['amountMinor', 'currency']);
    expect(chargeback.responses['201'].content['application/json'].schema.properties).toHaveProperty(
      'orderBalances',
    );
    expect(chargeback.responses['400'].description).toContain('CHARGEBACK_EXCEEDS_AVAILABLE');
    expect(chargeback.responses['404'].description).toContain('PAYMENT_NOT_FOUND');
    expect(chargeback.responses['401'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/ApiErrorResponse',
    );
    const list = doc.paths['/backoffice/v1/{merchantId}/orders'].get;
    const status = list.parameters.find((p: any) => p.name === 'status');
    expect(status).toMatchObject({ in: 'query', required: false });
    expect(status.schema.enum).toContain('PARTIALLY_REFUNDED');
    const limit = list.parameters.find((p: any) => p.name === 'limit');
    expect(limit.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 200, default: 50 });
    const push = doc.paths['/sync/v1/push'].post;
    expect(push.security).toEqual([{ terminalKey: [] }]);
    const result = push.responses['200'].content['application/json'].schema.properties.results.items;
    expect(JSON.stringify(result)).toContain('"duplicate"');
  });
});
