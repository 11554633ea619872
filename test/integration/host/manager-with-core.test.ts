/**
 * The manager's host commands against a real core (PGlite, and PostgreSQL when TEST_DATABASE_URL is set):
 * the counter is a whole host (createHost, SQLite, the virtual terminal on a pty), synced through a loopback
 * proxy that can cut the core off; the web shop is the official SDK. An order's timeline across channels, a
 * refund the core refused showing up as an exception and sent again once, sync now with the core down and
 * up, and reconciliation naming what differs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SdkResponse } from 'onlinepayments-sdk-nodejs';
import { auditTrail } from '../../../src-main/store';
import { createCoreClient } from '../../../src-main/sync/core-client';
import { createTerminalOrderReader } from '../../../src-main/sync/reconcile';
import { DATABASE_KINDS } from '../../helpers/core-db';
import { startTestCore, type TestCore } from '../../helpers/core-server';
import { startFaultProxy, type FaultProxy } from '../../helpers/fault-proxy';
import { MANAGER_PIN, startManagerHost, type ManagerHost } from '../../helpers/manager-host';

/* eslint-disable @typescript-eslint/no-explicit-any -- wire bodies are read as JSON */
function body(r: SdkResponse<unknown, unknown>): any {
  if (!r.isSuccess) throw new Error(`expected success, got ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}
const eur = (amount: number) => ({ amount, currencyCode: 'EUR' });
/** The core's double-refund window, short so the test can wait it out. */
const REPEAT_WINDOW_MS = 4_000;

for (const { kind, skip } of DATABASE_KINDS) {
  describe.skipIf(skip !== null)(
    `the manager commands with a core on ${kind}${skip ? ` (${skip})` : ''}`,
    () => {
      let core: TestCore;
      let proxy: FaultProxy;
      let m: ManagerHost;

      beforeAll(async () => {
        core = await startTestCore(kind, { refundRepeatWindowMs: REPEAT_WINDOW_MS });
        proxy = await startFaultProxy({ target: core.url, seed: 1 });
        m = await startManagerHost({
          core: {
            baseUrl: proxy.url,
            keyId: core.terminal.keyId,
            secret: core.terminal.secret,
            issuer: core.terminal.issuer,
            merchantId: core.merchantId,
          },
          // Reconciliation reads the core directly (not through the partitioning proxy), with the terminal key.
          handlers: {
            orderReader: createTerminalOrderReader(
              createCoreClient({
                baseUrl: core.url,
                keyId: core.terminal.keyId,
                secret: core.terminal.secret,
              }),
            ),
          },
        });
      }, 90_000);
      afterAll(async () => {
        await m?.close();
        await proxy?.close();
        await core?.close();
      });

      async function depositByCard(name: string): Promise<{ orderId: string; depositId: string }> {
        m.vt.presentCard('visa-approve');
        const d = await m.call('deposit.take', {
          customer: { name, contact: `${name.toLowerCase().replace(' ', '.')}@example.test` },
          totalMinor: 10_000,
          deposit: { amountMinor: 3_000 },
          tender: { method: 'CARD' },
          operatorId: 'cashier',
        });
        if (!d.ok) throw new Error(d.error.message);
        const s = await m.call('sync.now');
        expect(s.value).toMatchObject({ online: true, error: null, queued: 0 });
        return { orderId: d.value.orderId, depositId: d.value.tenders[0].paymentId };
      }

      it('an order paid by deposit here, the balance online, refunds online and here: one timeline with the channels', async () => {
        const M = core.merchantId;
        const { orderId, depositId } = await depositByCard('Dana Doe');
        const rest = body(
          await core.sdk.payments.subsequentPayment(M, depositId, { order: { amountOfMoney: eur(7_000) } }),
        );
        const restId = rest.payment.id as string;
        body(await core.sdk.payments.refundPayment(M, restId, { amountOfMoney: eur(2_500) }));
        const pulled = await m.call('sync.now');
        expect(pulled.value.pulled).toBeGreaterThanOrEqual(2);

        // A manager refunds 5.00 of the deposit here in cash (a drawer is open).
        await m.call('drawer.open', { floatMinor: 5_000, operatorId: 'manager' });
        const cash = await m.call('refund.execute', {
          paymentId: depositId,
          amountMinor: 500,
          method: 'CASH',
          reason: 'scratched paint',
          operatorId: 'manager',
          manager: MANAGER_PIN,
        });
        expect(cash.value).toMatchObject({ state: 'DONE' });

        const t = await m.call('order.timeline', { orderId });
        expect(t.ok).toBe(true);
        expect(t.value.customer).toEqual({ name: 'Dana Doe', contact: 'dana.doe@example.test' });
        expect(
          t.value.entries.map((e: any) => [
            e.kind,
            e.channel,
            e.method,
            e.paymentId,
            e.amountMinor,
            e.status,
          ]),
        ).toEqual([
          ['DEPOSIT', 'THIS_COUNTER', 'CARD', depositId, 3_000, 'DONE'],
          ['BALANCE', 'ONLINE', null, restId, 7_000, 'DONE'],
          ['REFUND', 'ONLINE', null, restId, 2_500, 'DONE'],
          ['REFUND', 'THIS_COUNTER', 'CASH', depositId, 500, t.value.entries[3].queued ? 'QUEUED' : 'DONE'],
        ]);
        expect(t.value).toMatchObject({
          collectedMinor: 10_000,
          refundedMinor: 3_000,
          balanceDueMinor: 0,
          refundableMinor: 7_000,
          order: { status: 'PARTIALLY_REFUNDED', customerName: 'Dana Doe', kind: 'DEPOSIT' },
        });
        // The cash refund went to the core too; the timeline says so once it is acknowledged.
        await m.call('sync.now');
        const after = await m.call('order.timeline', { orderId });
        expect(after.value.entries[3]).toMatchObject({ status: 'DONE', queued: false });
        await m.call('drawer.close', { countedMinor: 4_500, operatorId: 'manager' });
      }, 120_000);

      it('a refund the core refused as a repeat shows in the exceptions; RESEND after review records it again, once', async () => {
        const M = core.merchantId;
        const { orderId, depositId } = await depositByCard('Erik Example');
        // The web shop refunds 10.00 of the deposit; the counter, not yet pulled, refunds the same to the card.
        body(await core.sdk.payments.refundPayment(M, depositId, { amountOfMoney: eur(1_000) }));
        const claim = await m.call('refund.execute', {
          paymentId: depositId,
          amountMinor: 1_000,
          method: 'CORE_CARD',
          reason: 'customer returned the helmet',
          operatorId: 'manager',
          manager: MANAGER_PIN,
        });
        expect(claim.value.state).toBe('REJECTED');
        expect(claim.value.error.code).toBe('REFUND_REFUSED_BY_CORE');
        expect(claim.value.error.message).toContain('REFUND_ORDER_LOCKED');

        const open = await m.call('exceptions.list', {});
        const ex = open.value.find((e: any) => e.orderId === orderId);
        expect(ex).toMatchObject({ kind: 'REFUND', code: 'REFUND_ORDER_LOCKED', resolvedAt: null });
        expect(ex.message).toContain('repeats the refund of €10.00 made online');
        const timeline = await m.call('order.timeline', { orderId });
        expect(
          timeline.value.entries.find((e: any) => e.channel === 'THIS_COUNTER' && e.kind === 'REFUND'),
        ).toMatchObject({
          amountMinor: 1_000,
          status: 'REFUSED_BY_CORE',
        });

        // A wrong PIN resolves nothing; a note is required.
        const wrong = await m.call('exception.resolve', {
          exceptionId: ex.exceptionId,
          action: 'RESEND',
          note: 'checked with the customer: two helmets',
          manager: { managerId: 'manager', managerPin: '0000' },
        });
        expect(wrong.error.code).toBe('STAFF_PIN_INVALID');
        const noNote = await m.call('exception.resolve', {
          exceptionId: ex.exceptionId,
          action: 'RESEND',
          note: 'ok',
          manager: MANAGER_PIN,
        });
        expect(noNote.ok).toBe(false);
        expect(
          (await m.call('exceptions.list', {})).value.some((e: any) => e.exceptionId === ex.exceptionId),
        ).toBe(true);

        // The manager checked: it was a second, genuine refund. Past the core's repeat window it goes through.
        await new Promise((r) => setTimeout(r, REPEAT_WINDOW_MS + 500));
        const resent = await m.call('exception.resolve', {
          exceptionId: ex.exceptionId,
          action: 'RESEND',
          note: 'checked with the customer: two helmets returned',
          manager: MANAGER_PIN,
        });
        expect(resent.ok).toBe(true);
        expect(resent.value.resolution).toMatch(
          /^RESEND as message [0-9a-f-]{36}: checked with the customer/,
        );
        expect(resent.value.resolvedAt).not.toBeNull();
        const again = await m.call('exception.resolve', {
          exceptionId: ex.exceptionId,
          action: 'RESEND',
          note: 'pressed twice',
          manager: MANAGER_PIN,
        });
        expect(again.error.code).toBe('SYNC_EXCEPTION_NOT_FOUND');
        // Queued again once, under a new message id; pushed by the next cycle.
        const queued = (await m.call('queue.list')).value.filter((q: any) => q.orderId === orderId);
        expect(queued.length).toBeLessThanOrEqual(1);
        expect((await m.call('sync.now')).value).toMatchObject({ error: null, queued: 0 });
        expect((await m.call('queue.list')).value).toEqual([]);
        // The refused message and its one resend; nothing else.
        expect(
          m.host.db
            .prepare(`SELECT state FROM outbox WHERE order_id = ? AND kind = 'REFUND' ORDER BY seq`)
            .all(orderId),
        ).toEqual([{ state: 'REJECTED' }, { state: 'ACKNOWLEDGED' }]);
        expect((await m.call('exceptions.list', {})).value.some((e: any) => e.orderId === orderId)).toBe(
          false,
        );
        const all = await m.call('exceptions.list', { includeResolved: true });
        expect(all.value.find((e: any) => e.exceptionId === ex.exceptionId).resolvedAt).not.toBeNull();

        // The core has the online refund and the counter's, once each; the counter agrees.
        const bo = (await core.raw('GET', `/backoffice/v1/${M}/orders/${orderId}`)).body as any;
        const refunds = bo.payments
          .flatMap((p: any) => p.operations)
          .filter((x: any) => x.kind === 'REFUND')
          .map((x: any) => `${x.channel}/${x.amount.amountMinor}`);
        expect(refunds).toEqual(['ONLINE/1000', 'IN_STORE/1000']);
        await m.call('sync.now');
        const t2 = await m.call('order.timeline', { orderId });
        expect(t2.value.refundedMinor).toBe(2_000);
        expect(
          t2.value.entries.filter((e: any) => e.kind === 'REFUND').map((e: any) => [e.channel, e.status]),
        ).toEqual([
          ['ONLINE', 'DONE'],
          ['THIS_COUNTER', 'DONE'],
        ]);
        const audit = auditTrail(m.host.db, { subject: orderId }).find(
          (a) => a.action === 'SYNC_EXCEPTION_RESENT',
        );
        expect(audit).toMatchObject({ actor: 'manager', details: { code: 'REFUND_ORDER_LOCKED' } });
      }, 120_000);

      it('acknowledging an exception sends nothing and reconciliation names the difference for the manager', async () => {
        const M = core.merchantId;
        const { orderId, depositId } = await depositByCard('Fay Fixture');
        body(await core.sdk.payments.refundPayment(M, depositId, { amountOfMoney: eur(700) }));
        const claim = await m.call('refund.execute', {
          paymentId: depositId,
          amountMinor: 700,
          method: 'CORE_CARD',
          reason: 'pedal missing',
          operatorId: 'manager',
          manager: MANAGER_PIN,
        });
        expect(claim.value.state).toBe('REJECTED');
        const ex = (await m.call('exceptions.list', {})).value.find((e: any) => e.orderId === orderId);
        const ack = await m.call('exception.resolve', {
          exceptionId: ex.exceptionId,
          action: 'ACKNOWLEDGE',
          note: 'the web shop already refunded it',
          manager: MANAGER_PIN,
        });
        expect(ack.value.resolution).toBe('ACKNOWLEDGE: the web shop already refunded it');
        expect((await m.call('queue.list')).value).toEqual([]);

        const r = await m.call('reconcile.run', {});
        expect(r.value.error).toBeNull();
        expect(r.value.checked).toBeGreaterThanOrEqual(3);
        const mine = r.value.differences.filter((d: any) => d.orderId === orderId);
        expect(mine).toContainEqual({
          orderId,
          counter: 'REFUNDED_DIFFERS: 1400',
          core: '700',
          action: 'FOR_MANAGER',
        });
        // The other orders of the day agree with the core.
        expect(r.value.differences.filter((d: any) => d.orderId !== orderId)).toEqual([]);
      }, 120_000);

      it('sync now says why not while the core is down, keeps the queue, and drains it when the core is back', async () => {
        await proxy.partition();
        await m.call('drawer.open', { floatMinor: 2_000, operatorId: 'cashier' });
        const sale = await m.call('sale.checkout', {
          entries: [{ description: 'Bottle cage', amountMinor: 1_200, taxRateBp: 1900 }],
          tenders: [{ method: 'CASH', tenderedMinor: 2_000 }],
          operatorId: 'cashier',
        });
        expect(sale.ok).toBe(true);
        const down = await m.call('sync.now');
        expect(down.value).toMatchObject({ online: false, pushed: 0 });
        expect(down.value.queued).toBeGreaterThanOrEqual(2);
        expect(down.value.error).toMatch(
          /^The core did not answer \(.+\); the queue is kept and sent when it is back\.$/,
        );
        const q = await m.call('queue.list');
        expect(q.value.map((i: any) => i.orderId)).toContain(sale.value.orderId);
        expect(q.value[0].attempts).toBeGreaterThanOrEqual(1);
        expect(q.value[0].lastError).toBeTruthy();
        const t = await m.call('order.timeline', { orderId: sale.value.orderId });
        expect(t.value.entries[0]).toMatchObject({
          kind: 'SALE',
          method: 'CASH',
          status: 'QUEUED',
          queued: true,
        });

        await proxy.heal();
        const up = await m.call('sync.now');
        expect(up.value).toMatchObject({ online: true, queued: 0, error: null });
        expect(up.value.pushed).toBeGreaterThanOrEqual(2);
        expect((await m.call('queue.list')).value).toEqual([]);
        const bo = await core.raw('GET', `/backoffice/v1/${core.merchantId}/orders/${sale.value.orderId}`);
        expect(bo.status).toBe(200);
      }, 120_000);
    },
  );
}
