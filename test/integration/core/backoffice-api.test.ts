/**
 * The back-office API over real HTTP with requests signed by the merchant's API key, on PGlite and
 * PostgreSQL: orders with their whole chain and list filters with cursor paging, operations and the actions
 * on them, chargebacks, reversals and rebills, contracts (and that a deactivated one cannot be charged
 * through the online API), and every answer checked against the schema the OpenAPI document is built from.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { testCardById } from '../../../src-shared';
import {
  BackOfficeOperationSchema,
  BackOfficeOrderSchema,
  ContractSchema,
  CustomerContractsSchema,
  OperationResultSchema,
  OperationsPageSchema,
  OrdersPageSchema,
} from '../../../src-shared/backoffice-api';
import { DATABASE_KINDS } from '../../helpers/core-db';
import { startTestCore, type TestCore } from '../../helpers/core-server';
import { eurMoney, testTerminal, type TestTerminal } from '../../helpers/terminal-sync';

/* eslint-disable @typescript-eslint/no-explicit-any -- answers are read as a back-office client reads JSON */

const eur = (amount: number) => ({ amount, currencyCode: 'EUR' });
const card = (id: string) => {
  const c = testCardById(id)!;
  return { cardNumber: c.pan, expiryDate: c.expiry, cvv: '123', cardholderName: 'Grace Hopper' };
};

for (const { kind, skip } of DATABASE_KINDS) {
  describe.skipIf(skip !== null)(`back-office API on ${kind}${skip ? ` (${skip})` : ''}`, () => {
    let core: TestCore;
    let term: TestTerminal;
    let M: string;
    /** A signed back-office request whose answer must match the documented schema. */
    async function call<S extends z.ZodType>(
      schema: S | null,
      method: 'GET' | 'POST',
      path: string,
      body?: object,
      headers?: Record<string, string>,
    ): Promise<{ status: number; body: any }> {
      const r = await core.raw(method, `/backoffice/v1/${M}${path}`, { body, headers });
      if (schema && r.status < 300) {
        const parsed = schema.safeParse(r.body);
        expect(parsed.success, `${path}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
      }
      return { status: r.status, body: r.body };
    }
    const onlineSale = async (
      amount: number,
      extra: Record<string, unknown> = {},
      cardId = 'visa-approve',
    ) => {
      const r = await core.sdk.payments.createPayment(M, {
        order: { amountOfMoney: eur(amount), ...extra },
        cardPaymentMethodSpecificInput: { authorizationMode: 'SALE', card: card(cardId) },
      });
      if (!r.isSuccess) throw new Error(JSON.stringify(r.body));
      return (r.body as any).payment.id as string;
    };
    const orderOfPayment = async (paymentId: string) =>
      (await core.ledger.loadOrderOfPayment(M, paymentId))!.order.orderId;
    const openingOf = async (orderId: string, paymentId: string) => {
      const o = (await call(BackOfficeOrderSchema, 'GET', `/orders/${orderId}`)).body;
      return o.payments.find((p: any) => p.paymentId === paymentId).operations[0].operationId as string;
    };

    beforeAll(async () => {
      core = await startTestCore(kind);
      M = core.merchantId;
      term = testTerminal(core.url, core.terminal);
    });
    afterAll(async () => {
      await core?.close();
    });

    it('shows an order with its whole chain across channels: payments, operations with their channel, balances', async () => {
      const deposit = await term.sale({ total: 10_000, paid: 3_000, customerRef: 'cust-chain' });
      const rest = await core.sdk.payments.subsequentPayment(M, deposit.paymentId, {
        order: { amountOfMoney: eur(7_000) },
      });
      expect(rest.isSuccess, JSON.stringify(rest.body)).toBe(true);
      const refund = await core.sdk.payments.refundPayment(M, deposit.paymentId, {
        amountOfMoney: eur(1_000),
      });
      expect(refund.isSuccess).toBe(true);

      const o = (await call(BackOfficeOrderSchema, 'GET', `/orders/${deposit.orderId}`)).body;
      expect(o).toMatchObject({
        orderId: deposit.orderId,
        status: 'PARTIALLY_REFUNDED',
        channel: 'IN_STORE',
        customerId: 'cust-chain',
        initialPaymentId: deposit.paymentId,
        balances: {
          collected: eurMoney(10_000),
          refunded: eurMoney(1_000),
          refundable: eurMoney(9_000),
          balanceDue: eurMoney(0),
        },
        refundLock: null,
      });
      expect(o.payments.map((p: any) => [p.role, p.channel])).toEqual([
        ['INITIAL', 'IN_STORE'],
        ['SUBSEQUENT', 'ONLINE'],
      ]);
      expect(o.payments[1].initiatedByPaymentId).toBe(deposit.paymentId);
      const ops = o.payments.flatMap((p: any) => p.operations);
      expect(ops.map((x: any) => [x.kind, x.channel, x.orderSeq])).toEqual([
        ['SALE', 'IN_STORE', 1],
        ['REFUND', 'ONLINE', 3],
        ['SALE', 'ONLINE', 2],
      ]);
      expect(ops[0].terminalId).toBe(core.terminal.terminalId);

      const missing = await call(null, 'GET', `/orders/${term.newId()}`);
      expect(missing.status).toBe(404);
      expect(missing.body.errors[0].id).toBe('ORDER_NOT_FOUND');
    });

    it('lists orders with filters on status, channel, store, customer, amount and date range', async () => {
      const customerId = `cust-filter-${kind}`;
      const from = new Date().toISOString();
      const inStore = await term.sale({ total: 2_000, paid: 2_000, customerRef: customerId });
      const paidOnline = await onlineSale(5_000, { customer: { merchantCustomerId: customerId } });
      const refundedOnline = await onlineSale(700, { customer: { merchantCustomerId: customerId } });
      expect((await core.sdk.payments.refundPayment(M, refundedOnline, {})).isSuccess).toBe(true);
      const list = async (q: string) => {
        const r = await call(OrdersPageSchema, 'GET', `/orders?customerId=${customerId}&${q}`);
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        return r.body.orders.map((x: any) => x.orderId) as string[];
      };
      const online1 = await orderOfPayment(paidOnline);
      const online2 = await orderOfPayment(refundedOnline);
      expect(await list('')).toEqual([online2, online1, inStore.orderId]);
      expect(await list('status=REFUNDED')).toEqual([online2]);
      expect(await list('status=PAID')).toEqual([online1, inStore.orderId]);
      expect(await list('channel=IN_STORE')).toEqual([inStore.orderId]);
      expect(await list('channel=ONLINE')).toEqual([online2, online1]);
      expect(await list(`storeId=${core.storeId}`)).toEqual([inStore.orderId]);
      expect(await list('currency=EUR&minAmount=1000&maxAmount=4999')).toEqual([inStore.orderId]);
      expect(await list('currency=EUR&minAmount=5000')).toEqual([online1]);
      expect(await list(`from=${encodeURIComponent(from)}`)).toHaveLength(3);
      expect(await list(`to=${encodeURIComponent(from)}`)).toEqual([]);
      const summary = (
        await call(OrdersPageSchema, 'GET', `/orders?customerId=${customerId}&status=REFUNDED`)
      ).body.orders[0];
      expect(summary).toMatchObject({
        amount: eurMoney(700),
        collected: eurMoney(700),
        refundable: eurMoney(0),
        total: null,
      });
      const noCurrency = await call(null, 'GET', '/orders?minAmount=5');
      expect(noCurrency.status).toBe(400);
      expect(noCurrency.body.errors[0]).toMatchObject({
        id: 'REQUEST_INVALID',
        propertyName: 'query.currency',
      });
    });

    it('pages with a cursor that stays stable while new orders arrive', async () => {
      const customerId = `cust-paging-${kind}`;
      const made: string[] = [];
      for (let i = 0; i < 5; i++) {
        made.push((await term.sale({ total: 100 + i, paid: 100 + i, customerRef: customerId })).orderId);
      }
      const page = async (cursor: string | null) => {
        const q = `/orders?customerId=${customerId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        return (await call(OrdersPageSchema, 'GET', q)).body as { orders: any[]; nextCursor: string | null };
      };
      const p1 = await page(null);
      expect(p1.orders.map((o) => o.orderId)).toEqual([made[4], made[3]]);
      for (let i = 0; i < 3; i++) await term.sale({ total: 50, paid: 50, customerRef: customerId });
      const p2 = await page(p1.nextCursor);
      const p3 = await page(p2.nextCursor);
      expect([...p2.orders, ...p3.orders].map((o) => o.orderId)).toEqual([made[2], made[1], made[0]]);
      expect(p3.nextCursor).toBe(null);
      const bad = await call(null, 'GET', '/orders?cursor=not-a-cursor');
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].propertyName).toBe('query.cursor');
    });

    it('gets and lists operations with filters and paging', async () => {
      const sale = await term.sale({ total: 900, paid: 900 });
      await core.sdk.payments.refundPayment(M, sale.paymentId, { amountOfMoney: eur(100) });
      await core.sdk.payments.refundPayment(M, sale.paymentId, { amountOfMoney: eur(200) });
      const all = (await call(OperationsPageSchema, 'GET', `/operations?paymentId=${sale.paymentId}`)).body;
      expect(all.operations.map((o: any) => o.kind)).toEqual(['REFUND', 'REFUND', 'SALE']);
      const refunds = (
        await call(OperationsPageSchema, 'GET', `/operations?orderId=${sale.orderId}&kind=REFUND&limit=1`)
      ).body;
      expect(refunds.operations.map((o: any) => o.amount.amountMinor)).toEqual([200]);
      const next = (
        await call(
          OperationsPageSchema,
          'GET',
          `/operations?orderId=${sale.orderId}&kind=REFUND&limit=1&cursor=${refunds.nextCursor}`,
        )
      ).body;
      expect(next.operations.map((o: any) => o.amount.amountMinor)).toEqual([100]);
      expect(next.nextCursor).toBe(null);
      const byChannel = (
        await call(OperationsPageSchema, 'GET', `/operations?orderId=${sale.orderId}&channel=IN_STORE`)
      ).body;
      expect(byChannel.operations.map((o: any) => o.kind)).toEqual(['SALE']);
      const byAmount = (
        await call(
          OperationsPageSchema,
          'GET',
          `/operations?orderId=${sale.orderId}&currency=EUR&minAmount=150&maxAmount=900`,
        )
      ).body;
      expect(byAmount.operations.map((o: any) => o.amount.amountMinor)).toEqual([200, 900]);
      const id = all.operations[2].operationId;
      const one = await call(BackOfficeOperationSchema, 'GET', `/operations/${id}`);
      expect(one.body).toMatchObject({
        operationId: id,
        kind: 'SALE',
        channel: 'IN_STORE',
        storeId: core.storeId,
        terminalId: core.terminal.terminalId,
        amount: eurMoney(900),
      });
      const none = await call(null, 'GET', `/operations/${term.newId()}`);
      expect(none.body.errors[0].id).toBe('OPERATION_NOT_FOUND');
    });

    it('captures, cancels and refunds on operations, each recorded in the back-office channel', async () => {
      const r = await core.sdk.payments.createPayment(M, {
        order: { amountOfMoney: eur(1_000) },
        cardPaymentMethodSpecificInput: {
          authorizationMode: 'PRE_AUTHORIZATION',
          card: card('visa-approve'),
        },
      });
      const paymentId = (r.body as any).payment.id as string;
      const orderId = await orderOfPayment(paymentId);
      const auth = await openingOf(orderId, paymentId);
      const cap = await call(OperationResultSchema, 'POST', `/operations/${auth}/captures`, {
        amountMinor: 600,
        isFinal: false,
        operatorId: 'anna',
      });
      expect(cap.status, JSON.stringify(cap.body)).toBe(201);
      expect(cap.body).toMatchObject({
        operation: { kind: 'CAPTURE', channel: 'BACK_OFFICE', operatorId: 'anna', amount: eurMoney(600) },
        payment: { balances: { captured: eurMoney(600), remainingFloat: eurMoney(400) } },
      });
      const rev = await call(OperationResultSchema, 'POST', `/operations/${auth}/cancels`, {
        amount: eurMoney(100),
      });
      expect(rev.body.operation.kind).toBe('AUTHORISATION_REVERSAL');
      const rest = await call(OperationResultSchema, 'POST', `/operations/${auth}/captures`, {});
      expect(rest.body).toMatchObject({
        operation: { kind: 'CAPTURE', isFinal: true, amount: eurMoney(300) },
        orderStatus: 'PAID',
      });
      const captureOp = rest.body.operation.operationId;
      const refund = await call(OperationResultSchema, 'POST', `/operations/${captureOp}/refunds`, {
        amount: eurMoney(250),
      });
      expect(refund.body).toMatchObject({
        operation: { kind: 'REFUND', channel: 'BACK_OFFICE' },
        orderBalances: { refundable: eurMoney(650) },
      });
      const wrongTarget = await call(null, 'POST', `/operations/${auth}/refunds`, {});
      expect(wrongTarget.status).toBe(409);
      expect(wrongTarget.body.errors[0].id).toBe('OPERATION_NOT_APPLICABLE');
      const tooMuch = await call(null, 'POST', `/operations/${captureOp}/refunds`, { amount: eurMoney(651) });
      expect(tooMuch.status).toBe(400);
      expect(tooMuch.body.errors[0]).toMatchObject({
        id: 'REFUND_EXCEEDS_REFUNDABLE',
        propertyName: 'body.amount.amountMinor',
      });
      const cancelAfterRefund = await call(null, 'POST', `/operations/${captureOp}/cancels`, {});
      expect(cancelAfterRefund.body.errors[0].id).toBe('CANCEL_NOT_POSSIBLE');

      // A whole cancel of a sale voids it.
      const saleId = await onlineSale(400);
      const saleOp = await openingOf(await orderOfPayment(saleId), saleId);
      const voided = await call(OperationResultSchema, 'POST', `/operations/${saleOp}/cancels`, {});
      expect(voided.body).toMatchObject({ operation: { kind: 'CANCEL' }, orderStatus: 'CANCELLED' });
    });

    it('back-office POSTs honour idempotence keys like the online API', async () => {
      const saleId = await onlineSale(1_000);
      const op = await openingOf(await orderOfPayment(saleId), saleId);
      const headers = { 'X-GCS-Idempotence-Key': `bo-${term.newId()}` };
      const first = await core.raw('POST', `/backoffice/v1/${M}/operations/${op}/refunds`, {
        body: { amount: eurMoney(100) },
        headers,
      });
      const replay = await core.raw('POST', `/backoffice/v1/${M}/operations/${op}/refunds`, {
        body: { amount: eurMoney(100) },
        headers,
      });
      expect(first.status).toBe(201);
      expect(replay.status).toBe(201);
      expect(replay.body).toEqual(first.body);
      expect(replay.headers.get('x-gcs-idempotence-request-timestamp')).toMatch(/^\d+$/);
      const other = await core.raw('POST', `/backoffice/v1/${M}/operations/${op}/refunds`, {
        body: { amount: eurMoney(200) },
        headers,
      });
      expect(other.status).toBe(422);
      expect((other.body as any).errors[0].id).toBe('IDEMPOTENCE_KEY_REUSED');
      const loaded = await core.ledger.loadOrderOfPayment(M, saleId);
      expect(loaded?.operations.filter((o) => o.operation.kind === 'REFUND')).toHaveLength(1);
    });

    it('chargeback, chargeback reversal and rebill follow the ledger rules', async () => {
      const sale = await term.sale({ total: 2_000, paid: 2_000 });
      const path = (what: string) => `/payments/${sale.paymentId}/${what}`;
      const cb = await call(OperationResultSchema, 'POST', path('chargebacks'), {
        amount: eurMoney(1_500),
        merchantReference: 'dispute-77',
      });
      expect(cb.status, JSON.stringify(cb.body)).toBe(201);
      expect(cb.body).toMatchObject({
        operation: { kind: 'CHARGEBACK', merchantReference: 'dispute-77', channel: 'BACK_OFFICE' },
        orderStatus: 'CHARGEBACKED',
        orderBalances: { chargedBack: eurMoney(1_500), refundable: eurMoney(500) },
      });
      const tooMuch = await call(null, 'POST', path('chargebacks'), { amount: eurMoney(501) });
      expect(tooMuch.body.errors[0].id).toBe('CHARGEBACK_EXCEEDS_AVAILABLE');
      const badReversal = await call(null, 'POST', path('chargeback-reversals'), { amount: eurMoney(1_501) });
      expect(badReversal.body.errors[0].id).toBe('CHARGEBACK_REVERSAL_EXCEEDS_CHARGEBACK');
      const rev = await call(OperationResultSchema, 'POST', path('chargeback-reversals'), {
        amount: eurMoney(1_500),
      });
      expect(rev.body).toMatchObject({ orderStatus: 'PAID', orderBalances: { refundable: eurMoney(2_000) } });
      // The in-store card's token is known to the acquirer: the rebill charges it again.
      const rebill = await call(OperationResultSchema, 'POST', path('rebills'), { amount: eurMoney(300) });
      expect(rebill.body).toMatchObject({
        operation: { kind: 'REBILL' },
        payment: { balances: { rebilled: eurMoney(300), collected: eurMoney(2_300) } },
      });
      // A card with a 100.00 limit declines a rebill above it: nothing is recorded.
      const limited = await onlineSale(5_000, {}, 'visa-limit-100');
      const declined = await call(null, 'POST', `/payments/${limited}/rebills`, { amount: eurMoney(20_000) });
      expect(declined.status).toBe(402);
      expect(declined.body.errors[0].id).toBe('INSUFFICIENT_FUNDS');
      const cash = term.messages.order(500);
      const cashPay = term.messages.payment(cash.orderId, 500, { method: 'CASH', card: null });
      await term.push([cash, cashPay]);
      const noCard = await call(null, 'POST', `/payments/${cashPay.paymentId}/rebills`, {
        amount: eurMoney(100),
      });
      expect(noCard.body.errors[0].id).toBe('CARD_NOT_ON_FILE');
      const unknown = await call(null, 'POST', `/payments/${term.nextPaymentId()}/chargebacks`, {
        amount: eurMoney(1),
      });
      expect(unknown.status).toBe(404);
      expect(unknown.body.errors[0].id).toBe('PAYMENT_NOT_FOUND');
    });

    it("lists a customer's contracts; a deactivated one can no longer be charged through the online API", async () => {
      const customerId = `cust-contracts-${kind}`;
      const tokenized = await core.sdk.payments.createPayment(M, {
        order: { amountOfMoney: eur(1_200), customer: { merchantCustomerId: customerId } },
        cardPaymentMethodSpecificInput: {
          authorizationMode: 'SALE',
          card: card('mastercard-pin'),
          tokenize: true,
        },
      });
      expect(tokenized.isSuccess, JSON.stringify(tokenized.body)).toBe(true);
      const paymentId = (tokenized.body as any).payment.id;
      const token = (tokenized.body as any).creationOutput.token as string;
      const listed = (await call(CustomerContractsSchema, 'GET', `/contracts/customers/${customerId}`)).body;
      expect(listed.contracts).toEqual([
        expect.objectContaining({
          contractId: token,
          brand: 'MASTERCARD',
          last4: '4444',
          expiry: '1230',
          status: 'ACTIVE',
          usableForOneClick: true,
          channel: 'ONLINE',
        }),
      ]);
      // One click while active.
      const oneClick = await core.sdk.payments.createPayment(M, {
        order: { amountOfMoney: eur(300) },
        cardPaymentMethodSpecificInput: { token },
      });
      expect(oneClick.isSuccess).toBe(true);

      const off = await call(ContractSchema, 'POST', `/contracts/${token}/deactivation`, {
        operatorId: 'anna',
      });
      expect(off.status).toBe(200);
      expect(off.body).toMatchObject({ status: 'DEACTIVATED', usableForOneClick: false });
      const twice = await call(ContractSchema, 'POST', `/contracts/${token}/deactivation`, {});
      expect(twice.body.status).toBe('DEACTIVATED');

      const charged = await core.sdk.payments.createPayment(M, {
        order: { amountOfMoney: eur(300) },
        cardPaymentMethodSpecificInput: { token },
      });
      expect(charged.isSuccess).toBe(false);
      expect(charged.status).toBe(410);
      expect((charged.body as any).errors[0].id).toBe('TOKEN_DELETED');
      const subsequent = await core.sdk.payments.subsequentPayment(M, paymentId, {
        order: { amountOfMoney: eur(100) },
      });
      expect(subsequent.isSuccess).toBe(false);
      expect((subsequent.body as any).errors[0].id).toBe('TOKEN_DELETED');
      const after = (await call(CustomerContractsSchema, 'GET', `/contracts/customers/${customerId}`)).body;
      expect(after.contracts[0].status).toBe('DEACTIVATED');
      const missing = await call(null, 'POST', '/contracts/no-such-token/deactivation', {});
      expect(missing.status).toBe(404);
      expect(missing.body.errors[0].id).toBe('TOKEN_NOT_FOUND');
      const events = await core.t.db.query<{ kind: string; channel: string }>(
        'SELECT kind, channel FROM token_events WHERE token_id = $1 ORDER BY recorded_at',
        [token],
      );
      expect(events.map((e) => `${e.kind}/${e.channel}`)).toEqual([
        'TOKEN_CREATE/ONLINE',
        'TOKEN_USE/ONLINE',
        'TOKEN_DEACTIVATE/BACK_OFFICE',
      ]);
    });
  });
}
