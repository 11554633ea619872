/**
 * Terminal sync API, push side, over real HTTP with requests signed by the terminal's own key, on PGlite and
 * PostgreSQL: every message kind, idempotence on the message id, rejections that do not block the batch,
 * dependencies inside a batch, counter refunds against the order's refund lock, cash and end of day.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPaymentId, paymentIdIssuer } from '../../../src-shared';
import { SyncPushResponseSchema } from '../../../src-shared/sync-protocol';
import { DATABASE_KINDS } from '../../helpers/core-db';
import { startTestCore, type TestCore } from '../../helpers/core-server';
import { cardFactsOf, eurMoney, testTerminal, type TestTerminal } from '../../helpers/terminal-sync';

/* eslint-disable @typescript-eslint/no-explicit-any -- answers are read as the terminal reads JSON */

for (const { kind, skip } of DATABASE_KINDS) {
  describe.skipIf(skip !== null)(`terminal sync push on ${kind}${skip ? ` (${skip})` : ''}`, () => {
    let core: TestCore;
    let term: TestTerminal;
    const bo = (path: string) => core.raw('GET', `/backoffice/v1/${core.merchantId}${path}`);
    beforeAll(async () => {
      core = await startTestCore(kind);
      term = testTerminal(core.url, core.terminal);
    });
    afterAll(async () => {
      await core?.close();
    });

    it('tells the terminal who it is: its store, issuer number, feed head and the core clock', async () => {
      const r = await term.raw('GET', '/sync/v1/terminal');
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({
        terminalId: core.terminal.terminalId,
        merchantId: core.merchantId,
        storeId: core.storeId,
        issuer: core.terminal.issuer,
      });
    });

    it('records an in-store sale with the terminal ids; a resent batch is answered duplicate and writes nothing', async () => {
      const order = term.messages.order(5_000, { customerRef: 'cust-push' });
      const payment = term.messages.payment(order.orderId, 2_000);
      const first = await term.push([order, payment]);
      expect(first.status).toBe(200);
      expect(SyncPushResponseSchema.safeParse(first.body).success).toBe(true);
      expect(first.results.map((r) => r.status)).toEqual(['accepted', 'accepted']);
      const paid = first.results[1] as any;
      expect(paid.details).toMatchObject({
        orderId: order.orderId,
        paymentId: payment.paymentId,
        operationId: payment.operationId,
        refundable: eurMoney(2_000),
      });
      expect(paid.details.feedPosition).toBeGreaterThan(0);
      expect(paymentIdIssuer(payment.paymentId)).toBe(core.terminal.issuer);

      const again = await term.push([order, payment]);
      expect(again.results.map((r) => r.status)).toEqual(['duplicate', 'duplicate']);
      expect((again.results[1] as any).details).toEqual(paid.details);

      const got = await bo(`/orders/${order.orderId}`);
      const o = got.body as any;
      expect(o).toMatchObject({
        status: 'PARTIALLY_PAID',
        channel: 'IN_STORE',
        storeId: core.storeId,
        terminalId: core.terminal.terminalId,
        customerId: 'cust-push',
        total: eurMoney(5_000),
        balances: { collected: eurMoney(2_000), balanceDue: eurMoney(3_000) },
      });
      expect(o.payments).toHaveLength(1);
      expect(o.payments[0]).toMatchObject({
        paymentId: payment.paymentId,
        channel: 'IN_STORE',
        card: { brand: 'VISA', last4: '4675', tokenId: null },
      });
      expect(o.payments[0].operations).toHaveLength(1);
    });

    it('the same batch pushed twice at once (a retransmission in flight) is one sale: each copy accepted or duplicate, never ORDER_ALREADY_EXISTS', async () => {
      for (let trial = 0; trial < 10; trial += 1) {
        const order = term.messages.order(3_000);
        const payment = term.messages.payment(order.orderId, 3_000);
        const [a, b] = await Promise.all([term.push([order, payment]), term.push([order, payment])]);
        const statuses = [...a.results, ...b.results].map((r) => r.status).sort();
        expect(statuses).toEqual(['accepted', 'accepted', 'duplicate', 'duplicate']);
        const got = await bo(`/orders/${order.orderId}`);
        expect(got.status).toBe(200);
        expect((got.body as any).payments).toHaveLength(1);
      }
    });

    it('rejects a message without blocking the next one, and rejects what depends on it', async () => {
      const good = term.messages.order(1_000);
      const foreignId = formatPaymentId(core.terminal.issuer + 1, 7);
      const badPayment = { ...term.messages.payment(good.orderId, 500), paymentId: foreignId };
      const refundOnBad = term.messages.onPayment('REFUND', foreignId, {
        amount: eurMoney(100),
        method: 'CASH',
      });
      const unrelated = term.messages.payment(good.orderId, 400);
      const r = await term.push([good, badPayment, refundOnBad, unrelated]);
      expect(r.results.map((x) => x.status)).toEqual(['accepted', 'rejected', 'rejected', 'accepted']);
      expect(r.results[1]).toMatchObject({ code: 'PAYMENT_ID_NOT_TERMINALS', retryable: false });
      expect(r.results[2]).toMatchObject({
        code: 'SYNC_DEPENDS_ON_REJECTED',
        dependsOn: badPayment.messageId,
        retryable: true,
      });
      // A final rejection is remembered: the same message id gets the same answer again.
      const again = await term.push([badPayment]);
      expect(again.results[0]).toMatchObject({ status: 'rejected', code: 'PAYMENT_ID_NOT_TERMINALS' });
    });

    it('answers a malformed message SYNC_MESSAGE_INVALID and still applies the rest; refuses an unordered batch', async () => {
      const order = term.messages.order(1_000);
      const broken = { ...term.messages.payment(order.orderId, 100), paymentId: '1234' };
      const noCard = { ...term.messages.payment(order.orderId, 100), card: null };
      const fine = term.messages.payment(order.orderId, 300);
      const r = await term.push([order, broken, noCard, fine]);
      expect(r.results.map((x) => (x.status === 'rejected' ? x.code : x.status))).toEqual([
        'accepted',
        'SYNC_MESSAGE_INVALID',
        'SYNC_MESSAGE_INVALID',
        'accepted',
      ]);
      expect((r.results[1] as any).message).toMatch(/paymentId/);
      expect((r.results[2] as any).message).toMatch(/card/);

      const a = term.messages.order(100);
      const b = term.messages.order(100);
      const unordered = await term.push([b, a]);
      expect(unordered.status).toBe(400);
      expect((unordered.body as any).errors[0]).toMatchObject({ id: 'REQUEST_INVALID' });
      const empty = await term.raw('POST', '/sync/v1/push', { body: { messages: [] } });
      expect(empty.status).toBe(400);
    });

    it('an order id used twice is ORDER_ALREADY_EXISTS; a message id reused for another fact is SYNC_ID_REUSED', async () => {
      const order = term.messages.order(1_000);
      await term.push([order]);
      const copy = { ...term.messages.order(2_000), orderId: order.orderId };
      const r = await term.push([copy]);
      expect(r.results[0]).toMatchObject({ status: 'rejected', code: 'ORDER_ALREADY_EXISTS' });
      const reused = { ...term.messages.onPayment('VOID', formatPaymentId(core.terminal.issuer, 1)) };
      const r2 = await term.push([{ ...reused, messageId: order.messageId }]);
      expect(r2.results[0]).toMatchObject({ status: 'rejected', code: 'SYNC_ID_REUSED' });
    });

    it('pre-authorisation at the counter: capture and reversal; a void of a sale', async () => {
      const order = term.messages.order(10_000);
      const auth = term.messages.payment(order.orderId, 10_000, {
        result: { kind: 'AUTHORISATION', mode: 'PRE_AUTHORIZATION', amount: eurMoney(10_000) },
      });
      const capture = term.messages.onPayment('CAPTURE', auth.paymentId, {
        amount: eurMoney(6_000),
        isFinal: false,
      });
      const reversal = term.messages.onPayment('AUTHORISATION_REVERSAL', auth.paymentId, {
        amount: eurMoney(4_000),
      });
      const r = await term.push([order, auth, capture, reversal]);
      expect(r.results.map((x) => x.status)).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);
      const o = (await bo(`/orders/${order.orderId}`)).body as any;
      expect(o.payments[0].balances).toMatchObject({
        captured: eurMoney(6_000),
        reversed: eurMoney(4_000),
        remainingFloat: eurMoney(0),
      });

      const sale = await term.sale({ total: 800, paid: 800 });
      const voided = await term.push([term.messages.onPayment('VOID', sale.paymentId)]);
      expect(voided.results[0]).toMatchObject({ status: 'accepted', details: { refundable: eurMoney(0) } });
      const after = (await bo(`/orders/${sale.orderId}`)).body as any;
      expect(after.status).toBe('CANCELLED');
      const overCapture = await term.push([
        term.messages.onPayment('CAPTURE', auth.paymentId, { amount: eurMoney(1), isFinal: true }),
      ]);
      expect(overCapture.results[0]).toMatchObject({ status: 'rejected' });
    });

    it('counter refund claims: accepted within the refundable amount, refused above it and while the order is locked', async () => {
      const sale = await term.sale({ total: 3_000, paid: 3_000 });
      const refund = (amount: number) =>
        term.messages.onPayment('REFUND', sale.paymentId, { amount: eurMoney(amount), method: 'CASH' });
      const ok = await term.push([refund(1_000)]);
      expect(ok.results[0]).toMatchObject({ status: 'accepted', details: { refundable: eurMoney(2_000) } });
      const tooMuch = await term.push([refund(2_001)]);
      expect(tooMuch.results[0]).toMatchObject({
        status: 'rejected',
        code: 'REFUND_EXCEEDS_REFUNDABLE',
        retryable: false,
      });

      // A reservation elsewhere holds the order's refund lock: the claim waits (retryable, not remembered).
      const reservationId = term.newId();
      const held = await term.raw('POST', '/sync/v1/reservations', {
        body: { reservationId, paymentId: sale.paymentId, amount: eurMoney(500) },
      });
      expect(held.status).toBe(201);
      const claim = refund(700);
      const locked = await term.push([claim]);
      expect(locked.results[0]).toMatchObject({
        status: 'rejected',
        code: 'REFUND_ORDER_LOCKED',
        retryable: true,
      });
      await term.raw('POST', `/sync/v1/reservations/${reservationId}/release`);
      const resent = await term.push([claim]);
      expect(resent.results[0]).toMatchObject({
        status: 'accepted',
        details: { refundable: eurMoney(1_300) },
      });
    });

    it('a pushed REFUND with a reservation id confirms that reservation', async () => {
      const sale = await term.sale({ total: 2_000, paid: 2_000 });
      const reservationId = term.newId();
      await term.raw('POST', '/sync/v1/reservations', {
        body: { reservationId, paymentId: sale.paymentId, amount: eurMoney(900) },
      });
      const msg = term.messages.onPayment('REFUND', sale.paymentId, {
        amount: eurMoney(900),
        method: 'CARD',
        reservationId,
      });
      const r = await term.push([msg]);
      expect(r.results[0]).toMatchObject({
        status: 'accepted',
        details: { reservationWasHeld: true, refundable: eurMoney(1_100) },
      });
      const got = await term.raw('GET', `/sync/v1/reservations/${reservationId}`);
      expect(got.body).toMatchObject({ state: 'CONFIRMED', operationId: msg.operationId });
    });

    it('a card stored at the counter becomes one of the customer contracts', async () => {
      const sale = await term.sale({
        total: 1_000,
        paid: 1_000,
        cardId: 'amex-approve',
        customerRef: 'cust-stored',
        storeCard: true,
      });
      const contracts = (await bo('/contracts/customers/cust-stored')).body as any;
      expect(contracts.contracts).toEqual([
        expect.objectContaining({
          contractId: cardFactsOf('amex-approve').token,
          brand: 'AMEX',
          last4: '0126',
          status: 'ACTIVE',
          usableForOneClick: true,
          channel: 'IN_STORE',
        }),
      ]);
      const o = (await bo(`/orders/${sale.orderId}`)).body as any;
      expect(o.payments[0].operations.map((x: any) => x.kind)).toEqual(['SALE', 'TOKEN_CREATE']);
    });

    it('a contract stored at the counter and deactivated in the back office cannot be charged online', async () => {
      const sale = await term.sale({
        total: 5_000,
        paid: 1_000,
        cardId: 'girocard-pin',
        customerRef: 'cust-deactivated',
        storeCard: true,
      });
      const token = cardFactsOf('girocard-pin').token;
      const off = await core.raw(
        'POST',
        `/backoffice/v1/${core.merchantId}/contracts/${token}/deactivation`,
        {
          body: {},
        },
      );
      expect(off.body).toMatchObject({ status: 'DEACTIVATED' });
      const rest = await core.sdk.payments.subsequentPayment(core.merchantId, sale.paymentId, {
        order: { amountOfMoney: { amount: 4_000, currencyCode: 'EUR' } },
      });
      expect(rest.isSuccess).toBe(false);
      expect((rest.body as any).errors[0].id).toBe('TOKEN_DELETED');
    });

    it('records cash movements, and reconciles an end-of-day report against the ledger', async () => {
      const cash = {
        messageId: term.newId(),
        seq: term.seq(),
        occurredAt: new Date().toISOString(),
        kind: 'CASH_MOVEMENT',
        direction: 'IN',
        reason: 'FLOAT',
        amount: eurMoney(10_000),
      } as const;
      const r = await term.push([cash]);
      expect(r.results[0]).toMatchObject({ status: 'accepted' });
      const rows = await core.t.db.query<{ amount_minor: string | number }>(
        'SELECT amount_minor FROM cash_movements WHERE id = $1',
        [cash.messageId],
      );
      expect(Number(rows[0]?.amount_minor)).toBe(10_000);

      // Close the day so far, then sell and refund, then close again with right and wrong totals.
      const close = (totals: unknown[]) => ({
        messageId: term.newId(),
        seq: term.seq(),
        occurredAt: new Date().toISOString(),
        kind: 'END_OF_DAY' as const,
        businessDay: new Date().toISOString().slice(0, 10),
        totals,
      });
      await term.push([close([])]);
      await new Promise((r) => setTimeout(r, 5));
      const sale = await term.sale({ total: 1_500, paid: 1_500 });
      await term.push([
        term.messages.onPayment('REFUND', sale.paymentId, { amount: eurMoney(500), method: 'CARD' }),
      ]);
      const cashSale = term.messages.order(700);
      await term.push([
        cashSale,
        term.messages.payment(cashSale.orderId, 700, { method: 'CASH', card: null }),
      ]);
      const right = [
        {
          currency: 'EUR',
          method: 'CARD',
          salesMinor: 1_500,
          voidsMinor: 0,
          refundsMinor: 500,
          paymentCount: 1,
        },
        { currency: 'EUR', method: 'CASH', salesMinor: 700, voidsMinor: 0, refundsMinor: 0, paymentCount: 1 },
      ];
      const eod = await term.push([close(right)]);
      const rec = (eod.results[0] as any).details.reconciliation;
      expect(rec).toHaveLength(2);
      expect(rec.every((x: any) => x.matches)).toBe(true);
      const wrong = await term.push([close([{ ...right[0], salesMinor: 9_999 }])]);
      const rec2 = (wrong.results[0] as any).details.reconciliation;
      // Nothing happened since the last closing: the core counts zero, the terminal claims 99.99.
      expect(rec2[0]).toMatchObject({ method: 'CARD', matches: false, core: { salesMinor: 0 } });
    });
  });
}
