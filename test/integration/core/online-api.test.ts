/**
 * The online API driven through the official SDK (`onlinepayments-sdk-nodejs`, unchanged) over real HTTP,
 * on PGlite and on PostgreSQL: every endpoint of issue 3 "Online API" as a merchant's web shop uses it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SdkResponse } from 'onlinepayments-sdk-nodejs';
import { formatPaymentId, money, parsePaymentId, testCardById, type PaymentId } from '../../../src-shared';
import { DATABASE_KINDS } from '../../helpers/core-db';
import { startTestCore, type TestCore } from '../../helpers/core-server';
import { ledgerWrites } from '../../helpers/ledger-writes';

/* eslint-disable @typescript-eslint/no-explicit-any -- wire bodies are read as the merchant would read JSON */
function body(r: SdkResponse<unknown, unknown>): any {
  if (!r.isSuccess) throw new Error(`expected success, got ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}
function failure(r: SdkResponse<unknown, unknown>, status: number): any {
  expect(r.isSuccess, JSON.stringify(r.body)).toBe(false);
  expect(r.status).toBe(status);
  return r.body;
}

const card = (id: string) => {
  const c = testCardById(id)!;
  return { cardNumber: c.pan, expiryDate: c.expiry, cvv: '123', cardholderName: 'Ada Lovelace' };
};
const eur = (amount: number) => ({ amount, currencyCode: 'EUR' });

for (const { kind, skip } of DATABASE_KINDS) {
  describe.skipIf(skip !== null)(
    `online API through the official SDK on ${kind}${skip ? ` (${skip})` : ''}`,
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

      const createSale = async (
        amount: number,
        extra: Record<string, unknown> = {},
        cardId = 'visa-approve',
      ) =>
        core.sdk.payments.createPayment(M, {
          order: { amountOfMoney: eur(amount), customer: { merchantCustomerId: 'cust-42' } },
          cardPaymentMethodSpecificInput: {
            paymentProductId: 1,
            authorizationMode: 'SALE',
            card: card(cardId),
            ...extra,
          },
        });

      it('testconnection answers OK', async () => {
        expect(body(await core.sdk.services.testConnection(M)).result).toBe('OK');
      });

      it('creates a card sale: 19-digit id, CAPTURED, masked card, and no card number in the logs', async () => {
        const created = body(await createSale(2_980));
        const p = created.payment;
        expect(parsePaymentId(p.id).ok).toBe(true);
        expect(p.status).toBe('CAPTURED');
        expect(p.statusOutput).toMatchObject({
          statusCode: 9,
          statusCategory: 'COMPLETED',
          isRefundable: true,
          isAuthorized: true,
        });
        expect(p.paymentOutput.amountOfMoney).toEqual(eur(2_980));
        expect(p.paymentOutput.cardPaymentMethodSpecificOutput.card.cardNumber).toBe('************4675');
        const got = body(await core.sdk.payments.getPayment(M, p.id));
        expect(got.id).toBe(p.id);
        expect(got.status).toBe('CAPTURED');
        const logs = core.logs.join('');
        expect(logs).toContain('/payments');
        expect(logs).not.toContain(testCardById('visa-approve')!.pan);
        expect(logs).not.toContain(core.secret);
      });

      it('deposit in store, rest online as a subsequent payment, refund online, payout beyond one payment', async () => {
        // The in-store deposit as the terminal sync API records it: the terminal's 19-digit id and card token.
        const visa = testCardById('visa-approve')!;
        const storeId = formatPaymentId(core.terminal.issuer, Math.floor(Math.random() * 1e9));
        const deposit = await ledgerWrites(core.ledger).createOrderWithPayment(
          {
            merchantId: M,
            currency: 'EUR',
            total: money(10_000, 'EUR'),
            channel: 'IN_STORE',
            storeId: core.storeId,
            terminalId: core.terminal.terminalId,
          },
          {
            paymentId: storeId,
            channel: 'IN_STORE',
            terminalId: core.terminal.terminalId,
            opening: { kind: 'SALE', amount: money(3_000, 'EUR') },
            card: {
              brand: 'VISA',
              bin: visa.pan.slice(0, 6),
              last4: visa.pan.slice(-4),
              expiry: visa.expiry,
              cardRef: visa.token,
              tokenId: null,
              paymentProductId: 1,
            },
          },
        );
        expect(deposit.ok).toBe(true);
        // More than the balance due is refused before the card is charged.
        const tooMuch = await core.sdk.payments.subsequentPayment(M, storeId, {
          order: { amountOfMoney: eur(7_001) },
          subsequentcardPaymentMethodSpecificInput: { authorizationMode: 'SALE' },
        });
        expect(failure(tooMuch, 400).errors[0].id).toBe('ORDER_AMOUNT_EXCEEDED');
        const rest = body(
          await core.sdk.payments.subsequentPayment(M, storeId, {
            order: { amountOfMoney: eur(7_000) },
            subsequentcardPaymentMethodSpecificInput: { authorizationMode: 'SALE' },
          }),
        );
        const restId = rest.payment.id as PaymentId;
        expect(rest.payment.status).toBe('CAPTURED');
        expect(restId).not.toBe(storeId);
        // Refund online on the online payment: partial, then multiple, capped by what it captured.
        const r1 = body(await core.sdk.payments.refundPayment(M, restId, { amountOfMoney: eur(2_000) }));
        expect(r1).toMatchObject({ id: `${restId}_1`, status: 'REFUNDED', statusOutput: { statusCode: 8 } });
        const over = await core.sdk.payments.refundPayment(M, restId, { amountOfMoney: eur(5_001) });
        const overBody = failure(over, 400);
        expect(overBody.errors[0]).toMatchObject({
          id: 'REFUND_EXCEEDS_REFUNDABLE',
          propertyName: 'amountOfMoney.amount',
        });
        body(await core.sdk.payments.refundPayment(M, restId, { amountOfMoney: eur(5_000) }));
        const refunds = body(await core.sdk.refunds.getRefunds(M, restId)).refunds;
        expect(refunds.map((r: any) => r.refundOutput.amountOfMoney.amount)).toEqual([2_000, 5_000]);
        // The in-store payment refunded online too, then a payout for the rest of the order.
        body(await core.sdk.payments.refundPayment(M, storeId, { amountOfMoney: eur(1_000) }));
        const payoutOver = await core.sdk.payouts.createPayout(M, {
          amountOfMoney: eur(2_001),
          omnichannelPayoutSpecificInput: { paymentId: storeId },
        });
        expect(failure(payoutOver, 400).errors[0].id).toBe('PAYOUT_EXCEEDS_COLLECTED');
        const payout = body(
          await core.sdk.payouts.createPayout(M, {
            amountOfMoney: eur(2_000),
            omnichannelPayoutSpecificInput: { paymentId: storeId },
          }),
        );
        expect(payout.status).toBe('ACCOUNT_CREDITED');
        expect(body(await core.sdk.payouts.getPayout(M, payout.id)).payoutOutput.amountOfMoney).toEqual(
          eur(2_000),
        );
        // One chain: details list every operation of the order.
        const details = body(await core.sdk.payments.getPaymentDetails(M, storeId));
        expect(details.Operations.map((o: any) => [o.id, o.status])).toEqual([
          [storeId, 'CAPTURED'],
          [restId, 'CAPTURED'],
          [`${restId}_1`, 'REFUNDED'],
          [`${restId}_2`, 'REFUNDED'],
          [`${storeId}_1`, 'REFUNDED'],
          [`${storeId}_2`, 'ACCOUNT_CREDITED'],
        ]);
        const loaded = await core.ledger.loadOrderOfPayment(M, storeId);
        expect(loaded?.operations.map((o) => o.operation.channel)).toEqual([
          'IN_STORE',
          'ONLINE',
          'ONLINE',
          'ONLINE',
          'ONLINE',
          'ONLINE',
        ]);
        expect(loaded?.state.payments).toHaveLength(2);
      });

      it('pre-authorisation: partial and multiple captures, final capture, then refund; cancel refused after refund', async () => {
        const created = body(
          await core.sdk.payments.createPayment(M, {
            order: { amountOfMoney: eur(1_000) },
            cardPaymentMethodSpecificInput: {
              authorizationMode: 'PRE_AUTHORIZATION',
              card: card('mastercard-pin'),
            },
          }),
        );
        const id = created.payment.id;
        expect(created.payment).toMatchObject({
          status: 'PENDING_CAPTURE',
          statusOutput: { statusCode: 5, isCancellable: true, isRefundable: false },
        });
        const c1 = body(await core.sdk.payments.capturePayment(M, id, { amount: 300, isFinal: false }));
        expect(c1).toMatchObject({ id: `${id}_1`, status: 'CAPTURED' });
        body(await core.sdk.payments.capturePayment(M, id, { amount: 200, isFinal: true }));
        const closed = await core.sdk.payments.capturePayment(M, id, { amount: 1 });
        expect(failure(closed, 409).errors[0].id).toBe('AUTHORISATION_CLOSED');
        const captures = body(await core.sdk.captures.getCaptures(M, id)).captures;
        expect(captures.map((c: any) => c.captureOutput.amountOfMoney.amount)).toEqual([300, 200]);
        const refund = await core.sdk.payments.refundPayment(M, id, { amountOfMoney: eur(501) });
        expect(failure(refund, 400).errors[0].id).toBe('REFUND_EXCEEDS_REFUNDABLE');
        body(await core.sdk.payments.refundPayment(M, id, { amountOfMoney: eur(500) }));
        expect(body(await core.sdk.payments.getPayment(M, id)).status).toBe('REFUNDED');
        const cancel = await core.sdk.payments.cancelPayment(M, id, {});
        expect(failure(cancel, 409).errors[0].id).toBe('CANCEL_NOT_POSSIBLE');
      });

      it('final authorisation: partial cancel releases part, full cancel ends it', async () => {
        const id = body(
          await core.sdk.payments.createPayment(M, {
            order: { amountOfMoney: eur(800) },
            cardPaymentMethodSpecificInput: {
              authorizationMode: 'FINAL_AUTHORIZATION',
              card: card('amex-approve'),
            },
          }),
        ).payment.id;
        const partial = body(await core.sdk.payments.cancelPayment(M, id, { amountOfMoney: eur(300) }));
        expect(partial.payment.status).toBe('PENDING_CAPTURE');
        const full = body(await core.sdk.payments.cancelPayment(M, id, {}));
        expect(full.payment).toMatchObject({
          status: 'CANCELLED',
          statusOutput: { statusCode: 6, isCancellable: false },
        });
        const capture = await core.sdk.payments.capturePayment(M, id, { amount: 100 });
        expect(failure(capture, 409).errors[0].id).toBe('PAYMENT_CANCELLED');
      });

      it('the sandbox acquirer declines by test card and amount, with the payment in paymentResult', async () => {
        const declined = failure(await createSale(1_000, {}, 'visa-declined'), 402);
        expect(declined.errors[0].id).toBe('CARD_DECLINED');
        expect(declined.paymentResult.payment).toMatchObject({
          status: 'REJECTED',
          statusOutput: { statusCode: 2, statusCategory: 'UNSUCCESSFUL' },
        });
        expect(body(await core.sdk.payments.getPayment(M, declined.paymentResult.payment.id)).status).toBe(
          'REJECTED',
        );
        expect(failure(await createSale(10_001, {}, 'visa-limit-100'), 402).errors[0].id).toBe(
          'INSUFFICIENT_FUNDS',
        );
        expect(body(await createSale(10_000, {}, 'visa-limit-100')).payment.status).toBe('CAPTURED');
        expect(failure(await createSale(1_000, {}, 'visa-expired'), 402).errors[0].id).toBe('CARD_EXPIRED');
        expect(failure(await createSale(1_000, {}, 'mastercard-stolen'), 402).errors[0].id).toBe(
          'CARD_STOLEN',
        );
        // Any other Luhn-valid card with a future expiry is approved.
        const other = await core.sdk.payments.createPayment(M, {
          order: { amountOfMoney: eur(100) },
          cardPaymentMethodSpecificInput: {
            card: { cardNumber: '4111111111111111', expiryDate: '1249', cvv: '999' },
          },
        });
        expect(body(other).payment.status).toBe('CAPTURED');
      });

      it('an acquirer time-out is an unknown outcome the merchant can check, never a silent decline', async () => {
        const created = body(await createSale(1_000, {}, 'visa-timeout'));
        expect(created.payment).toMatchObject({
          status: 'AUTHORIZATION_REQUESTED',
          statusOutput: {
            statusCode: 51,
            statusCategory: 'PENDING_CONNECT_OR_3RD_PARTY',
            isAuthorized: false,
          },
        });
        expect(created.payment.statusOutput.errors[0].id).toBe('ACQUIRER_TIMEOUT');
        // Checking asks the acquirer: the sandbox reports the authorisation never reached the issuer.
        const checked = body(await core.sdk.payments.getPayment(M, created.payment.id));
        expect(checked.status).toBe('REJECTED');
        expect(checked.statusOutput.errors[0].id).toBe('ACQUIRER_TIMEOUT');
      });

      it('card on file: a cardholderInitiated/first payment can be charged again; a plain one cannot', async () => {
        const first = body(
          await createSale(1_500, {
            unscheduledCardOnFileRequestor: 'cardholderInitiated',
            unscheduledCardOnFileSequenceIndicator: 'first',
          }),
        ).payment.id;
        const again = body(
          await core.sdk.payments.subsequentPayment(M, first, {
            order: { amountOfMoney: eur(500) },
            subsequentcardPaymentMethodSpecificInput: {
              authorizationMode: 'PRE_AUTHORIZATION',
              subsequentType: 'Unscheduled',
            },
          }),
        );
        expect(again.payment.status).toBe('PENDING_CAPTURE');
        // Subsequent on the subsequent payment: same chain, same card.
        body(
          await core.sdk.payments.subsequentPayment(M, again.payment.id, {
            order: { amountOfMoney: eur(100) },
          }),
        );
        // A declined first payment stored nothing to charge.
        const declinedFirst = failure(
          await createSale(
            700,
            {
              unscheduledCardOnFileRequestor: 'cardholderInitiated',
              unscheduledCardOnFileSequenceIndicator: 'first',
            },
            'visa-declined',
          ),
          402,
        ).paymentResult.payment.id;
        const onDeclined = await core.sdk.payments.subsequentPayment(M, declinedFirst, {
          order: { amountOfMoney: eur(100) },
        });
        expect(failure(onDeclined, 409).errors[0].id).toBe('CARD_NOT_ON_FILE');
        const plain = body(await createSale(700)).payment.id;
        const refused = await core.sdk.payments.subsequentPayment(M, plain, {
          order: { amountOfMoney: eur(100) },
        });
        expect(failure(refused, 409).errors[0].id).toBe('CARD_NOT_ON_FILE');
        const wrongCurrency = await core.sdk.payments.subsequentPayment(M, first, {
          order: { amountOfMoney: { amount: 100, currencyCode: 'USD' } },
        });
        expect(failure(wrongCurrency, 400).errors[0].id).toBe('CURRENCY_MISMATCH');
      });

      it('tokens: create, get, pay with it, tokenise during a payment, delete; a deleted token cannot be charged', async () => {
        const created = body(
          await core.sdk.tokens.createToken(M, {
            paymentProductId: 3,
            card: {
              data: {
                card: { cardNumber: '5555555555554444', expiryDate: '1230', cardholderName: 'Ada Lovelace' },
              },
            },
          }),
        );
        expect(created).toMatchObject({
          isNewToken: true,
          card: { cardNumber: '************4444', expiryDate: '1230' },
        });
        const token = created.token as string;
        const got = body(await core.sdk.tokens.getToken(M, token));
        expect(got).toMatchObject({
          id: token,
          paymentProductId: 3,
          card: { data: { cardWithoutCvv: { cardNumber: '************4444' } } },
        });
        const paid = body(
          await core.sdk.payments.createPayment(M, {
            order: { amountOfMoney: eur(1_200) },
            cardPaymentMethodSpecificInput: { token, authorizationMode: 'SALE' },
          }),
        ).payment;
        expect(paid.paymentOutput.cardPaymentMethodSpecificOutput.token).toBe(token);
        // A terminal's card token (in-store card) can be charged online too.
        const storeCard = testCardById('girocard-pin')!;
        const storeToken = body(
          await core.sdk.payments.createPayment(M, {
            order: { amountOfMoney: eur(900) },
            cardPaymentMethodSpecificInput: { token: storeCard.token },
          }),
        );
        expect(storeToken.payment.status).toBe('CAPTURED');
        // Tokenise during a payment; the subsequent payment charges the stored card.
        const tokenised = body(await createSale(2_000, { tokenize: true }));
        expect(tokenised.creationOutput).toMatchObject({ isNewToken: true, tokenizationSucceeded: true });
        const newToken = tokenised.creationOutput.token as string;
        body(
          await core.sdk.payments.subsequentPayment(M, tokenised.payment.id, {
            order: { amountOfMoney: eur(300) },
          }),
        );
        // Delete: 204, then gone; charging it is refused, and the payment chain records the deletion.
        const deleted = await core.sdk.tokens.deleteToken(M, newToken);
        expect(deleted.status).toBe(204);
        expect(failure(await core.sdk.tokens.getToken(M, newToken), 410).errors[0].id).toBe('TOKEN_DELETED');
        const charge = await core.sdk.payments.createPayment(M, {
          order: { amountOfMoney: eur(100) },
          cardPaymentMethodSpecificInput: { token: newToken },
        });
        expect(failure(charge, 410).errors[0].id).toBe('TOKEN_DELETED');
        const chain = await core.ledger.loadOrderOfPayment(M, tokenised.payment.id);
        expect(chain?.operations.map((o) => o.operation.kind)).toEqual([
          'SALE',
          'TOKEN_CREATE',
          'SALE',
          'TOKEN_USE',
          'TOKEN_DELETE',
        ]);
        expect(failure(await core.sdk.tokens.getToken(M, 'no-such-token'), 404).errors[0].id).toBe(
          'TOKEN_NOT_FOUND',
        );
      });

      it('idempotence through the SDK: a retry replays the first answer and carries the request timestamp', async () => {
        const key = `idem-${Math.random().toString(36).slice(2)}`;
        const request = {
          order: { amountOfMoney: eur(4_200) },
          cardPaymentMethodSpecificInput: { card: card('visa-approve') },
        };
        const firstContext = { idempotence: { key } } as {
          idempotence: { key: string; requestTimestamp?: number };
        };
        const first = body(await core.sdk.payments.createPayment(M, request, firstContext));
        expect(firstContext.idempotence.requestTimestamp).toBeUndefined();
        const secondContext = { idempotence: { key } } as {
          idempotence: { key: string; requestTimestamp?: number };
        };
        const second = body(await core.sdk.payments.createPayment(M, request, secondContext));
        expect(second.payment.id).toBe(first.payment.id);
        expect(Number(secondContext.idempotence.requestTimestamp)).toBeGreaterThan(Date.now() - 60_000);
        // A refund retried with its key does not refund twice.
        const refundKey = { idempotence: { key: `${key}-r` } };
        body(
          await core.sdk.payments.refundPayment(
            M,
            first.payment.id,
            { amountOfMoney: eur(4_200) },
            refundKey,
          ),
        );
        body(
          await core.sdk.payments.refundPayment(
            M,
            first.payment.id,
            { amountOfMoney: eur(4_200) },
            { idempotence: { key: `${key}-r` } },
          ),
        );
        expect(body(await core.sdk.refunds.getRefunds(M, first.payment.id)).refunds).toHaveLength(1);
      });

      it('two full refunds at once: exactly one succeeds, the other is REFUND_ORDER_LOCKED or exceeds refundable', async () => {
        for (let i = 0; i < 3; i++) {
          const id = body(await createSale(5_000)).payment.id;
          const results = await Promise.all(
            [0, 1].map(() => core.sdk.payments.refundPayment(M, id, { amountOfMoney: eur(5_000) })),
          );
          expect(results.filter((r) => r.isSuccess)).toHaveLength(1);
          const loser = results.find((r) => !r.isSuccess)!;
          expect(['REFUND_ORDER_LOCKED', 'REFUND_EXCEEDS_REFUNDABLE']).toContain(
            (loser.body as any).errors[0].id,
          );
          expect([409, 400]).toContain(loser.status);
        }
      });
    },
  );
}
