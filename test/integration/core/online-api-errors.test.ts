/**
 * Bad input of every kind the issue lists, as raw signed HTTP requests (the SDK validates bodies itself, so
 * it cannot send most of these): each gets the documented error in the API's error shape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPaymentId, testCardById } from '../../../src-shared';
import { purgeExpiredIdempotenceKeys, requestHash } from '../../../src-core/routing/idempotence';
import { DATABASE_KINDS } from '../../helpers/core-db';
import { startTestCore, type RawResponse, type TestCore } from '../../helpers/core-server';

/* eslint-disable @typescript-eslint/no-explicit-any -- error bodies are read as JSON */
const visa = testCardById('visa-approve')!;
const sale = (amount: unknown, currencyCode: unknown = 'EUR') => ({
  order: { amountOfMoney: { amount, currencyCode } },
  cardPaymentMethodSpecificInput: { card: { cardNumber: visa.pan, expiryDate: visa.expiry, cvv: '123' } },
});

function expectError(r: RawResponse, status: number, id: string, propertyName?: string) {
  expect(r.status, r.text).toBe(status);
  expect(r.headers.get('content-type')).toContain('application/json');
  const b = r.body as any;
  expect(typeof b.errorId).toBe('string');
  expect(b.errors).toHaveLength(1);
  expect(b.errors[0]).toMatchObject({ id, httpStatusCode: status });
  expect(b.errors[0].errorCode).toBe(b.errors[0].code);
  if (propertyName) expect(b.errors[0].propertyName).toBe(propertyName);
  return b.errors[0];
}

for (const { kind, skip } of DATABASE_KINDS) {
  describe.skipIf(skip !== null)(`online API bad input on ${kind}${skip ? ` (${skip})` : ''}`, () => {
    let core: TestCore;
    let base: string;
    let paidId: string;
    beforeAll(async () => {
      core = await startTestCore(kind);
      base = `/v2/${core.merchantId}`;
      const r = await core.raw('POST', `${base}/payments`, { body: sale(1_000) });
      paidId = (r.body as any).payment.id;
    });
    afterAll(async () => {
      await core?.close();
    });

    it('missing fields and wrong types name the property at fault', async () => {
      expectError(await core.raw('POST', `${base}/payments`, { body: {} }), 400, 'REQUEST_INVALID', 'order');
      expectError(
        await core.raw('POST', `${base}/payments`, {
          body: { order: { amountOfMoney: { amount: 100, currencyCode: 'EUR' } } },
        }),
        400,
        'REQUEST_INVALID',
        'cardPaymentMethodSpecificInput',
      );
      expectError(
        await core.raw('POST', `${base}/payments`, { body: sale('100') }),
        400,
        'REQUEST_INVALID',
        'order.amountOfMoney.amount',
      );
      expectError(
        await core.raw('POST', `${base}/payments`, { body: sale(100, 978) }),
        400,
        'REQUEST_INVALID',
        'order.amountOfMoney.currencyCode',
      );
      const noCard = {
        order: { amountOfMoney: { amount: 100, currencyCode: 'EUR' } },
        cardPaymentMethodSpecificInput: {},
      };
      expectError(
        await core.raw('POST', `${base}/payments`, { body: noCard }),
        400,
        'REQUEST_INVALID',
        'cardPaymentMethodSpecificInput.card',
      );
      const badMode = {
        ...sale(100),
        cardPaymentMethodSpecificInput: {
          ...sale(100).cardPaymentMethodSpecificInput,
          authorizationMode: 'MAYBE',
        },
      };
      expectError(
        await core.raw('POST', `${base}/payments`, { body: badMode }),
        400,
        'REQUEST_INVALID',
        'cardPaymentMethodSpecificInput.authorizationMode',
      );
      expectError(
        await core.raw('POST', `${base}/payouts`, {
          body: { amountOfMoney: { amount: 1, currencyCode: 'EUR' } },
        }),
        400,
        'REQUEST_INVALID',
        'omnichannelPayoutSpecificInput',
      );
    });

    it('negative, zero, non-integer and unsafe amounts, and unknown currencies', async () => {
      expectError(
        await core.raw('POST', `${base}/payments`, { body: sale(-100) }),
        400,
        'AMOUNT_NOT_POSITIVE',
        'order.amountOfMoney.amount',
      );
      expectError(
        await core.raw('POST', `${base}/payments`, { body: sale(0) }),
        400,
        'AMOUNT_NOT_POSITIVE',
        'order.amountOfMoney.amount',
      );
      expectError(
        await core.raw('POST', `${base}/payments`, { body: sale(12.5) }),
        400,
        'AMOUNT_NOT_SAFE_INTEGER',
        'order.amountOfMoney.amount',
      );
      expectError(
        await core.raw('POST', `${base}/payments`, {
          body: '{"order":{"amountOfMoney":{"amount":9007199254740993,"currencyCode":"EUR"}},"cardPaymentMethodSpecificInput":{}}',
        }),
        400,
        'AMOUNT_NOT_SAFE_INTEGER',
      );
      expectError(
        await core.raw('POST', `${base}/payments`, { body: sale(100, 'EURO') }),
        400,
        'UNKNOWN_CURRENCY',
        'order.amountOfMoney.currencyCode',
      );
      expectError(
        await core.raw('POST', `${base}/payments/${paidId}/refund`, {
          body: { amountOfMoney: { amount: -1, currencyCode: 'EUR' } },
        }),
        400,
        'AMOUNT_NOT_POSITIVE',
        'amountOfMoney.amount',
      );
      expectError(
        await core.raw('POST', `${base}/payments/${paidId}/refund`, {
          body: { amountOfMoney: { amount: 1, currencyCode: 'ABC' } },
        }),
        400,
        'UNKNOWN_CURRENCY',
        'amountOfMoney.currencyCode',
      );
      expectError(
        await core.raw('POST', `${base}/payments/${paidId}/refund`, {
          body: { amountOfMoney: { amount: 1, currencyCode: 'USD' } },
        }),
        400,
        'CURRENCY_MISMATCH',
      );
      expectError(
        await core.raw('POST', `${base}/payments/${paidId}/capture`, { body: { amount: 1.5 } }),
        400,
        'AMOUNT_NOT_SAFE_INTEGER',
        'amount',
      );
    });

    it('malformed and unknown payment ids', async () => {
      const e = expectError(
        await core.raw('GET', `${base}/payments/12345`),
        400,
        'PAYMENT_ID_INVALID',
        'paymentId',
      );
      expect(e.message).toContain('5 digits instead of 19');
      const typo = paidId.slice(0, 18) + String((Number(paidId[18]) + 1) % 10);
      expectError(await core.raw('GET', `${base}/payments/${typo}`), 400, 'PAYMENT_ID_INVALID');
      const unknown = formatPaymentId(1, 99_999_999_000);
      expectError(await core.raw('GET', `${base}/payments/${unknown}`), 404, 'PAYMENT_NOT_FOUND');
      expectError(
        await core.raw('POST', `${base}/payments/${unknown}/refund`, { body: {} }),
        404,
        'PAYMENT_NOT_FOUND',
      );
      expectError(
        await core.raw('POST', `${base}/payouts`, {
          body: {
            amountOfMoney: { amount: 1, currencyCode: 'EUR' },
            omnichannelPayoutSpecificInput: { paymentId: '1x' },
          },
        }),
        400,
        'PAYMENT_ID_INVALID',
        'omnichannelPayoutSpecificInput.paymentId',
      );
      expectError(await core.raw('GET', `${base}/payouts/${paidId}_9`), 404, 'OPERATION_NOT_FOUND');
    });

    it('authentication: missing, bad signature, unknown key, stale date, another merchant, a terminal key', async () => {
      expectError(
        await core.raw('GET', `${base}/services/testconnection`, { secret: null }),
        401,
        'AUTHORIZATION_MISSING',
      );
      expectError(
        await core.raw('GET', `${base}/services/testconnection`, { secret: 'not-the-secret' }),
        401,
        'AUTHORIZATION_INVALID',
      );
      expectError(
        await core.raw('GET', `${base}/services/testconnection`, { keyId: 'ak-unknown-key' }),
        401,
        'AUTHORIZATION_INVALID',
      );
      const stale = new Date(Date.now() - 16 * 60 * 1000);
      expectError(
        await core.raw('GET', `${base}/services/testconnection`, { date: stale }),
        401,
        'DATE_OUT_OF_WINDOW',
      );
      const future = new Date(Date.now() + 16 * 60 * 1000);
      expectError(
        await core.raw('GET', `${base}/services/testconnection`, { date: future }),
        401,
        'DATE_OUT_OF_WINDOW',
      );
      expectError(
        await core.raw('GET', `/v2/SOMEONE-ELSE/services/testconnection`),
        403,
        'MERCHANT_FORBIDDEN',
      );
      expectError(
        await core.raw('GET', `${base}/services/testconnection`, {
          keyId: core.terminal.keyId,
          secret: core.terminal.secret,
        }),
        401,
        'AUTHORIZATION_INVALID',
      );
      // A body that fails to parse is still refused for its signature first.
      expectError(
        await core.raw('POST', `${base}/payments`, { body: '{not json', secret: 'wrong' }),
        401,
        'AUTHORIZATION_INVALID',
      );
      expect((await core.raw('GET', `${base}/services/testconnection`)).status).toBe(200);
    });

    it('a body that is not JSON, and a path that does not exist', async () => {
      expectError(
        await core.raw('POST', `${base}/payments`, { body: '{not json' }),
        400,
        'REQUEST_BODY_NOT_JSON',
      );
      // The error never echoes the body back (it may hold a card number).
      const cut = await core.raw('POST', `${base}/payments`, { body: `{"card":{"cardNumber":"${visa.pan}"` });
      expectError(cut, 400, 'REQUEST_BODY_NOT_JSON');
      expect(cut.text).not.toContain(visa.pan);
      expectError(await core.raw('GET', `${base}/nothing-here`), 404, 'ROUTE_NOT_FOUND');
    });

    it('card data the acquirer cannot use', async () => {
      const bad = {
        ...sale(100),
        cardPaymentMethodSpecificInput: { card: { cardNumber: '4111111111111112', expiryDate: '1230' } },
      };
      expectError(await core.raw('POST', `${base}/payments`, { body: bad }), 400, 'CARD_INVALID');
      const badExpiry = {
        ...sale(100),
        cardPaymentMethodSpecificInput: { card: { cardNumber: '4111111111111111', expiryDate: '1330' } },
      };
      expectError(await core.raw('POST', `${base}/payments`, { body: badExpiry }), 400, 'CARD_INVALID');
    });

    it('idempotence keys: replay, reuse with another body, a request still in flight, a malformed key', async () => {
      const key = `k-${Math.random().toString(36).slice(2)}`;
      const first = await core.raw('POST', `${base}/payments`, {
        body: sale(777),
        headers: { 'X-GCS-Idempotence-Key': key },
      });
      expect(first.status).toBe(201);
      expect(first.headers.get('x-gcs-idempotence-request-timestamp')).toBeNull();
      const replay = await core.raw('POST', `${base}/payments`, {
        body: sale(777),
        headers: { 'X-GCS-Idempotence-Key': key },
      });
      expect(replay.status).toBe(201);
      expect((replay.body as any).payment.id).toBe((first.body as any).payment.id);
      expect(Number(replay.headers.get('x-gcs-idempotence-request-timestamp'))).toBeGreaterThan(0);
      expectError(
        await core.raw('POST', `${base}/payments`, {
          body: sale(778),
          headers: { 'X-GCS-Idempotence-Key': key },
        }),
        422,
        'IDEMPOTENCE_KEY_REUSED',
      );
      // A validation failure is not kept (nothing ran; docs/core.md "Idempotence: what is stored"): the same
      // request with the same key runs anew and fails the same way, without a replay timestamp.
      const errKey = `${key}-e`;
      expectError(
        await core.raw('POST', `${base}/payments`, {
          body: sale(-1),
          headers: { 'X-GCS-Idempotence-Key': errKey },
        }),
        400,
        'AMOUNT_NOT_POSITIVE',
      );
      const errReplay = await core.raw('POST', `${base}/payments`, {
        body: sale(-1),
        headers: { 'X-GCS-Idempotence-Key': errKey },
      });
      expect(errReplay.status).toBe(400);
      expect(errReplay.headers.get('x-gcs-idempotence-request-timestamp')).toBeNull();
      // A first request still being processed (its key claimed, no answer yet): 409 with errorCode 1409.
      const flightKey = `${key}-f`;
      const path = `${base}/payments/${paidId}/refund`;
      const flightBody = JSON.stringify({ amountOfMoney: { amount: 1, currencyCode: 'EUR' } });
      await core.t.db.query(
        `INSERT INTO idempotence_keys (merchant_id, key, request_hash, state, first_request_at, expires_at)
         VALUES ($1, $2, $3, 'IN_PROGRESS', now(), now() + interval '31 days')`,
        [core.merchantId, flightKey, requestHash('POST', path, flightBody)],
      );
      const inFlight = await core.raw('POST', path, {
        body: flightBody,
        headers: { 'X-GCS-Idempotence-Key': flightKey },
      });
      expect(expectError(inFlight, 409, 'IDEMPOTENCE_REQUEST_IN_PROGRESS').errorCode).toBe('1409');
      expectError(
        await core.raw('POST', `${base}/payments`, {
          body: sale(1),
          headers: { 'X-GCS-Idempotence-Key': 'x'.repeat(41) },
        }),
        400,
        'REQUEST_INVALID',
        'X-GCS-Idempotence-Key',
      );
      // A claim whose request never answered (a crashed process) is taken over after 10 minutes.
      const crashedKey = `${key}-c`;
      const crashedBody = JSON.stringify(sale(555));
      await core.t.db.query(
        `INSERT INTO idempotence_keys (merchant_id, key, request_hash, state, first_request_at, expires_at)
         VALUES ($1, $2, $3, 'IN_PROGRESS', now() - interval '11 minutes', now() + interval '31 days')`,
        [core.merchantId, crashedKey, requestHash('POST', `${base}/payments`, crashedBody)],
      );
      const retried = await core.raw('POST', `${base}/payments`, {
        body: crashedBody,
        headers: { 'X-GCS-Idempotence-Key': crashedKey },
      });
      expect(retried.status).toBe(201);
      // Keys past their 31 days are purged.
      await core.t.db.query(
        `INSERT INTO idempotence_keys (merchant_id, key, request_hash, state, status_code, response_body, first_request_at, expires_at)
         VALUES ($1, $2, 'h', 'DONE', 201, '{}', now() - interval '32 days', now() - interval '1 day')`,
        [core.merchantId, `${key}-old`],
      );
      expect(await purgeExpiredIdempotenceKeys(core.t.db, new Date())).toBeGreaterThanOrEqual(1);
      expect(
        await core.t.db.query('SELECT 1 FROM idempotence_keys WHERE key = $1', [`${key}-old`]),
      ).toHaveLength(0);
      const kept = await core.t.db.query<{ days: number }>(
        `SELECT extract(day FROM expires_at - first_request_at)::int AS days FROM idempotence_keys WHERE key = $1`,
        [key],
      );
      expect(Number(kept[0]?.days)).toBeGreaterThanOrEqual(31);
    });

    it('refund errors: above refundable, nothing captured, and the lock held by another channel', async () => {
      expectError(
        await core.raw('POST', `${base}/payments/${paidId}/refund`, {
          body: { amountOfMoney: { amount: 1_001, currencyCode: 'EUR' } },
        }),
        400,
        'REFUND_EXCEEDS_REFUNDABLE',
        'amountOfMoney.amount',
      );
      const auth = await core.raw('POST', `${base}/payments`, {
        body: {
          ...sale(500),
          cardPaymentMethodSpecificInput: {
            ...sale(500).cardPaymentMethodSpecificInput,
            authorizationMode: 'PRE_AUTHORIZATION',
          },
        },
      });
      const authId = (auth.body as any).payment.id;
      expectError(
        await core.raw('POST', `${base}/payments/${authId}/refund`, { body: {} }),
        409,
        'NOTHING_CAPTURED',
      );
      // A counter refund reservation holds the order's lock: an online refund is refused with 409.
      const order = await core.ledger.loadOrderOfPayment(core.merchantId, paidId);
      await core.t.db.query(
        `INSERT INTO refund_locks (order_id, lock_id, holder, channel, purpose, acquired_at, expires_at)
         VALUES ($1, gen_random_uuid(), 'terminal:test', 'IN_STORE', 'RESERVATION', now(), now() + interval '1 minute')`,
        [order!.order.orderId],
      );
      const locked = expectError(
        await core.raw('POST', `${base}/payments/${paidId}/refund`, {
          body: { amountOfMoney: { amount: 1, currencyCode: 'EUR' } },
        }),
        409,
        'REFUND_ORDER_LOCKED',
      );
      expect(locked.retriable).toBe(true);
      expectError(
        await core.raw('POST', `${base}/payouts`, {
          body: {
            amountOfMoney: { amount: 1, currencyCode: 'EUR' },
            omnichannelPayoutSpecificInput: { paymentId: paidId },
          },
        }),
        409,
        'REFUND_ORDER_LOCKED',
      );
      await core.t.db.query('DELETE FROM refund_locks WHERE order_id = $1', [order!.order.orderId]);
    });
  });
}
