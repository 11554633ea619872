/**
 * The omnichannel story end to end, on PGlite and PostgreSQL (architecture.md "The story it must carry"):
 * a deposit pushed from a terminal → the rest charged online through the official SDK as a subsequent payment
 * on the terminal's 19-digit id → a refund at the counter (reservation + confirm) and one online → the terminal
 * pulls the changes and sees the true refundable amount; the back office sees one order, one chain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SdkResponse } from 'onlinepayments-sdk-nodejs';
import { paymentIdIssuer } from '../../../src-shared';
import { SyncPullResponseSchema } from '../../../src-shared/sync-protocol';
import { DATABASE_KINDS } from '../../helpers/core-db';
import { startTestCore, type TestCore } from '../../helpers/core-server';
import { cardFactsOf, eurMoney, testTerminal } from '../../helpers/terminal-sync';

/* eslint-disable @typescript-eslint/no-explicit-any -- wire bodies are read as JSON */
function body(r: SdkResponse<unknown, unknown>): any {
  if (!r.isSuccess) throw new Error(`expected success, got ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}
const eur = (amount: number) => ({ amount, currencyCode: 'EUR' });

for (const { kind, skip } of DATABASE_KINDS) {
  describe.skipIf(skip !== null)(`omnichannel story on ${kind}${skip ? ` (${skip})` : ''}`, () => {
    let core: TestCore;
    beforeAll(async () => {
      core = await startTestCore(kind);
    });
    afterAll(async () => {
      await core?.close();
    });

    it('deposit in store, rest online on the same id, refunds at the counter and online, the counter sees the truth', async () => {
      const M = core.merchantId;
      const term = testTerminal(core.url, core.terminal);
      const cursor = ((await term.raw('GET', '/sync/v1/changes')).body as any).head as number;

      // 1. The customer orders a 100.00 product that is out of stock and pays a 30.00 deposit by card.
      const order = term.messages.order(10_000, { customerRef: 'cust-story', merchantReference: 'bike-42' });
      const deposit = term.messages.payment(order.orderId, 3_000, { card: cardFactsOf('mastercard-pin') });
      const pushed = await term.push([order, deposit]);
      expect(pushed.results.map((r) => r.status)).toEqual(['accepted', 'accepted']);
      const depositId = deposit.paymentId;
      expect(paymentIdIssuer(depositId)).toBe(core.terminal.issuer);

      // 2. The product ships: the web shop charges the rest online on the terminal's payment id.
      const rest = body(
        await core.sdk.payments.subsequentPayment(M, depositId, { order: { amountOfMoney: eur(7_000) } }),
      );
      const restId = rest.payment.id as string;
      expect(rest.payment.status).toBe('CAPTURED');
      const tooMuch = await core.sdk.payments.subsequentPayment(M, depositId, {
        order: { amountOfMoney: eur(1) },
      });
      expect(tooMuch.isSuccess).toBe(false);
      expect((tooMuch.body as any).errors[0].id).toBe('ORDER_AMOUNT_EXCEEDED');

      // 3. The product is defective: a manager refunds 20.00 on the card at the counter …
      const reservationId = term.newId();
      const reserved = await term.raw('POST', '/sync/v1/reservations', {
        body: { reservationId, paymentId: depositId, amount: eurMoney(2_000) },
      });
      expect(reserved.status, reserved.text).toBe(201);
      const confirmed = await term.raw('POST', `/sync/v1/reservations/${reservationId}/confirm`, {
        body: { operationId: term.newId(), amount: eurMoney(2_000), occurredAt: new Date().toISOString() },
      });
      expect(confirmed.status, confirmed.text).toBe(201);
      // … and the web shop refunds 15.00 of the online payment.
      body(await core.sdk.payments.refundPayment(M, restId, { amountOfMoney: eur(1_500) }));

      // 4. The counter pulls: it sees what the web shop did, not its own operations, and the true balances.
      const pull = await term.raw('GET', `/sync/v1/changes?after=${cursor}`);
      const page = SyncPullResponseSchema.parse(pull.body);
      expect(page.changes.map((c) => [c.operation.kind, c.operation.channel, c.operation.paymentId])).toEqual(
        [
          ['SALE', 'ONLINE', restId],
          ['REFUND', 'ONLINE', restId],
        ],
      );
      const counterView = page.orders.find((o) => o.orderId === order.orderId)!;
      expect(counterView.balances).toMatchObject({
        collected: eurMoney(10_000),
        refunded: eurMoney(3_500),
        refundable: eurMoney(6_500),
        balanceDue: eurMoney(0),
      });
      expect(counterView.payments.map((p) => [p.paymentId, p.channel, p.refundable.amountMinor])).toEqual([
        [depositId, 'IN_STORE', 1_000],
        [restId, 'ONLINE', 5_500],
      ]);

      // 5. No double refund across channels: the deposit has 10.00 left, whoever asks.
      const online = await core.sdk.payments.refundPayment(M, depositId, { amountOfMoney: eur(1_001) });
      expect((online.body as any).errors[0].id).toBe('REFUND_EXCEEDS_REFUNDABLE');
      const counter = await term.push([
        term.messages.onPayment('REFUND', depositId, { amount: eurMoney(1_001), method: 'CASH' }),
      ]);
      expect(counter.results[0]).toMatchObject({ status: 'rejected', code: 'REFUND_EXCEEDS_REFUNDABLE' });

      // 6. One order, one chain, each operation with its channel, in the back office and the online API.
      const bo = await core.raw('GET', `/backoffice/v1/${M}/orders/${order.orderId}`);
      const o = bo.body as any;
      expect(o).toMatchObject({ status: 'PARTIALLY_REFUNDED', merchantReference: 'bike-42' });
      const chain = o.payments
        .flatMap((p: any) => p.operations)
        .sort((a: any, b: any) => a.orderSeq - b.orderSeq)
        .map((x: any) => `${x.kind}/${x.channel}/${x.amount.amountMinor}`);
      expect(chain).toEqual([
        'SALE/IN_STORE/3000',
        'SALE/ONLINE/7000',
        'REFUND/IN_STORE/2000',
        'REFUND/ONLINE/1500',
      ]);
      const details = body(await core.sdk.payments.getPaymentDetails(M, depositId));
      expect(details.Operations.map((x: any) => x.id)).toEqual([
        depositId,
        restId,
        `${depositId}_1`,
        `${restId}_1`,
      ]);
    });
  });
}
