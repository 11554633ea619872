/**
 * The seed's double-refund rule (src-core/ledger/repeat-refund.ts, docs/core.md "The double-refund rule"),
 * over real HTTP on PGlite and PostgreSQL: a refund repeating one recorded on the same order (same amount,
 * within the window), from any channel, answers 409 REFUND_ORDER_LOCKED naming the earlier refund; a genuine
 * further partial refund goes through; the same request with the same idempotence key replays instead.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReservationSchema } from '../../../src-shared/sync-protocol';
import { DATABASE_KINDS } from '../../helpers/core-db';
import { startTestCore, type TestCore } from '../../helpers/core-server';
import { eurMoney, testTerminal, type TestTerminal } from '../../helpers/terminal-sync';

/* eslint-disable @typescript-eslint/no-explicit-any -- wire bodies are read as the merchant would read JSON */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const { kind, skip } of DATABASE_KINDS) {
  describe.skipIf(skip !== null)(`the double-refund rule on ${kind}${skip ? ` (${skip})` : ''}`, () => {
    let core: TestCore;
    let term: TestTerminal;
    const online = (c: TestCore, paymentId: string, amount: number, key?: string) =>
      c.raw('POST', `/v2/${c.merchantId}/payments/${paymentId}/refund`, {
        body: { amountOfMoney: { amount, currencyCode: 'EUR' } },
        headers: key ? { 'X-GCS-Idempotence-Key': key } : {},
      });
    const lockedError = (r: { status: number; body: unknown; text: string }) => {
      expect(r.status, r.text).toBe(409);
      const e = (r.body as any).errors[0];
      expect(e).toMatchObject({ id: 'REFUND_ORDER_LOCKED', httpStatusCode: 409 });
      return e.message as string;
    };
    beforeAll(async () => {
      core = await startTestCore(kind);
      term = testTerminal(core.url, core.terminal);
    });
    afterAll(async () => {
      await core?.close();
    });

    it('an online refund repeated: REFUND_ORDER_LOCKED naming the first (channel, time, amount); a different amount goes through; the same key replays', async () => {
      const sale = await term.sale({ total: 2_000, paid: 2_000 });
      const first = await online(core, sale.paymentId, 500, `first-${sale.paymentId}`);
      expect(first.status, first.text).toBe(201);
      const firstId = (first.body as any).id as string;

      const repeat = await online(core, sale.paymentId, 500, `second-${sale.paymentId}`);
      const message = lockedError(repeat);
      // A repeat is final (resending it is the accident), unlike a refund in progress.
      expect((repeat.body as any).errors[0].retriable).toBe(false);
      expect(message).toContain('€5.00');
      expect(message).toContain('online');
      expect(message).toContain(firstId);
      expect(message).toMatch(/\d{2}:\d{2}:\d{2} UTC on \d{4}-\d{2}-\d{2}/);
      expect(message).toContain('10 minutes');
      // Without a key, too.
      lockedError(await online(core, sale.paymentId, 500));

      // The same request with the first key replays the first refund; nothing more is refunded.
      const replay = await online(core, sale.paymentId, 500, `first-${sale.paymentId}`);
      expect(replay.status).toBe(201);
      expect((replay.body as any).id).toBe(firstId);
      // A genuine further partial refund of another amount goes through.
      const further = await online(core, sale.paymentId, 300, `third-${sale.paymentId}`);
      expect(further.status, further.text).toBe(201);
      // A payout is another act than a refund: the same amount as a refund is not a repeat; a second one is.
      const payout = {
        amountOfMoney: { amount: 500, currencyCode: 'EUR' },
        omnichannelPayoutSpecificInput: { paymentId: sale.paymentId },
      };
      expect((await core.raw('POST', `/v2/${core.merchantId}/payouts`, { body: payout })).status).toBe(201);
      expect(
        lockedError(await core.raw('POST', `/v2/${core.merchantId}/payouts`, { body: payout })),
      ).toContain('repeats the payout');
      const refunds = await core.raw('GET', `/v2/${core.merchantId}/payments/${sale.paymentId}/refunds`);
      expect((refunds.body as any).refunds.map((r: any) => r.refundOutput.amountOfMoney.amount)).toEqual([
        500, 300,
      ]);
    });

    it('across channels: a counter refund repeating an online one, a reservation and a back-office refund repeating a counter one', async () => {
      const order = term.messages.order(3_000);
      const payment = term.messages.payment(order.orderId, 3_000);
      expect((await term.push([order, payment])).results.map((r) => r.status)).toEqual([
        'accepted',
        'accepted',
      ]);
      expect((await online(core, payment.paymentId, 400)).status).toBe(201);

      const counter = term.messages.onPayment('REFUND', payment.paymentId, {
        amount: eurMoney(400),
        method: 'CASH',
      });
      const pushed = await term.push([counter]);
      // Final: the counter's queue must not resend it until the window has passed (a manager resolves it).
      expect(pushed.results[0]).toMatchObject({
        status: 'rejected',
        code: 'REFUND_ORDER_LOCKED',
        retryable: false,
      });
      expect((pushed.results[0] as any).message).toContain('online');

      const other = term.messages.onPayment('REFUND', payment.paymentId, {
        amount: eurMoney(250),
        method: 'CASH',
      });
      expect((await term.push([other])).results[0]!.status).toBe('accepted');
      const reserved = await term.raw('POST', '/sync/v1/reservations', {
        body: { reservationId: term.newId(), paymentId: payment.paymentId, amount: eurMoney(250) },
      });
      expect(lockedError(reserved)).toContain('at the counter');
      const backOffice = await core.raw(
        'POST',
        `/backoffice/v1/${core.merchantId}/operations/${payment.operationId}/refunds`,
        { body: { amount: eurMoney(250) } },
      );
      expect(lockedError(backOffice)).toContain('€2.50');
      // The lock taken for the refused repeats was given back: a further refund of another amount goes through.
      const reservation = await term.raw('POST', '/sync/v1/reservations', {
        body: { reservationId: term.newId(), paymentId: payment.paymentId, amount: eurMoney(100) },
      });
      expect(reservation.status, reservation.text).toBe(201);
      const { reservationId } = ReservationSchema.parse(reservation.body);
      expect((await term.raw('POST', `/sync/v1/reservations/${reservationId}/release`)).status).toBe(200);
    });

    it('two equal refunds at once: one refunds, the other is REFUND_ORDER_LOCKED', async () => {
      for (let trial = 0; trial < 5; trial++) {
        const sale = await term.sale({ total: 1_000, paid: 1_000 });
        const both = await Promise.all([
          online(core, sale.paymentId, 200),
          online(core, sale.paymentId, 200),
        ]);
        expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
        lockedError(both.find((r) => r.status === 409)!);
      }
    });

    it('the window is configurable: a short one lets the same amount through once it has passed; 0 turns the rule off', async () => {
      const short = await startTestCore(kind, { refundRepeatWindowMs: 1_000 });
      const off = await startTestCore(kind, { refundRepeatWindowMs: 0 });
      try {
        const t = testTerminal(short.url, short.terminal);
        const sale = await t.sale({ total: 1_000, paid: 1_000 });
        expect((await online(short, sale.paymentId, 100)).status).toBe(201);
        const key = `repeat-${sale.paymentId}`;
        expect(lockedError(await online(short, sale.paymentId, 100, key))).toContain(
          'less than 1 second ago',
        );
        await sleep(1_200);
        // The repeat's refusal is its request's result: resent with its key after the window, it is replayed,
        // so an automatic retry never turns the accidental repeat into a second refund.
        expect(lockedError(await online(short, sale.paymentId, 100, key))).toContain(
          'less than 1 second ago',
        );
        // A new request (a new key, or none) after the window is a genuine further refund.
        expect((await online(short, sale.paymentId, 100)).status).toBe(201);

        const o = testTerminal(off.url, off.terminal);
        const other = await o.sale({ total: 1_000, paid: 1_000 });
        expect((await online(off, other.paymentId, 100)).status).toBe(201);
        expect((await online(off, other.paymentId, 100)).status).toBe(201);
      } finally {
        await short.close();
        await off.close();
      }
    });
  });
}
