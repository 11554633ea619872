/**
 * Issue 7, "Money moved, never recorded": a NUL (or a lone surrogate, or an out-of-range product id) in a
 * text the core stores passed validation, the sandbox acquirer approved, and PostgreSQL then refused the text
 * (22021) while recording: 503 RECORDING_PENDING, a journal row PENDING forever, an order locked for good.
 * Each field is now refused with a 400 naming it, before any acquirer call, on all three APIs; afterwards the
 * acquirer received nothing new and no journal row is open.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCardById } from '../../../src-shared';
import { DATABASE_KINDS } from '../../helpers/core-db';
import { startTestCore, type RawResponse, type TestCore } from '../../helpers/core-server';
import { eurMoney, testTerminal, type TestTerminal } from '../../helpers/terminal-sync';

/* eslint-disable @typescript-eslint/no-explicit-any -- answers are read as JSON */
const visa = testCardById('visa-approve')!;
const card = { cardNumber: visa.pan, expiryDate: visa.expiry, cvv: '123' };
const NUL = 'ref\u0000x';
const LONE = 'ref\ud800x';

function expectRefused(r: RawResponse, propertyName: string, says: RegExp) {
  expect(r.status, r.text).toBe(400);
  const e = (r.body as any).errors[0];
  expect(e).toMatchObject({ id: 'REQUEST_INVALID', httpStatusCode: 400, propertyName });
  expect(e.message).toContain(propertyName);
  expect(e.message).toMatch(says);
}

for (const { kind, skip } of DATABASE_KINDS) {
  describe.skipIf(skip !== null)(
    `hostile text is refused before the acquirer on ${kind}${skip ? ` (${skip})` : ''}`,
    () => {
      let core: TestCore;
      let term: TestTerminal;
      let base: string;
      let saleId: string;
      let authId: string;
      const acquirerCalls = async () =>
        Number(
          (
            await core.t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM sandbox_acquirer_journal')
          )[0]!.n,
        );
      const openJournalRows = async () =>
        Number(
          (
            await core.t.db.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM acquirer_journal WHERE state <> 'DONE'`,
            )
          )[0]!.n,
        );

      beforeAll(async () => {
        core = await startTestCore(kind);
        term = testTerminal(core.url, core.terminal);
        base = `/v2/${core.merchantId}`;
        const sale = await core.raw('POST', `${base}/payments`, {
          body: {
            order: { amountOfMoney: { amount: 5_000, currencyCode: 'EUR' } },
            cardPaymentMethodSpecificInput: { card },
          },
        });
        saleId = (sale.body as any).payment.id;
        const auth = await core.raw('POST', `${base}/payments`, {
          body: {
            order: { amountOfMoney: { amount: 5_000, currencyCode: 'EUR' } },
            cardPaymentMethodSpecificInput: { card, authorizationMode: 'PRE_AUTHORIZATION' },
          },
        });
        authId = (auth.body as any).payment.id;
        expect([sale.status, auth.status]).toEqual([201, 201]);
      });
      afterAll(async () => {
        await core?.close();
      });

      it('the online API refuses a NUL in every text it stores, naming the field, and calls no acquirer', async () => {
        const before = await acquirerCalls();
        const order = (extra: object) => ({ amountOfMoney: { amount: 100, currencyCode: 'EUR' }, ...extra });
        const cases: Array<[string, string, object, string]> = [
          [
            'POST',
            `${base}/payments`,
            {
              order: order({ references: { merchantReference: NUL } }),
              cardPaymentMethodSpecificInput: { card },
            },
            'order.references.merchantReference',
          ],
          [
            'POST',
            `${base}/payments`,
            {
              order: order({ customer: { merchantCustomerId: NUL } }),
              cardPaymentMethodSpecificInput: { card },
            },
            'order.customer.merchantCustomerId',
          ],
          [
            'POST',
            `${base}/payments`,
            {
              order: order({}),
              cardPaymentMethodSpecificInput: { card: { ...card, cardholderName: NUL }, tokenize: true },
            },
            'cardPaymentMethodSpecificInput.card.cardholderName',
          ],
          [
            'POST',
            `${base}/payments/${saleId}/refund`,
            { amountOfMoney: { amount: 100, currencyCode: 'EUR' }, references: { merchantReference: NUL } },
            'references.merchantReference',
          ],
          [
            'POST',
            `${base}/payments/${saleId}/refund`,
            {
              amountOfMoney: { amount: 100, currencyCode: 'EUR' },
              operationReferences: { merchantReference: NUL },
            },
            'operationReferences.merchantReference',
          ],
          [
            'POST',
            `${base}/payments/${saleId}/refund`,
            {
              amountOfMoney: { amount: 100, currencyCode: 'EUR' },
              omnichannelRefundSpecificInput: { operatorId: NUL },
            },
            'omnichannelRefundSpecificInput.operatorId',
          ],
          [
            'POST',
            `${base}/payments/${authId}/capture`,
            { amount: 100, operationReferences: { merchantReference: NUL } },
            'operationReferences.merchantReference',
          ],
          [
            'POST',
            `${base}/payouts`,
            {
              amountOfMoney: { amount: 100, currencyCode: 'EUR' },
              omnichannelPayoutSpecificInput: { paymentId: saleId, operatorId: NUL },
            },
            'omnichannelPayoutSpecificInput.operatorId',
          ],
          [
            'POST',
            `${base}/tokens`,
            { card: { data: { card: { ...card, cardholderName: NUL } } } },
            'card.data.card.cardholderName',
          ],
          [
            'POST',
            `${base}/payments/${saleId}/subsequent`,
            { order: order({ references: { merchantReference: NUL } }) },
            'order.references.merchantReference',
          ],
        ];
        for (const [, path, body, property] of cases) {
          expectRefused(
            await core.raw('POST', path, { body }),
            property,
            /control character U\+0000 at character 4; remove it/,
          );
        }
        expectRefused(
          await core.raw('POST', `${base}/payments`, {
            body: {
              order: order({ references: { merchantReference: LONE } }),
              cardPaymentMethodSpecificInput: { card },
            },
          }),
          'order.references.merchantReference',
          /lone UTF-16 surrogate \(U\+D800\)/,
        );
        expectRefused(
          await core.raw('POST', `${base}/payments`, {
            body: {
              order: order({ references: { merchantReference: 'x'.repeat(101) } }),
              cardPaymentMethodSpecificInput: { card },
            },
          }),
          'order.references.merchantReference',
          /101 characters long; at most 100/,
        );
        // An integer column: 3e9 failed the recording after the acquirer approved.
        expectRefused(
          await core.raw('POST', `${base}/payments`, {
            body: { order: order({}), cardPaymentMethodSpecificInput: { card, paymentProductId: 3e9 } },
          }),
          'cardPaymentMethodSpecificInput.paymentProductId',
          /./,
        );
        expect(await acquirerCalls()).toBe(before);
        expect(await openJournalRows()).toBe(0);
        // The order is not locked: a clean refund goes through.
        const refund = await core.raw('POST', `${base}/payments/${saleId}/refund`, {
          body: {
            amountOfMoney: { amount: 100, currencyCode: 'EUR' },
            references: { merchantReference: 'clean' },
          },
        });
        expect(refund.status, refund.text).toBe(201);
      });

      it('the back office refuses a NUL in a reference or operator, naming the field, and calls no acquirer', async () => {
        const ops = await core.raw('GET', `/backoffice/v1/${core.merchantId}/operations?paymentId=${saleId}`);
        const saleOp = (ops.body as any).operations.find((o: any) => o.kind === 'SALE').operationId;
        const before = await acquirerCalls();
        const path = `/backoffice/v1/${core.merchantId}/operations/${saleOp}/refunds`;
        expectRefused(
          await core.raw('POST', path, { body: { amount: eurMoney(100), merchantReference: NUL } }),
          'body.merchantReference',
          /U\+0000/,
        );
        expectRefused(
          await core.raw('POST', path, { body: { amount: eurMoney(100), operatorId: LONE } }),
          'body.operatorId',
          /surrogate/,
        );
        const list = await core.raw('GET', `/backoffice/v1/${core.merchantId}/orders?customerId=a%00b`);
        expectRefused(list, 'query.customerId', /U\+0000/);
        expect(await acquirerCalls()).toBe(before);
        expect(await openJournalRows()).toBe(0);
      });

      it('the sync push rejects the message naming the field; reservations refuse it with a 400', async () => {
        const order = term.messages.order(1_000, { merchantReference: NUL });
        const pushed = await term.push([order]);
        expect(pushed.status, pushed.text).toBe(200);
        expect(pushed.results[0]).toMatchObject({ status: 'rejected', code: 'SYNC_MESSAGE_INVALID' });
        expect((pushed.results[0] as any).message).toMatch(
          /merchantReference: it holds the control character U\+0000/,
        );
        const { paymentId } = await term.sale({ total: 1_000, paid: 1_000 });
        const reserved = await term.raw('POST', '/sync/v1/reservations', {
          body: { reservationId: term.newId(), paymentId, amount: eurMoney(100) },
        });
        expect(reserved.status, reserved.text).toBe(201);
        const id = (reserved.body as any).reservationId;
        const confirm = await term.raw('POST', `/sync/v1/reservations/${id}/confirm`, {
          body: {
            operationId: term.newId(),
            amount: eurMoney(100),
            occurredAt: new Date().toISOString(),
            operatorId: NUL,
          },
        });
        expectRefused(confirm, 'body.operatorId', /U\+0000/);
        const refund = term.messages.onPayment('REFUND', paymentId, {
          amount: eurMoney(100),
          method: 'CASH',
          terminalReference: NUL,
        });
        const refused = await term.push([refund]);
        expect(refused.results[0]).toMatchObject({ status: 'rejected', code: 'SYNC_MESSAGE_INVALID' });
        expect((refused.results[0] as any).message).toMatch(/terminalReference/);
      });
    },
  );
}
