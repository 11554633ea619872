/**
 * The sandbox acquirer's documented test amounts (src-shared/test-cards.ts `ACQUIRER_TEST_AMOUNTS`, the
 * README's "amounts that decline at the acquirer") end to end, through the official SDK and the back office,
 * on PGlite and PostgreSQL: a capture, refund or payout of an amount ending in 99.05 is declined (402
 * ACQUIRER_DECLINED in Worldline's error shape, nothing recorded, the order free for the next refund); one
 * ending in 99.91 times out (504 ACQUIRER_TIMEOUT, the order's refunds held while the outcome is unknown), and
 * reconciliation, which asks the sandbox, records it exactly once; a retry with the same idempotence key then
 * gets the recorded operation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SdkResponse } from 'onlinepayments-sdk-nodejs';
import { acquirerAmountOutcome, testCardById } from '../../../src-shared';
import { DATABASE_KINDS } from '../../helpers/core-db';
import { startTestCore, type TestCore } from '../../helpers/core-server';

/* eslint-disable @typescript-eslint/no-explicit-any -- wire bodies are read as the merchant would read JSON */
const eur = (amount: number) => ({ amount, currencyCode: 'EUR' });
const DECLINES = 9_905;
const TIMES_OUT = 19_991;
const visa = testCardById('visa-approve')!;
const card = { cardNumber: visa.pan, expiryDate: visa.expiry, cvv: '123' };

function failure(r: SdkResponse<unknown, unknown>, status: number): any {
  expect(r.isSuccess, JSON.stringify(r.body)).toBe(false);
  expect(r.status).toBe(status);
  return r.body;
}
function body(r: SdkResponse<unknown, unknown>): any {
  if (!r.isSuccess) throw new Error(`expected success, got ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}

describe('the documented test amounts', () => {
  it('are the ones the README promises, and ordinary amounts are carried out', () => {
    expect(acquirerAmountOutcome(9_905)).toBe('DECLINE');
    expect(acquirerAmountOutcome(109_905)).toBe('DECLINE');
    expect(acquirerAmountOutcome(9_991)).toBe('TIMEOUT');
    expect(acquirerAmountOutcome(1_234_567_9_991)).toBe('TIMEOUT');
    for (const ordinary of [1, 500, 905, 991, 10_000, 9_900, 19_906]) {
      expect(acquirerAmountOutcome(ordinary)).toBeNull();
    }
  });
});

for (const { kind, skip } of DATABASE_KINDS) {
  describe.skipIf(skip !== null)(
    `acquirer declines and time-outs by amount on ${kind}${skip ? ` (${skip})` : ''}`,
    () => {
      let core: TestCore;
      let M: string;
      beforeAll(async () => {
        core = await startTestCore(kind);
        M = core.merchantId;
      });
      afterAll(async () => {
        await core?.close();
      });

      /** What the ledger holds for a payment, by operation kind: the amounts in recording order. */
      const recorded = async (paymentId: string, opKind: string) =>
        (
          await core.t.db.query<{ amount_minor: string | number }>(
            `SELECT amount_minor FROM operations WHERE merchant_id = $1 AND payment_id = $2 AND kind = $3
           ORDER BY order_seq`,
            [M, paymentId, opKind],
          )
        ).map((r) => Number(r.amount_minor));
      const pay = async (amount: number, mode: 'SALE' | 'PRE_AUTHORIZATION' = 'SALE') =>
        body(
          await core.sdk.payments.createPayment(M, {
            order: { amountOfMoney: eur(amount) },
            cardPaymentMethodSpecificInput: { card, authorizationMode: mode },
          }),
        ).payment.id as string;
      const expectDeclined = (b: any, what: string) => {
        expect(b.errors).toHaveLength(1);
        expect(b.errors[0]).toMatchObject({
          id: 'ACQUIRER_DECLINED',
          errorCode: '402507',
          category: 'PAYMENT_PLATFORM_ERROR',
          httpStatusCode: 402,
          retriable: false,
        });
        expect(b.errors[0].message).toContain(`${what} of 99.05 EUR`);
        expect(typeof b.errorId).toBe('string');
      };

      it('online: a refund, a capture and a payout of 99.05 are declined, nothing is recorded, and the order stays usable', async () => {
        const paid = await pay(50_000);
        expectDeclined(
          failure(await core.sdk.payments.refundPayment(M, paid, { amountOfMoney: eur(DECLINES) }), 402),
          'refund',
        );
        expectDeclined(
          failure(
            await core.sdk.payouts.createPayout(M, {
              amountOfMoney: eur(DECLINES),
              omnichannelPayoutSpecificInput: { paymentId: paid },
            }),
            402,
          ),
          'payout',
        );
        expect(await recorded(paid, 'REFUND')).toEqual([]);
        expect(await recorded(paid, 'PAYOUT')).toEqual([]);
        // The refund lock was given back with the decline: the next refund goes through at once.
        body(await core.sdk.payments.refundPayment(M, paid, { amountOfMoney: eur(1_000) }));
        expect(await recorded(paid, 'REFUND')).toEqual([1_000]);
        const details = body(await core.sdk.payments.getPaymentDetails(M, paid));
        expect(details.status).toBe('CAPTURED');

        const authorised = await pay(30_000, 'PRE_AUTHORIZATION');
        expectDeclined(
          failure(
            await core.sdk.payments.capturePayment(M, authorised, { amount: DECLINES, isFinal: false }),
            402,
          ),
          'capture',
        );
        expect(await recorded(authorised, 'CAPTURE')).toEqual([]);
        const still = body(await core.sdk.payments.getPayment(M, authorised));
        expect(still.status).toBe('PENDING_CAPTURE');
        body(await core.sdk.payments.capturePayment(M, authorised, { amount: 10_000, isFinal: false }));
        expect(await recorded(authorised, 'CAPTURE')).toEqual([10_000]);
      });

      it('online: a refund of 199.91 times out (504), holds the order, and reconciliation records it exactly once; the retry gets it', async () => {
        const paid = await pay(50_000);
        const key = { idempotence: { key: `timeout-${kind}-${paid}` } };
        const first = failure(
          await core.sdk.payments.refundPayment(M, paid, { amountOfMoney: eur(TIMES_OUT) }, key),
          504,
        );
        expect(first.errors[0]).toMatchObject({ id: 'ACQUIRER_TIMEOUT', retriable: true });
        expect(await recorded(paid, 'REFUND')).toEqual([]);
        // While the outcome is unknown no other refund of the order may run (it could over-refund).
        const meanwhile = failure(
          await core.sdk.payments.refundPayment(M, paid, { amountOfMoney: eur(100) }),
          409,
        );
        expect(meanwhile.errors[0].id).toBe('REFUND_ORDER_LOCKED');

        const pass = await core.journal.reconcileDue();
        expect(pass.closed).toBeGreaterThanOrEqual(1);
        expect(await recorded(paid, 'REFUND')).toEqual([TIMES_OUT]);
        // A second pass (another process, the next timer) finds nothing left to record.
        await core.journal.reconcileDue();
        expect(await recorded(paid, 'REFUND')).toEqual([TIMES_OUT]);

        const retried = body(
          await core.sdk.payments.refundPayment(M, paid, { amountOfMoney: eur(TIMES_OUT) }, key),
        );
        expect(retried.refundOutput.amountOfMoney).toEqual(eur(TIMES_OUT));
        expect(await recorded(paid, 'REFUND')).toEqual([TIMES_OUT]);
        body(await core.sdk.payments.refundPayment(M, paid, { amountOfMoney: eur(100) }));
        expect(await recorded(paid, 'REFUND')).toEqual([TIMES_OUT, 100]);
      });

      it('online: a capture and a payout of 199.91 time out and are recorded once by reconciliation', async () => {
        const authorised = await pay(30_000, 'PRE_AUTHORIZATION');
        const capture = failure(
          await core.sdk.payments.capturePayment(M, authorised, { amount: TIMES_OUT, isFinal: false }),
          504,
        );
        expect(capture.errors[0].id).toBe('ACQUIRER_TIMEOUT');
        expect(await recorded(authorised, 'CAPTURE')).toEqual([]);
        await core.journal.reconcileDue();
        expect(await recorded(authorised, 'CAPTURE')).toEqual([TIMES_OUT]);
        await core.journal.reconcileDue();
        expect(await recorded(authorised, 'CAPTURE')).toEqual([TIMES_OUT]);

        const paid = await pay(50_000);
        const payout = failure(
          await core.sdk.payouts.createPayout(M, {
            amountOfMoney: eur(TIMES_OUT),
            omnichannelPayoutSpecificInput: { paymentId: paid },
          }),
          504,
        );
        expect(payout.errors[0].id).toBe('ACQUIRER_TIMEOUT');
        await core.journal.reconcileDue();
        await core.journal.reconcileDue();
        expect(await recorded(paid, 'PAYOUT')).toEqual([TIMES_OUT]);
      });

      it('back office: a refund and a capture of 99.05 are declined, one of 199.91 times out and is reconciled once', async () => {
        const bo = (path: string, b: object) => core.raw('POST', `/backoffice/v1/${M}${path}`, { body: b });
        const openingOf = async (paymentId: string) =>
          (
            await core.t.db.query<{ id: string }>(
              'SELECT id FROM operations WHERE merchant_id = $1 AND payment_id = $2 ORDER BY order_seq LIMIT 1',
              [M, paymentId],
            )
          )[0]!.id;
        const paid = await pay(50_000);
        const sale = await openingOf(paid);
        const refund = await bo(`/operations/${sale}/refunds`, {
          amount: { amountMinor: DECLINES, currency: 'EUR' },
        });
        expect(refund.status, JSON.stringify(refund.body)).toBe(402);
        expectDeclined(refund.body, 'refund');
        expect(await recorded(paid, 'REFUND')).toEqual([]);

        const authorised = await pay(30_000, 'PRE_AUTHORIZATION');
        const capture = await bo(`/operations/${await openingOf(authorised)}/captures`, {
          amountMinor: DECLINES,
          isFinal: false,
        });
        expect(capture.status).toBe(402);
        expectDeclined(capture.body, 'capture');
        expect(await recorded(authorised, 'CAPTURE')).toEqual([]);

        const late = await bo(`/operations/${sale}/refunds`, {
          amount: { amountMinor: TIMES_OUT, currency: 'EUR' },
        });
        expect(late.status).toBe(504);
        expect((late.body as any).errors[0].id).toBe('ACQUIRER_TIMEOUT');
        expect(await recorded(paid, 'REFUND')).toEqual([]);
        await core.journal.reconcileDue();
        await core.journal.reconcileDue();
        expect(await recorded(paid, 'REFUND')).toEqual([TIMES_OUT]);
      });
    },
  );
}
