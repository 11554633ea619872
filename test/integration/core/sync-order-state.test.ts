/**
 * The terminal sync API's order state (`GET /sync/v1/orders/{orderId}`, `GET /sync/v1/payments/{id}/order`),
 * on PGlite and PostgreSQL: a counter reads one order of its store — payments, every channel's operations,
 * balances, refunds by channel, the refund lock — with its own terminal key; the answer is the back office's
 * view of the same order; another store's or merchant's terminal gets the same 404 as for no order at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SdkResponse } from 'onlinepayments-sdk-nodejs';
import { createMerchant, createStore, enrollTerminal } from '../../../src-core/accounts/accounts';
import { BackOfficeOrderSchema } from '../../../src-shared/backoffice-api';
import { SyncOrderStateSchema } from '../../../src-shared/sync-protocol';
import { DATABASE_KINDS } from '../../helpers/core-db';
import { startTestCore, type TestCore } from '../../helpers/core-server';
import { cardFactsOf, eurMoney, testTerminal, type TestTerminal } from '../../helpers/terminal-sync';

/* eslint-disable @typescript-eslint/no-explicit-any -- wire bodies are read as JSON */
function body(r: SdkResponse<unknown, unknown>): any {
  if (!r.isSuccess) throw new Error(`expected success, got ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}
const eur = (amount: number) => ({ amount, currencyCode: 'EUR' });

type BackOfficeOrder = ReturnType<typeof BackOfficeOrderSchema.parse>;

/** What a terminal should see of a back-office order: the same facts without the merchant-only fields. */
function terminalViewOf(bo: any) {
  const given = new Map<string, { refunded: number; paidOut: number }>();
  for (const op of bo.payments.flatMap((p: any) => p.operations)) {
    if (op.kind !== 'REFUND' && op.kind !== 'PAYOUT') continue;
    const sum = given.get(op.channel) ?? { refunded: 0, paidOut: 0 };
    sum[op.kind === 'REFUND' ? 'refunded' : 'paidOut'] += op.amount.amountMinor;
    given.set(op.channel, sum);
  }
  const m = (amountMinor: number) => ({ amountMinor, currency: bo.currency });
  return {
    orderId: bo.orderId,
    storeId: bo.storeId,
    status: bo.status,
    channel: bo.channel,
    terminalId: bo.terminalId,
    customerRef: bo.customerId,
    merchantReference: bo.merchantReference,
    currency: bo.currency,
    total: bo.total,
    operationCount: bo.operationCount,
    occurredAt: bo.occurredAt,
    recordedAt: bo.recordedAt,
    updatedAt: bo.updatedAt,
    initialPaymentId: bo.initialPaymentId,
    balances: bo.balances,
    payments: bo.payments.map((p: any) => ({
      paymentId: p.paymentId,
      role: p.role,
      channel: p.channel,
      terminalId: p.terminalId,
      outcome: p.outcome,
      card: p.card ? { brand: p.card.brand, last4: p.card.last4 } : null,
      cardOnFile: p.cardOnFile,
      occurredAt: p.occurredAt,
      recordedAt: p.recordedAt,
      balances: p.balances,
      operations: p.operations.map(
        ({ tokenId: _t, orderId: _o, storeId: _s, ...rest }: Record<string, unknown>) => rest,
      ),
    })),
    refundsByChannel: ['IN_STORE', 'ONLINE', 'BACK_OFFICE']
      .filter((c) => given.has(c))
      .map((channel) => ({
        channel,
        refunded: m(given.get(channel)!.refunded),
        paidOut: m(given.get(channel)!.paidOut),
      })),
    refundLockedUntil: bo.refundLock?.expiresAt ?? null,
  };
}

for (const { kind, skip } of DATABASE_KINDS) {
  describe.skipIf(skip !== null)(`terminal order state on ${kind}${skip ? ` (${skip})` : ''}`, () => {
    let core: TestCore;
    let term: TestTerminal;
    beforeAll(async () => {
      core = await startTestCore(kind);
      term = testTerminal(core.url, core.terminal);
    });
    afterAll(async () => {
      await core?.close();
    });

    const enroll = async (merchantId: string, storeId: string) => {
      const t = await enrollTerminal(core.t.db, core.ledger.ctx, core.keyring, {
        merchantId,
        store: storeId,
      });
      if (!t.ok) throw new Error(t.error.message);
      return testTerminal(core.url, t.value);
    };
    const backOffice = async (orderId: string): Promise<BackOfficeOrder> => {
      const r = await core.raw('GET', `/backoffice/v1/${core.merchantId}/orders/${orderId}`);
      expect(r.status, r.text).toBe(200);
      return BackOfficeOrderSchema.parse(r.body);
    };
    const stateOf = async (t: TestTerminal, path: string) => {
      const r = await t.raw('GET', path);
      expect(r.status, r.text).toBe(200);
      return { parsed: SyncOrderStateSchema.parse(r.body), wire: r.body };
    };

    it("reads an order of its store with every channel's payments and refunds: the back office's view", async () => {
      const M = core.merchantId;
      // A deposit at this counter with the card kept on file; the rest charged online on the same id.
      const { orderId, paymentId } = await term.sale({
        total: 10_000,
        paid: 3_000,
        cardId: 'mastercard-pin',
        customerRef: 'cust-state',
        storeCard: true,
      });
      const rest = body(
        await core.sdk.payments.subsequentPayment(M, paymentId, { order: { amountOfMoney: eur(7_000) } }),
      );
      const restId = rest.payment.id as string;
      // Refunds from three channels: online, back office, and another counter of the same store (cash).
      body(await core.sdk.payments.refundPayment(M, restId, { amountOfMoney: eur(1_500) }));
      const restOp = (await backOffice(orderId)).payments
        .find((p) => p.paymentId === restId)!
        .operations.find((o) => o.kind === 'SALE')!.operationId;
      const bo = await core.raw('POST', `/backoffice/v1/${M}/operations/${restOp}/refunds`, {
        body: { amount: eurMoney(500) },
      });
      expect(bo.status, bo.text).toBe(201);
      const other = await enroll(M, core.storeId);
      const claim = other.messages.onPayment('REFUND', paymentId, { amount: eurMoney(700), method: 'CASH' });
      expect((await other.push([claim])).results[0]).toMatchObject({ status: 'accepted' });

      const byId = await stateOf(term, `/sync/v1/orders/${orderId}`);
      expect(byId.wire).toEqual(
        terminalViewOf((await core.raw('GET', `/backoffice/v1/${M}/orders/${orderId}`)).body),
      );
      expect(byId.parsed).toMatchObject({
        status: 'PARTIALLY_REFUNDED',
        storeId: core.storeId,
        terminalId: core.terminal.terminalId,
        customerRef: 'cust-state',
        balances: {
          collected: eurMoney(10_000),
          refunded: eurMoney(2_700),
          refundable: eurMoney(7_300),
          balanceDue: eurMoney(0),
        },
        refundsByChannel: [
          { channel: 'IN_STORE', refunded: eurMoney(700), paidOut: eurMoney(0) },
          { channel: 'ONLINE', refunded: eurMoney(1_500), paidOut: eurMoney(0) },
          { channel: 'BACK_OFFICE', refunded: eurMoney(500), paidOut: eurMoney(0) },
        ],
        refundLockedUntil: null,
      });
      expect(
        byId.parsed.payments.map((p) => [p.paymentId, p.role, p.channel, p.card?.last4 ?? null]),
      ).toEqual([
        [paymentId, 'INITIAL', 'IN_STORE', cardFactsOf('mastercard-pin').last4],
        [restId, 'SUBSEQUENT', 'ONLINE', expect.any(String)],
      ]);
      // Never more of the card than brand and last four.
      expect(JSON.stringify(byId.wire)).not.toContain(cardFactsOf('mastercard-pin').token);

      // By either payment id (the counter's own and the web shop's), the same order.
      for (const id of [paymentId, restId]) {
        expect((await stateOf(term, `/sync/v1/payments/${id}/order`)).wire).toEqual(byId.wire);
      }
      // Another counter of the same store reads it too.
      expect((await stateOf(other, `/sync/v1/orders/${orderId}`)).wire).toEqual(byId.wire);

      // While a card-present refund is reserved, the lock shows, exactly as the back office sees it.
      const reservationId = term.newId();
      const reserved = await term.raw('POST', '/sync/v1/reservations', {
        body: { reservationId, paymentId, amount: eurMoney(100) },
      });
      expect(reserved.status, reserved.text).toBe(201);
      const locked = await stateOf(term, `/sync/v1/orders/${orderId}`);
      expect(locked.parsed.refundLockedUntil).not.toBeNull();
      expect(locked.wire).toEqual(
        terminalViewOf((await core.raw('GET', `/backoffice/v1/${M}/orders/${orderId}`)).body),
      );
      expect((await term.raw('POST', `/sync/v1/reservations/${reservationId}/release`)).status).toBe(200);
    });

    it("refuses another store's or merchant's terminal exactly as an order that does not exist", async () => {
      const { orderId, paymentId } = await term.sale({ total: 2_000, paid: 2_000 });
      const store2 = await createStore(core.t.db, core.ledger.ctx, {
        merchantId: core.merchantId,
        name: 'Harbour',
      });
      if (!store2.ok) throw new Error(store2.error.message);
      const otherStore = await enroll(core.merchantId, store2.value.storeId);
      const merchant2 = await createMerchant(core.t.db, { name: 'Other shop' });
      if (!merchant2.ok) throw new Error(merchant2.error.message);
      const store3 = await createStore(core.t.db, core.ledger.ctx, {
        merchantId: merchant2.value.id,
        name: 'Main',
      });
      if (!store3.ok) throw new Error(store3.error.message);
      const otherMerchant = await enroll(merchant2.value.id, store3.value.storeId);

      const missingOrder = term.newId();
      const missingPayment = term.nextPaymentId();
      const notFound = async (t: TestTerminal, path: string, code: string) => {
        const r = await t.raw('GET', path);
        expect(r.status, r.text).toBe(404);
        const e = (r.body as any).errors[0];
        expect(e.id).toBe(code);
        return e.message as string;
      };
      for (const t of [otherStore, otherMerchant]) {
        const byOrder = await notFound(t, `/sync/v1/orders/${orderId}`, 'ORDER_NOT_FOUND');
        // The same words as for an order nobody has: nothing tells it the order exists elsewhere.
        expect(byOrder.replace(orderId, 'X')).toBe(
          (await notFound(t, `/sync/v1/orders/${missingOrder}`, 'ORDER_NOT_FOUND')).replace(
            missingOrder,
            'X',
          ),
        );
        const byPayment = await notFound(t, `/sync/v1/payments/${paymentId}/order`, 'PAYMENT_NOT_FOUND');
        expect(byPayment.replace(paymentId, 'X')).toBe(
          (await notFound(t, `/sync/v1/payments/${missingPayment}/order`, 'PAYMENT_NOT_FOUND')).replace(
            missingPayment,
            'X',
          ),
        );
      }
      // The owner still reads it.
      expect((await term.raw('GET', `/sync/v1/orders/${orderId}`)).status).toBe(200);
    });

    it('is signed with a terminal key only, and says which id is malformed', async () => {
      const { orderId } = await term.sale({ total: 1_000, paid: 1_000 });
      // A merchant's API key is not a terminal key.
      const merchant = await core.raw('GET', `/sync/v1/orders/${orderId}`);
      expect(merchant.status, merchant.text).toBe(401);
      // A wrong signature.
      const forged = await term.raw('GET', `/sync/v1/orders/${orderId}`, { secret: 'not-the-secret' });
      expect(forged.status).toBe(401);
      const unsigned = await term.raw('GET', `/sync/v1/orders/${orderId}`, { secret: null });
      expect(unsigned.status).toBe(401);
      const badOrder = await term.raw('GET', '/sync/v1/orders/not-a-uuid');
      expect(badOrder.status).toBe(400);
      expect((badOrder.body as any).errors[0]).toMatchObject({
        id: 'REQUEST_INVALID',
        propertyName: 'path.orderId',
      });
      const badPayment = await term.raw('GET', '/sync/v1/payments/1234/order');
      expect(badPayment.status).toBe(400);
      expect((badPayment.body as any).errors[0]).toMatchObject({
        id: 'REQUEST_INVALID',
        propertyName: 'path.paymentId',
      });
    });
  });
}
