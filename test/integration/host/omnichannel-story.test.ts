/**
 * Issue 9's whole story with real parts: a counter (real SQLite store, the virtual terminal over a real pty)
 * synced to a real core (PGlite, and PostgreSQL when TEST_DATABASE_URL is set), the web shop played by the
 * official SDK. A deposit at the counter → the balance charged online on the counter's payment id → refunds
 * online → a second refund at the counter stopped by the double-refund rule and by the cap, with what a
 * manager sees.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SdkResponse } from 'onlinepayments-sdk-nodejs';
import { takeDeposit } from '../../../src-main/checkout/deposit';
import { executeRefund, refundableOf } from '../../../src-main/checkout/refunds';
import { balanceDueMinor } from '../../../src-main/checkout/sale';
import type { WiredSync } from '../../../src-main/host/sync-wiring';
import { pendingOutbox, syncStatus } from '../../../src-main/store';
import { paymentIdIssuer } from '../../../src-shared';
import { DATABASE_KINDS } from '../../helpers/core-db';
import { startTestCore, type TestCore } from '../../helpers/core-server';
import { connectRigToCore, createHostRig, MANAGER, type HostRig } from '../../helpers/host-rig';

/* eslint-disable @typescript-eslint/no-explicit-any -- wire bodies are read as JSON */
function body(r: SdkResponse<unknown, unknown>): any {
  if (!r.isSuccess) throw new Error(`expected success, got ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}
const eur = (amount: number) => ({ amount, currencyCode: 'EUR' });

for (const { kind, skip } of DATABASE_KINDS) {
  describe.skipIf(skip !== null)(
    `the omnichannel story at a counter, core on ${kind}${skip ? ` (${skip})` : ''}`,
    () => {
      let core: TestCore;
      let h: HostRig;
      let sync: WiredSync;

      beforeAll(async () => {
        core = await startTestCore(kind);
        h = await createHostRig({ transport: 'pty' });
        sync = connectRigToCore(h, { baseUrl: core.url, ...core.terminal });
      }, 60_000);
      afterAll(async () => {
        await sync?.daemon.stop();
        await h?.close();
        await core?.close();
      });

      it('deposit by card → balance online on the same id → refund online → the counter refund is stopped', async () => {
        const M = core.merchantId;

        // 1. At the counter: the bike is out of stock; 100.00 ordered, 30.00 deposit by card on the terminal.
        h.rig.vt.presentCard('visa-approve');
        const deposit = await takeDeposit(h.deps, {
          customer: { name: 'Dana Doe', contact: 'dana@example.test' },
          totalMinor: 10_000,
          deposit: { amountMinor: 3_000 },
          tender: { method: 'CARD' },
          operatorId: 'cashier',
        });
        if (!deposit.ok) throw new Error(deposit.error.message);
        const orderId = deposit.value.orderId;
        const depositId = deposit.value.tenders[0]!.paymentId!;
        expect(depositId).toMatch(/^\d{19}$/);
        expect(paymentIdIssuer(depositId)).toBe(core.terminal.issuer);
        expect(deposit.value.balanceDueMinor).toBe(7_000);
        expect(h.rig.vt.bookedTransactions().map((e) => [e.kind, e.amountMinor])).toEqual([
          ['payment', 3_000],
        ]);
        const partly = refundableOf(h.deps, orderId);
        expect(partly.ok && partly.value).toMatchObject({
          totalMinor: 10_000,
          collectedMinor: 3_000,
          balanceDueMinor: 7_000,
        });

        // 2. The sync daemon pushes it; the back office shows the order with the counter's payment id.
        const pushed = await sync.daemon.syncNow();
        expect(pushed.error).toBeNull();
        expect(syncStatus(h.db, new Date())).toMatchObject({ queued: 0, openExceptions: 0 });
        const bo1 = (await core.raw('GET', `/backoffice/v1/${M}/orders/${orderId}`)).body as any;
        expect(bo1.payments.map((p: any) => [p.paymentId, p.channel])).toEqual([[depositId, 'IN_STORE']]);

        // 3. The bike arrives: the web shop charges the balance online on the counter's payment id.
        const rest = body(
          await core.sdk.payments.subsequentPayment(M, depositId, { order: { amountOfMoney: eur(7_000) } }),
        );
        const restId = rest.payment.id as string;
        expect(rest.payment.status).toBe('CAPTURED');
        const pulled = await sync.daemon.syncNow();
        expect(pulled.error).toBeNull();
        expect(balanceDueMinor(h.deps, orderId)).toEqual({ ok: true, value: 0 });
        const paid = refundableOf(h.deps, orderId);
        expect(paid.ok && paid.value).toMatchObject({ collectedMinor: 10_000, balanceDueMinor: 0 });
        expect(paid.ok && paid.value.payments.map((p) => [p.paymentId, p.refundableMinor])).toEqual([
          [depositId, 3_000],
          [restId, 7_000],
        ]);

        // 4. The bike is defective: the web shop refunds the online charge in full and 10.00 of the deposit.
        body(await core.sdk.payments.refundPayment(M, restId, { amountOfMoney: eur(7_000) }));
        const onlineRefund = body(
          await core.sdk.payments.refundPayment(M, depositId, { amountOfMoney: eur(1_000) }),
        );
        // _2: the deposit's operation 1 is the card-on-file token it created.
        expect(onlineRefund.id).toBe(`${depositId}_2`);

        // 5a. Before the counter has pulled, a manager refunds the same 10.00 on the card here: the counter
        // still shows 30.00 refundable, but the core refuses the reservation by the double-refund rule, naming
        // the online refund, and the terminal pays nothing back.
        const repeat = await executeRefund(
          h.deps,
          {
            paymentId: depositId,
            amountMinor: 1_000,
            method: 'TERMINAL_CARD',
            reason: 'defective',
            operatorId: 'manager',
          },
          { manager: MANAGER },
        );
        if (repeat.ok) throw new Error(`the repeated refund went through: ${JSON.stringify(repeat.value)}`);
        expect(repeat.error.code).toBe('REFUND_ORDER_LOCKED');
        expect(repeat.error.message).toMatch(
          /^This refund or payout cannot go ahead now: it repeats the refund of €10\.00 made online at /,
        );
        expect(repeat.error.message).toContain(`(refund ${depositId}_2)`);
        expect(h.rig.vt.journal.filter((e) => e.kind === 'refund')).toEqual([]);

        // 5b. The counter pulls and shows what the other channel refunded; more than is left is refused here.
        expect((await sync.daemon.syncNow()).error).toBeNull();
        const view = refundableOf(h.deps, orderId);
        if (!view.ok) throw new Error(view.error.message);
        expect(view.value).toMatchObject({
          collectedMinor: 10_000,
          refundedMinor: 8_000,
          refundableMinor: 2_000,
        });
        expect(
          view.value.payments.map((p) => [p.paymentId, p.refundedElsewhereMinor, p.refundableMinor]),
        ).toEqual([
          [depositId, 1_000, 2_000],
          [restId, 7_000, 0],
        ]);
        const capped = await executeRefund(
          h.deps,
          {
            paymentId: depositId,
            amountMinor: 3_000,
            method: 'CORE_CARD',
            reason: 'defective',
            operatorId: 'manager',
          },
          { manager: MANAGER },
        );
        expect(capped.ok === false && capped.error).toMatchObject({
          code: 'REFUND_EXCEEDS_REFUNDABLE',
          message: `Cannot refund 30.00 EUR on payment ${depositId}: 20.00 EUR is refundable. For more, use a payout on the order.`,
        });
        const nothingLeft = await executeRefund(
          h.deps,
          {
            paymentId: restId,
            amountMinor: 1,
            method: 'CORE_CARD',
            reason: 'defective',
            operatorId: 'manager',
          },
          { manager: MANAGER },
        );
        expect(nothingLeft.ok === false && nothingLeft.error).toMatchObject({
          code: 'REFUND_EXCEEDS_REFUNDABLE',
          message: `Cannot refund 0.01 EUR on payment ${restId}: 0.00 EUR is refundable. For more, use a payout on the order.`,
        });
        expect(pendingOutbox(h.db, 10)).toEqual([]);

        // The core agrees: one order, one chain, and no counter refund in it.
        const bo2 = (await core.raw('GET', `/backoffice/v1/${M}/orders/${orderId}`)).body as any;
        const chain = bo2.payments
          .flatMap((p: any) => p.operations)
          .sort((a: any, b: any) => a.orderSeq - b.orderSeq)
          .map((x: any) => `${x.kind}/${x.channel}/${x.amount?.amountMinor ?? '-'}`);
        expect(chain).toEqual([
          'SALE/IN_STORE/3000',
          'TOKEN_CREATE/IN_STORE/-',
          'SALE/ONLINE/7000',
          'TOKEN_USE/ONLINE/-',
          'REFUND/ONLINE/7000',
          'REFUND/ONLINE/1000',
        ]);
      });
    },
  );
}
