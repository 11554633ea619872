/**
 * Bad input of every kind on the back-office and terminal sync APIs, as raw signed HTTP requests, on PGlite
 * and PostgreSQL: each gets the documented error (catalog code, HTTP status, the property at fault), in the
 * same error shape as the online API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeTerminal, enrollTerminal } from '../../../src-core/accounts/accounts';
import { createKeyring } from '../../../src-core/security/keyring';
import { ApiErrorResponseSchema } from '../../../src-shared/backoffice-api';
import { DATABASE_KINDS } from '../../helpers/core-db';
import { rawClient, startTestCore, type RawResponse, type TestCore } from '../../helpers/core-server';
import { eurMoney, testTerminal, type TestTerminal, type WireMessage } from '../../helpers/terminal-sync';

/* eslint-disable @typescript-eslint/no-explicit-any -- error bodies are read as a client reads JSON */

function expectError(r: RawResponse, status: number, id: string, propertyName?: string) {
  expect(r.status, r.text).toBe(status);
  expect(ApiErrorResponseSchema.safeParse(r.body).success, r.text).toBe(true);
  const e = (r.body as any).errors[0];
  expect(e.id, r.text).toBe(id);
  expect(e.httpStatusCode).toBe(status);
  if (propertyName) expect(e.propertyName, r.text).toBe(propertyName);
  return e as { message: string };
}

for (const { kind, skip } of DATABASE_KINDS) {
  describe.skipIf(skip !== null)(
    `back-office and sync bad input on ${kind}${skip ? ` (${skip})` : ''}`,
    () => {
      let core: TestCore;
      let term: TestTerminal;
      let M: string;
      let sale: { orderId: string; paymentId: string };
      const bo = (method: 'GET' | 'POST', path: string, options: Parameters<TestCore['raw']>[2] = {}) =>
        core.raw(method, `/backoffice/v1/${M}${path}`, options);
      beforeAll(async () => {
        core = await startTestCore(kind);
        M = core.merchantId;
        term = testTerminal(core.url, core.terminal);
        sale = await term.sale({ total: 1_000, paid: 1_000 });
      });
      afterAll(async () => {
        await core?.close();
      });

      it('authentication: missing, wrong signature, stale date, the wrong kind of key, another merchant', async () => {
        expectError(await bo('GET', '/orders', { secret: null }), 401, 'AUTHORIZATION_MISSING');
        expectError(await bo('GET', '/orders', { secret: 'not-the-secret' }), 401, 'AUTHORIZATION_INVALID');
        expectError(
          await bo('GET', '/orders', { date: new Date(Date.now() - 60 * 60 * 1000) }),
          401,
          'DATE_OUT_OF_WINDOW',
        );
        // A terminal key on the back office, and a merchant key on the sync API.
        expectError(await term.raw('GET', `/backoffice/v1/${M}/orders`), 401, 'AUTHORIZATION_INVALID');
        expectError(await core.raw('GET', '/sync/v1/changes'), 401, 'AUTHORIZATION_INVALID');
        expectError(await core.raw('GET', '/backoffice/v1/someone-else/orders'), 403, 'MERCHANT_FORBIDDEN');
        expectError(
          await term.raw('GET', '/sync/v1/changes', { secret: 'nope' }),
          401,
          'AUTHORIZATION_INVALID',
        );
        expectError(
          await term.raw('GET', '/sync/v1/changes', { date: new Date(Date.now() + 60 * 60 * 1000) }),
          401,
          'DATE_OUT_OF_WINDOW',
        );
      });

      it('a revoked terminal key is refused', async () => {
        const keyring = createKeyring(Buffer.alloc(32, 1));
        const enrolled = await enrollTerminal(core.t.db, core.ledger.ctx, keyring, {
          merchantId: M,
          store: core.storeId,
        });
        if (!enrolled.ok) throw new Error(enrolled.error.message);
        await revokeTerminal(core.t.db, enrolled.value.terminalId);
        const client = rawClient(core.url, enrolled.value.keyId, enrolled.value.secret);
        expectError(await client('GET', '/sync/v1/terminal'), 401, 'AUTHORIZATION_INVALID');
      });

      it('malformed ids in paths: UUIDs and 19-digit payment ids say what is wrong', async () => {
        expectError(await bo('GET', '/orders/not-a-uuid'), 400, 'REQUEST_INVALID', 'path.orderId');
        expectError(await bo('GET', '/operations/1234'), 400, 'REQUEST_INVALID', 'path.operationId');
        const typo = sale.paymentId.slice(0, 18) + String((Number(sale.paymentId.at(-1)) + 1) % 10);
        const e = expectError(
          await bo('POST', `/payments/${typo}/chargebacks`, { body: { amount: eurMoney(1) } }),
          400,
          'REQUEST_INVALID',
          'path.paymentId',
        );
        expect(e.message).toMatch(/check digit/);
        expectError(
          await bo('POST', '/payments/12345/chargebacks', { body: { amount: eurMoney(1) } }),
          400,
          'REQUEST_INVALID',
          'path.paymentId',
        );
        expectError(
          await term.raw('POST', '/sync/v1/reservations/xyz/release'),
          400,
          'REQUEST_INVALID',
          'path.reservationId',
        );
      });

      it('bodies: not JSON, missing fields, wrong types', async () => {
        const path = `/payments/${sale.paymentId}/chargebacks`;
        expectError(await bo('POST', path, { body: '{"amount":' }), 400, 'REQUEST_BODY_NOT_JSON');
        const missing = expectError(
          await bo('POST', path, { body: {} }),
          400,
          'REQUEST_INVALID',
          'body.amount',
        );
        expect(missing.message).toMatch(/missing/);
        expectError(
          await bo('POST', path, { body: { amount: { amountMinor: '100', currency: 'EUR' } } }),
          400,
          'REQUEST_INVALID',
          'body.amount.amountMinor',
        );
        expectError(
          await bo('POST', path, { body: { amount: { amountMinor: 100, currency: 7 } } }),
          400,
          'REQUEST_INVALID',
          'body.amount.currency',
        );
        expectError(
          await term.raw('POST', '/sync/v1/push', { body: { messages: 'all of them' } }),
          400,
          'REQUEST_INVALID',
          'body.messages',
        );
        expectError(
          await term.raw('POST', '/sync/v1/push', { body: {} }),
          400,
          'REQUEST_INVALID',
          'body.messages',
        );
        const tooMany = Array.from({ length: 201 }, () => term.messages.order(1));
        expectError(
          await term.raw('POST', '/sync/v1/push', { body: { messages: tooMany } }),
          400,
          'REQUEST_INVALID',
          'body.messages',
        );
      });

      it('amounts: negative, zero, not whole, unsafe, unknown currency, another currency than the order', async () => {
        const path = `/payments/${sale.paymentId}/chargebacks`;
        const send = (amountMinor: number, currency = 'EUR') =>
          bo('POST', path, { body: { amount: { amountMinor, currency } } });
        expectError(await send(-100), 400, 'AMOUNT_NOT_POSITIVE', 'body.amount.amountMinor');
        expectError(await send(0), 400, 'AMOUNT_NOT_POSITIVE', 'body.amount.amountMinor');
        expectError(await send(12.5), 400, 'AMOUNT_NOT_SAFE_INTEGER', 'body.amount.amountMinor');
        expectError(await send(2 ** 60), 400, 'AMOUNT_NOT_SAFE_INTEGER', 'body.amount.amountMinor');
        expectError(await send(100, 'EUX'), 400, 'UNKNOWN_CURRENCY', 'body.amount.currency');
        expectError(await send(100, 'USD'), 400, 'CURRENCY_MISMATCH');
        const auth = (await core.ledger.loadOrderOfPayment(M, sale.paymentId))!.operations[0]!.operation.id;
        expectError(
          await bo('POST', `/operations/${auth}/captures`, { body: { amountMinor: -1 } }),
          409,
          'OPERATION_NOT_APPLICABLE',
        );
        // Sync: the reservation request is validated by the shared schema.
        const reserve = (amount: unknown) =>
          term.raw('POST', '/sync/v1/reservations', {
            body: { reservationId: term.newId(), paymentId: sale.paymentId, amount },
          });
        expectError(await reserve(eurMoney(-5)), 400, 'REQUEST_INVALID', 'body.amount.amountMinor');
        expectError(await reserve(eurMoney(1.5)), 400, 'REQUEST_INVALID', 'body.amount.amountMinor');
        expectError(
          await reserve({ amountMinor: 5, currency: 'EUX' }),
          400,
          'REQUEST_INVALID',
          'body.amount.currency',
        );
        expectError(await reserve({ amountMinor: 5, currency: 'USD' }), 400, 'CURRENCY_MISMATCH');
      });

      it('bad messages in a push are answered SYNC_MESSAGE_INVALID one by one, naming the field', async () => {
        const order = term.messages.order(1_000);
        const variants: Array<[Record<string, unknown>, RegExp]> = [
          [
            { ...term.messages.payment(order.orderId, 1), result: { kind: 'SALE', amount: eurMoney(-1) } },
            /amount/,
          ],
          [
            { ...term.messages.payment(order.orderId, 1), result: { kind: 'SALE', amount: eurMoney(0.5) } },
            /amount/,
          ],
          [
            {
              ...term.messages.payment(order.orderId, 1),
              result: { kind: 'SALE', amount: { amountMinor: 1, currency: 'EUX' } },
            },
            /currency/,
          ],
          [{ ...term.messages.payment(order.orderId, 1), paymentId: '1000000000000000000' }, /paymentId/],
          [{ ...term.messages.payment(order.orderId, 1), orderId: 'not-a-uuid' }, /orderId/],
          [{ ...term.messages.payment(order.orderId, 1), kind: 'TELEPORT' }, /kind/],
          [{ ...term.messages.payment(order.orderId, 1), occurredAt: 'yesterday' }, /occurredAt/],
          [
            {
              ...term.messages.payment(order.orderId, 1),
              card: { brand: 'VISA', last4: '4111111111111111' },
            },
            /last4/,
          ],
        ];
        const r = await term.push([order, ...variants.map(([m]) => m as WireMessage)]);
        expect(r.status).toBe(200);
        expect(r.results[0]!.status).toBe('accepted');
        variants.forEach(([, reason], i) => {
          const res = r.results[i + 1] as any;
          expect(res.status, JSON.stringify(res)).toBe('rejected');
          expect(res.code).toBe('SYNC_MESSAGE_INVALID');
          expect(res.message).toMatch(reason);
        });
        const unknownPayment = await term.push([
          term.messages.onPayment('REFUND', term.nextPaymentId(), { amount: eurMoney(1), method: 'CASH' }),
        ]);
        expect(unknownPayment.results[0]).toMatchObject({ status: 'rejected', code: 'PAYMENT_NOT_FOUND' });
      });

      it('queries: out-of-range limits, unknown values, bad dates', async () => {
        expectError(await bo('GET', '/orders?limit=0'), 400, 'REQUEST_INVALID', 'query.limit');
        expectError(await bo('GET', '/orders?limit=abc'), 400, 'REQUEST_INVALID', 'query.limit');
        expectError(await bo('GET', '/orders?status=LOST'), 400, 'REQUEST_INVALID', 'query.status');
        expectError(await bo('GET', '/orders?channel=FAX'), 400, 'REQUEST_INVALID', 'query.channel');
        expectError(await bo('GET', '/orders?from=yesterday'), 400, 'REQUEST_INVALID', 'query.from');
        expectError(await bo('GET', '/orders?storeId=42'), 400, 'REQUEST_INVALID', 'query.storeId');
        expectError(await bo('GET', '/operations?paymentId=42'), 400, 'REQUEST_INVALID', 'query.paymentId');
        expectError(await bo('GET', '/operations?kind=THEFT'), 400, 'REQUEST_INVALID', 'query.kind');
        expectError(
          await term.raw('GET', '/sync/v1/changes?after=-1'),
          400,
          'REQUEST_INVALID',
          'query.after',
        );
        expectError(
          await term.raw('GET', '/sync/v1/changes?limit=100000'),
          400,
          'REQUEST_INVALID',
          'query.limit',
        );
        expectError(
          await term.raw('POST', '/sync/v1/reservations', {
            body: {
              reservationId: term.newId(),
              paymentId: sale.paymentId,
              amount: eurMoney(1),
              ttlSeconds: 0,
            },
          }),
          400,
          'REQUEST_INVALID',
          'body.ttlSeconds',
        );
      });

      it('unknown things: payment, order, operation, reservation, route', async () => {
        expectError(
          await bo('POST', `/payments/${term.nextPaymentId()}/rebills`, { body: { amount: eurMoney(1) } }),
          404,
          'PAYMENT_NOT_FOUND',
        );
        expectError(await bo('GET', `/orders/${term.newId()}`), 404, 'ORDER_NOT_FOUND');
        expectError(
          await bo('POST', `/operations/${term.newId()}/refunds`, { body: {} }),
          404,
          'OPERATION_NOT_FOUND',
        );
        expectError(
          await term.raw('POST', `/sync/v1/reservations/${term.newId()}/confirm`, {
            body: { operationId: term.newId(), amount: eurMoney(1), occurredAt: new Date().toISOString() },
          }),
          404,
          'REFUND_RESERVATION_NOT_FOUND',
        );
        expectError(await bo('GET', '/invoices'), 404, 'ROUTE_NOT_FOUND');
      });
    },
  );
}
