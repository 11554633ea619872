/**
 * Terminal sync API, pull and refund reservations, over real HTTP with terminal-signed requests, on PGlite and
 * PostgreSQL; and on PostgreSQL, that a pull never skips a feed row that commits late.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { money, type PaymentId } from '../../../src-shared';
import { ReservationSchema, SyncPullResponseSchema } from '../../../src-shared/sync-protocol';
import { appendOperationInTx } from '../../../src-core/ledger/append';
import { recordChargeback } from '../../../src-core/payments/chargeback';
import { enrollTerminal } from '../../../src-core/accounts/accounts';
import { createKeyring } from '../../../src-core/security/keyring';
import { DATABASE_KINDS, POSTGRES_SKIP_REASON } from '../../helpers/core-db';
import { startTestCore, type TestCore } from '../../helpers/core-server';
import { ledgerWrites } from '../../helpers/ledger-writes';
import { eurMoney, testTerminal, type TestTerminal } from '../../helpers/terminal-sync';

/* eslint-disable @typescript-eslint/no-explicit-any -- answers are read as the terminal reads JSON */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const { kind, skip } of DATABASE_KINDS) {
  describe.skipIf(skip !== null)(
    `terminal sync pull and reservations on ${kind}${skip ? ` (${skip})` : ''}`,
    () => {
      let core: TestCore;
      let term: TestTerminal;
      const online = (paymentId: string, amount: number) =>
        core.raw('POST', `/v2/${core.merchantId}/payments/${paymentId}/refund`, {
          body: { amountOfMoney: { amount, currencyCode: 'EUR' } },
        });
      const pull = async (after: number, limit = 100) => {
        const r = await term.raw('GET', `/sync/v1/changes?after=${after}&limit=${limit}`);
        expect(r.status, r.text).toBe(200);
        expect(SyncPullResponseSchema.safeParse(r.body).success).toBe(true);
        return r.body as any;
      };
      const reserve = (paymentId: string, amount: number, extra: Record<string, unknown> = {}) =>
        term.raw('POST', '/sync/v1/reservations', {
          body: { reservationId: term.newId(), paymentId, amount: eurMoney(amount), ...extra },
        });
      const confirm = (reservationId: string, amount: number, operationId = term.newId()) =>
        term.raw('POST', `/sync/v1/reservations/${reservationId}/confirm`, {
          body: { operationId, amount: eurMoney(amount), occurredAt: new Date().toISOString() },
        });

      beforeAll(async () => {
        core = await startTestCore(kind);
        term = testTerminal(core.url, core.terminal);
      });
      afterAll(async () => {
        await core?.close();
      });

      it('pulls what other channels did to the store orders, without its own operations, with current balances', async () => {
        const start = (await pull(0)).head as number;
        const sale = await term.sale({ total: 4_000, paid: 4_000 });
        const mine = await pull(start);
        expect(mine.changes).toEqual([]);
        expect(mine.nextCursor).toBeGreaterThan(start);

        expect((await online(sale.paymentId, 1_500)).status).toBe(201);
        const page = await pull(mine.nextCursor);
        expect(page.changes).toHaveLength(1);
        expect(page.changes[0]).toMatchObject({
          orderId: sale.orderId,
          operation: {
            kind: 'REFUND',
            channel: 'ONLINE',
            paymentId: sale.paymentId,
            amount: eurMoney(1_500),
          },
          terminalId: null,
        });
        expect(page.orders).toEqual([
          expect.objectContaining({
            orderId: sale.orderId,
            balances: expect.objectContaining({ refundable: eurMoney(2_500), refunded: eurMoney(1_500) }),
            refundLockedUntil: null,
          }),
        ]);
        expect(page.hasMore).toBe(false);
        const nothing = await pull(page.nextCursor);
        expect(nothing.changes).toEqual([]);
        expect(nothing.nextCursor).toBe(page.nextCursor);
      });

      it('pages through the feed in position order with hasMore, and refuses a cursor beyond the head', async () => {
        const start = (await pull(0)).head as number;
        const sale = await term.sale({ total: 3_000, paid: 3_000 });
        for (const amount of [100, 200, 300]) expect((await online(sale.paymentId, amount)).status).toBe(201);
        const seen: number[] = [];
        let cursor = start;
        for (let i = 0; i < 10; i++) {
          const p = await pull(cursor, 1);
          seen.push(...p.changes.map((c: any) => c.operation.amount.amountMinor));
          cursor = p.nextCursor;
          if (!p.hasMore) break;
        }
        expect(seen).toEqual([100, 200, 300]);
        const beyond = await term.raw('GET', `/sync/v1/changes?after=${cursor + 1000}`);
        expect(beyond.status).toBe(400);
        expect((beyond.body as any).errors[0].propertyName).toBe('query.after');
      });

      it('sees what another terminal of the same store did', async () => {
        const keyring = createKeyring(Buffer.alloc(32, 7));
        // A second terminal enrolled directly (its secret is encrypted with another key, so only its rows
        // matter here); its operations come through the ledger like a push would record them.
        const other = await enrollTerminal(core.t.db, core.ledger.ctx, keyring, {
          merchantId: core.merchantId,
          store: core.storeId,
        });
        if (!other.ok) throw new Error(other.error.message);
        const sale = await term.sale({ total: 900, paid: 900 });
        const before = (await pull(0)).head as number;
        const r = await ledgerWrites(core.ledger).counterRefund({
          merchantId: core.merchantId,
          paymentId: sale.paymentId,
          amount: money(300, 'EUR'),
          channel: 'IN_STORE',
          terminalId: other.value.terminalId,
        });
        expect(r.ok).toBe(true);
        const page = await pull(before);
        expect(page.changes).toEqual([
          expect.objectContaining({
            terminalId: other.value.terminalId,
            operation: expect.objectContaining({ kind: 'REFUND', channel: 'IN_STORE' }),
          }),
        ]);
      });

      it('a reservation holds the order against refunds from any channel until it is confirmed', async () => {
        const sale = await term.sale({ total: 5_000, paid: 5_000 });
        const held = await reserve(sale.paymentId, 2_000);
        expect(held.status, held.text).toBe(201);
        const r = ReservationSchema.parse(held.body);
        expect(r).toMatchObject({ state: 'HELD', amount: eurMoney(2_000), refundable: eurMoney(5_000) });

        const blocked = await online(sale.paymentId, 100);
        expect(blocked.status).toBe(409);
        expect((blocked.body as any).errors[0].id).toBe('REFUND_ORDER_LOCKED');
        const second = await reserve(sale.paymentId, 100);
        expect((second.body as any).errors[0].id).toBe('REFUND_ORDER_LOCKED');
        const order = await core.raw('GET', `/backoffice/v1/${core.merchantId}/orders/${sale.orderId}`);
        expect((order.body as any).refundLock).toMatchObject({
          purpose: 'RESERVATION',
          channel: 'IN_STORE',
          holder: `terminal:${core.terminal.terminalId}`,
          amountMinor: 2_000,
        });

        const over = await confirm(r.reservationId, 2_001);
        expect(over.status).toBe(400);
        expect((over.body as any).errors[0].id).toBe('REFUND_EXCEEDS_RESERVATION');
        const opId = term.newId();
        const done = await confirm(r.reservationId, 1_800, opId);
        expect(done.status, done.text).toBe(201);
        expect(done.body).toMatchObject({
          reservationWasHeld: true,
          duplicate: false,
          reservation: { state: 'CONFIRMED', operationId: opId, refundable: eurMoney(3_200) },
        });
        const again = await confirm(r.reservationId, 1_800, opId);
        expect(again.status).toBe(201);
        expect(again.body).toMatchObject({ duplicate: true });
        const other = await confirm(r.reservationId, 100);
        expect((other.body as any).errors[0].id).toBe('REFUND_RESERVATION_CLOSED');
        expect((await online(sale.paymentId, 100)).status).toBe(201);
      });

      it('release frees the order at once; a retry of a reservation id answers the same reservation', async () => {
        const sale = await term.sale({ total: 1_000, paid: 1_000 });
        const reservationId = term.newId();
        const body = { reservationId, paymentId: sale.paymentId, amount: eurMoney(400) };
        const first = await term.raw('POST', '/sync/v1/reservations', { body });
        const retry = await term.raw('POST', '/sync/v1/reservations', { body });
        expect(retry.status).toBe(201);
        expect(retry.body).toEqual(first.body);
        const reused = await term.raw('POST', '/sync/v1/reservations', {
          body: { ...body, amount: eurMoney(401) },
        });
        expect(reused.status).toBe(409);
        expect((reused.body as any).errors[0].id).toBe('SYNC_ID_REUSED');
        const released = await term.raw('POST', `/sync/v1/reservations/${reservationId}/release`);
        expect(released.body).toMatchObject({ state: 'RELEASED', refundable: eurMoney(1_000) });
        const twice = await term.raw('POST', `/sync/v1/reservations/${reservationId}/release`);
        expect(twice.status).toBe(200);
        expect((await confirm(reservationId, 400)).status).toBe(409);
        expect((await online(sale.paymentId, 1_000)).status).toBe(201);
      });

      it('refuses reservations beyond the refundable amount and on unknown payments', async () => {
        const sale = await term.sale({ total: 600, paid: 600 });
        const over = await reserve(sale.paymentId, 601);
        expect(over.status).toBe(400);
        expect((over.body as any).errors[0].id).toBe('REFUND_EXCEEDS_REFUNDABLE');
        const unknown = await reserve(term.nextPaymentId(), 1);
        expect(unknown.status).toBe(404);
        expect((unknown.body as any).errors[0].id).toBe('PAYMENT_NOT_FOUND');
        const missing = await term.raw('GET', `/sync/v1/reservations/${term.newId()}`);
        expect(missing.status).toBe(404);
        expect((missing.body as any).errors[0].id).toBe('REFUND_RESERVATION_NOT_FOUND');
      });

      it('an expired reservation releases itself; a late confirmation is recorded within the refundable amount, beyond it kept as a money exception a manager sees', async () => {
        const sale = await term.sale({ total: 2_000, paid: 2_000 });
        const held = ReservationSchema.parse((await reserve(sale.paymentId, 1_500, { ttlSeconds: 1 })).body);
        await sleep(1_300);
        const state = await term.raw('GET', `/sync/v1/reservations/${held.reservationId}`);
        expect(state.body).toMatchObject({ state: 'EXPIRED' });
        // Another channel may refund now: the lock lapsed on the database clock.
        expect((await online(sale.paymentId, 1_000)).status).toBe(201);
        // The counter refunded 1,500 on the card before it noticed: 1,000 is all the ledger still allows, so
        // the refund is not dropped but kept as a money exception, and the terminal is told so.
        const operationId = term.newId();
        const late = await confirm(held.reservationId, 1_500, operationId);
        expect(late.status, late.text).toBe(409);
        const error = (late.body as any).errors[0];
        expect(error).toMatchObject({ id: 'MONEY_MOVED_NOT_RECORDED', retriable: false });
        expect(error.message).toContain('card terminal');
        const exceptionId = /money exception ([0-9a-f-]{36})/.exec(error.message)?.[1];
        expect(exceptionId).toBeDefined();
        // The terminal sends it again: the same exception, not a second one.
        const again = await confirm(held.reservationId, 1_500, operationId);
        expect((again.body as any).errors[0].message).toContain(exceptionId);
        const listed = await core.raw('GET', `/backoffice/v1/${core.merchantId}/exceptions`);
        expect(listed.status, listed.text).toBe(200);
        const mine = (listed.body as any).exceptions.filter((e: any) => e.operationId === operationId);
        expect(mine).toEqual([
          expect.objectContaining({
            exceptionId,
            source: 'TERMINAL',
            kind: 'REFUND',
            paymentId: sale.paymentId,
            amount: eurMoney(1_500),
            channel: 'IN_STORE',
            terminalId: core.terminal.terminalId,
            reasonCode: 'REFUND_EXCEEDS_REFUNDABLE',
            state: 'OPEN',
          }),
        ]);
        // A confirmation within what the ledger still allows is recorded, lock or not (the money moved).
        const fits = await confirm(held.reservationId, 1_000);
        expect(fits.status, fits.text).toBe(201);
        expect(fits.body).toMatchObject({
          reservationWasHeld: false,
          reservation: { state: 'CONFIRMED', refundable: eurMoney(0) },
        });
      });

      it('a terminal cannot see or confirm another terminal reservation', async () => {
        const sale = await term.sale({ total: 700, paid: 700 });
        const held = ReservationSchema.parse((await reserve(sale.paymentId, 100)).body);
        // The merchant's API key is not a terminal key.
        const asMerchant = await core.raw('GET', `/sync/v1/reservations/${held.reservationId}`);
        expect(asMerchant.status).toBe(401);
        await term.raw('POST', `/sync/v1/reservations/${held.reservationId}/release`);
      });
    },
  );
}

describe.skipIf(POSTGRES_SKIP_REASON !== null)(
  `the store feed never skips a row that commits late (PostgreSQL${POSTGRES_SKIP_REASON ? `, ${POSTGRES_SKIP_REASON}` : ''})`,
  () => {
    let core: TestCore;
    beforeAll(async () => {
      core = await startTestCore('postgres');
    });
    afterAll(async () => {
      await core?.close();
    });

    it('a pull during an open transaction stops before its position, and the next pull returns it in order', async () => {
      const term = testTerminal(core.url, core.terminal);
      const pull = async (after: number) =>
        (await term.raw('GET', `/sync/v1/changes?after=${after}`)).body as any;
      const a = await term.sale({ total: 1_000, paid: 1_000 });
      const b = await term.sale({ total: 1_000, paid: 1_000 });
      const cursor = (await pull(0)).nextCursor as number;

      let appended!: () => void;
      const inserted = new Promise<void>((r) => (appended = r));
      let commit!: () => void;
      const gate = new Promise<void>((r) => (commit = r));
      // Writer A takes the next position and holds its transaction open.
      const writerA = core.t.db.transaction(async (tx) => {
        const r = await appendOperationInTx(tx, core.ledger.ctx, {
          merchantId: core.merchantId,
          paymentId: a.paymentId as PaymentId,
          channel: 'BACK_OFFICE',
          body: { kind: 'CHARGEBACK', amount: money(100, 'EUR') },
        });
        if (!r.ok) throw new Error(r.error.message);
        appended();
        await gate;
        return r.value.stored.feedPos;
      });
      await inserted;
      // Writer B (another order of the same store) commits after A; it waits for A's position to commit.
      const writerB = recordChargeback(core.ledger, {
        merchantId: core.merchantId,
        paymentId: b.paymentId as PaymentId,
        channel: 'BACK_OFFICE',
        kind: 'CHARGEBACK',
        amount: money(200, 'EUR'),
      });
      await sleep(200);
      const during = await pull(cursor);
      expect(during.changes).toEqual([]);
      expect(during.nextCursor).toBe(cursor);
      commit();
      const posA = await writerA;
      const rB = await writerB;
      if (!rB.ok) throw new Error(rB.error.error.message);
      expect(rB.value.stored.feedPos).toBe((posA ?? 0) + 1);
      const after = await pull(cursor);
      expect(after.changes.map((c: any) => [c.position, c.operation.amount.amountMinor])).toEqual([
        [posA, 100],
        [posA! + 1, 200],
      ]);
    });
  },
);
