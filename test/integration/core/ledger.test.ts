/**
 * The ledger service and the refund lock on both databases (PGlite and a real PostgreSQL): what a channel
 * sees when it records payments, refunds and payouts, including under concurrency.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  domainError,
  formatPaymentId,
  money,
  paymentIdIssuer,
  parsePaymentId,
  type PaymentId,
  type Uuid,
} from '../../../src-shared';
import type { Acquirer } from '../../../src-core/acquirer/acquirer';
import { createSandboxAcquirer } from '../../../src-core/acquirer/sandbox';
import { migrate, MIGRATIONS } from '../../../src-core/db/migrations';
import { createAcquirerJournal } from '../../../src-core/journal/journal';
import { createLedgerContext } from '../../../src-core/ledger/context';
import { readStoreFeed, storeFeedHead } from '../../../src-core/ledger/feed';
import { verifyOrderHistory } from '../../../src-core/ledger/whole-order';
import {
  confirmReservedRefund,
  releaseReservedRefund,
  reserveRefund,
} from '../../../src-core/payments/counter-refunds';
import { sendMoneyBack } from '../../../src-core/payments/money-back';
import { releaseRefundLock } from '../../../src-core/ledger/refund-lock';
import { acquireRefundLock } from '../../../src-core/payments/refund-lock';
import { appendOperationInTx } from '../../../src-core/ledger/append';
import { loadOrderInTx } from '../../../src-core/ledger/loaded-order';
import { createLedgerService, type LedgerService } from '../../../src-core/ledger/service';
import { recordUnknownPaymentInTx } from '../../../src-core/ledger/unknown-payments';
import type { Tx } from '../../../src-core/db/adapter';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../../helpers/core-db';
import { ledgerWrites } from '../../helpers/ledger-writes';
import { quiet } from '../../helpers/quiet-log';

const EUR = (n: number) => money(n, 'EUR');
const M = 'M-ledger';

async function seed(t: TestDatabase, ctx: ReturnType<typeof createLedgerContext>) {
  await t.db.query(`INSERT INTO merchants (id, name) VALUES ($1, 'Ledger test shop')`, [M]);
  const storeId = ctx.newId();
  await t.db.query(`INSERT INTO stores (id, merchant_id, name) VALUES ($1, $2, 'Main street')`, [storeId, M]);
  const terminalId = ctx.newId();
  await t.db.query(
    `INSERT INTO terminals (id, merchant_id, store_id, issuer, key_id, secret_ciphertext)
     VALUES ($1, $2, $3, nextval('terminal_issuer_seq'), 'term-key-0001', 'x')`,
    [terminalId, M, storeId],
  );
  const issuer = (
    await t.db.query<{ issuer: number }>('SELECT issuer FROM terminals WHERE id = $1', [terminalId])
  )[0]!.issuer;
  return { storeId, terminalId, issuer };
}

for (const { kind, skip } of DATABASE_KINDS) {
  describe.skipIf(skip !== null)(`ledger service on ${kind}${skip ? ` (${skip})` : ''}`, () => {
    let t: TestDatabase;
    let ledger: LedgerService;
    /** Scene setting, and the ledger's rules alone (no refund lock, no journal): test/helpers/ledger-writes.ts. */
    let writes: ReturnType<typeof ledgerWrites>;
    let storeId: Uuid;
    let terminalId: Uuid;
    let issuer: number;
    let terminalSeq = 0;
    const ctx = createLedgerContext();
    const terminalPaymentId = () => formatPaymentId(issuer, terminalSeq++);
    const journalWith = (acquirer: Acquirer) => createAcquirerJournal({ ledger, acquirer, log: quiet });

    beforeAll(async () => {
      t = await openTestDatabase(kind, 20);
      ledger = createLedgerService(t.db, ctx);
      writes = ledgerWrites(ledger);
      ({ storeId, terminalId, issuer } = await seed(t, ctx));
    });
    afterAll(async () => {
      await t?.dispose();
    });

    /** A deposit of `amount` paid in store on an order of `total`. */
    async function storeDeposit(total: number, amount: number) {
      const r = await writes.createOrderWithPayment(
        {
          merchantId: M,
          currency: 'EUR',
          total: EUR(total),
          channel: 'IN_STORE',
          storeId,
          terminalId,
          customerRef: 'cust-1',
        },
        {
          paymentId: terminalPaymentId(),
          channel: 'IN_STORE',
          terminalId,
          opening: { kind: 'SALE', amount: EUR(amount) },
          card: {
            brand: 'VISA',
            bin: '433026',
            last4: '4675',
            expiry: '1230',
            cardRef: 'tok-1',
            tokenId: null,
            paymentProductId: 1,
          },
        },
      );
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    }

    it('migrating again is a no-op, and a database newer than the code is refused', async () => {
      const latest = MIGRATIONS.at(-1)!.version;
      await expect(migrate(t.db)).resolves.toBe(latest);
      const again = [...MIGRATIONS.slice(0, -1), { version: latest, name: 'x', sql: 'SELECT 1' }];
      await expect(migrate(t.db, again)).resolves.toBe(latest);
      await t.db.query(`INSERT INTO schema_migrations (version, name) VALUES (99, 'from the future')`);
      await expect(migrate(t.db)).rejects.toThrow(/newer than this core/);
      await t.db.query('DELETE FROM schema_migrations WHERE version = 99');
    });

    it('the deposit-in-store, rest-online, refund story keeps one chain with correct balances', async () => {
      const deposit = await storeDeposit(10_000, 3_000);
      const initial = deposit.payment.paymentId;
      expect(paymentIdIssuer(initial)).toBe(issuer);
      expect(deposit.stored.operation.channel).toBe('IN_STORE');
      // The rest online: the core mints the id of the subsequent payment (issuer 1).
      const rest = await writes.openPayment({
        merchantId: M,
        orderId: deposit.order.orderId,
        channel: 'ONLINE',
        opening: { kind: 'SALE', amount: EUR(7_000) },
        initiatedByPaymentId: initial,
      });
      expect(rest.ok).toBe(true);
      if (!rest.ok) return;
      expect(parsePaymentId(rest.value.payment.paymentId).ok).toBe(true);
      expect(paymentIdIssuer(rest.value.payment.paymentId)).toBe(1);
      // Refund on the online payment is capped by what that payment captured.
      const tooMuch = await writes.refundWithoutLock({
        merchantId: M,
        paymentId: rest.value.payment.paymentId,
        amount: EUR(7_001),
        channel: 'ONLINE',
      });
      expect(tooMuch.ok ? null : tooMuch.error.code).toBe('REFUND_EXCEEDS_REFUNDABLE');
      const refund = await writes.refundWithoutLock({
        merchantId: M,
        paymentId: rest.value.payment.paymentId,
        amount: EUR(7_000),
        channel: 'ONLINE',
      });
      expect(refund.ok).toBe(true);
      // A payout may go beyond one payment, capped by what the order collected.
      const payoutTooMuch = await writes.payoutWithoutLock({
        merchantId: M,
        paymentId: initial,
        amount: EUR(3_001),
        channel: 'ONLINE',
      });
      expect(payoutTooMuch.ok ? null : payoutTooMuch.error.code).toBe('PAYOUT_EXCEEDS_COLLECTED');
      const payout = await writes.payoutWithoutLock({
        merchantId: M,
        paymentId: initial,
        amount: EUR(3_000),
        channel: 'BACK_OFFICE',
      });
      expect(payout.ok).toBe(true);
      const loaded = await ledger.loadOrder(M, deposit.order.orderId);
      expect(loaded?.operations.map((o) => [o.orderSeq, o.operation.kind, o.operation.channel])).toEqual([
        [1, 'SALE', 'IN_STORE'],
        [2, 'SALE', 'ONLINE'],
        [3, 'REFUND', 'ONLINE'],
        [4, 'PAYOUT', 'BACK_OFFICE'],
      ]);
      expect(loaded?.operations.map((o) => o.feedPos)).toEqual(expect.arrayContaining([expect.any(Number)]));
      expect(loaded?.order.operationCount).toBe(4);
      // The stored history replays cleanly through the shared rules.
      expect(verifyOrderHistory(loaded!.order, loaded!.operations)).toBeNull();
      expect(loaded?.order.customerRef).toBe('cust-1');
    });

    it('a terminal-minted payment id is never accepted twice, and a retried operation id is a duplicate', async () => {
      const deposit = await storeDeposit(5_000, 5_000);
      const again = await writes.openPayment({
        merchantId: M,
        orderId: deposit.order.orderId,
        paymentId: deposit.payment.paymentId,
        channel: 'IN_STORE',
        opening: { kind: 'SALE', amount: EUR(1) },
      });
      expect(again.ok ? null : again.error.code).toBe('PAYMENT_ALREADY_EXISTS');
      const operationId = ctx.newId();
      const first = await writes.refundWithoutLock({
        merchantId: M,
        paymentId: deposit.payment.paymentId,
        amount: EUR(100),
        channel: 'IN_STORE',
        operationId,
      });
      const second = await writes.refundWithoutLock({
        merchantId: M,
        paymentId: deposit.payment.paymentId,
        amount: EUR(100),
        channel: 'IN_STORE',
        operationId,
      });
      expect(first.ok && !first.value.duplicate).toBe(true);
      expect(second.ok && second.value.duplicate).toBe(true);
      const loaded = await ledger.loadOrder(M, deposit.order.orderId);
      expect(loaded?.operations.filter((o) => o.operation.kind === 'REFUND')).toHaveLength(1);
    });

    it('the database itself refuses illegal rows: non-positive amounts, edits of operations, bad payment ids', async () => {
      const deposit = await storeDeposit(2_000, 2_000);
      const op = deposit.stored;
      await expect(
        t.db.query('UPDATE operations SET amount_minor = 1 WHERE id = $1', [op.operation.id]),
      ).rejects.toThrow(/append-only/);
      await expect(t.db.query('DELETE FROM operations WHERE id = $1', [op.operation.id])).rejects.toThrow(
        /append-only/,
      );
      await expect(
        t.db.query(
          `INSERT INTO operations (id, order_id, payment_id, merchant_id, order_seq, payment_seq, kind, amount_minor,
             currency, channel, occurred_at) VALUES ($1, $2, $3, $4, 99, 99, 'REFUND', -5, 'EUR', 'ONLINE', now())`,
          [ctx.newId(), deposit.order.orderId, deposit.payment.paymentId, M],
        ),
      ).rejects.toThrow(/check constraint/);
      await expect(
        t.db.query(
          `INSERT INTO operations (id, order_id, payment_id, merchant_id, order_seq, payment_seq, kind, amount_minor,
             currency, channel, occurred_at) VALUES ($1, $2, $3, $4, 1, 5, 'REFUND', 5, 'EUR', 'ONLINE', now())`,
          [ctx.newId(), deposit.order.orderId, deposit.payment.paymentId, M],
        ),
      ).rejects.toThrow(/duplicate key|unique/);
      await expect(
        t.db.query(
          `INSERT INTO payments (id, order_id, merchant_id, channel, outcome, requested_mode,
           requested_amount_minor, currency, occurred_at) VALUES ('123', $1, $2, 'ONLINE', 'RECORDED', 'SALE', 1, 'EUR', now())`,
          [deposit.order.orderId, M],
        ),
      ).rejects.toThrow(/check constraint/);
    });

    it("the database refuses an operation naming another order than its payment's (schema 7)", async () => {
      const a = await storeDeposit(2_000, 2_000);
      const b = await storeDeposit(2_000, 2_000);
      const insert = (q: Pick<typeof t.db, 'query'>, orderId: string) =>
        q.query(
          `INSERT INTO operations (id, order_id, payment_id, merchant_id, order_seq, payment_seq, kind, amount_minor,
             currency, channel, occurred_at) VALUES ($1, $2, $3, $4, 99, 99, 'REFUND', 5, 'EUR', 'ONLINE', now())`,
          [ctx.newId(), orderId, a.payment.paymentId, M],
        );
      await expect(insert(t.db, b.order.orderId)).rejects.toThrow(/foreign key/);
      // The same row on the payment's own order passes the key (then rolled back: it bypasses the ledger).
      const rolledBack = new Error('rolled back on purpose');
      await expect(
        t.db.transaction(async (tx) => {
          await insert(tx, a.order.orderId);
          throw rolledBack;
        }),
      ).rejects.toBe(rolledBack);
    });

    it('concurrent refunds on one order never exceed what it collected (no lock, the ledger alone)', async () => {
      const deposit = await storeDeposit(1_000, 1_000);
      const results = await Promise.all(
        Array.from({ length: 25 }, () =>
          writes.refundWithoutLock({
            merchantId: M,
            paymentId: deposit.payment.paymentId,
            amount: EUR(100),
            channel: 'ONLINE',
          }),
        ),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(10);
      expect(new Set(results.filter((r) => !r.ok).map((r) => (r.ok ? '' : r.error.code)))).toEqual(
        new Set(['REFUND_EXCEEDS_REFUNDABLE']),
      );
      const loaded = await ledger.loadOrder(M, deposit.order.orderId);
      const refunded = loaded!.operations.filter((o) => o.operation.kind === 'REFUND').length * 100;
      expect(refunded).toBe(1_000);
    });

    it('the refund lock: a second holder gets REFUND_ORDER_LOCKED until release or expiry', async () => {
      const deposit = await storeDeposit(1_000, 1_000);
      const orderId = deposit.order.orderId;
      const first = await acquireRefundLock(t.db, ctx, {
        orderId,
        holder: 'online:a',
        channel: 'ONLINE',
        purpose: 'REFUND',
        ttlMs: 60_000,
      });
      expect(first.ok).toBe(true);
      const second = await acquireRefundLock(t.db, ctx, {
        orderId,
        holder: 'terminal:b',
        channel: 'IN_STORE',
        purpose: 'RESERVATION',
        ttlMs: 60_000,
      });
      expect(second.ok ? null : second.error.code).toBe('REFUND_ORDER_LOCKED');
      if (first.ok) expect(await releaseRefundLock(t.db, first.value)).toBe(true);
      const third = await acquireRefundLock(t.db, ctx, {
        orderId,
        holder: 'terminal:b',
        channel: 'IN_STORE',
        purpose: 'RESERVATION',
        ttlMs: 150,
      });
      expect(third.ok).toBe(true);
      // A crashed holder blocks the order only until its lock expires.
      await new Promise((r) => setTimeout(r, 300));
      const fourth = await acquireRefundLock(t.db, ctx, {
        orderId,
        holder: 'online:c',
        channel: 'ONLINE',
        purpose: 'REFUND',
        ttlMs: 60_000,
      });
      expect(fourth.ok).toBe(true);
      if (third.ok) expect(await releaseRefundLock(t.db, third.value)).toBe(false);
      if (fourth.ok) await releaseRefundLock(t.db, fourth.value);
    });

    it('two full refunds at once through the lock: exactly one succeeds, the other is locked or exceeds', async () => {
      // A little acquirer latency widens the window in which both hold their request open.
      const journal = journalWith(createSandboxAcquirer({ db: t.db, latencyMs: 20 }));
      for (let trial = 0; trial < 5; trial++) {
        const deposit = await storeDeposit(4_000, 4_000);
        const results = await Promise.all(
          ['online:a', 'terminal:b'].map((holder) =>
            sendMoneyBack(journal, {
              merchantId: M,
              paymentId: deposit.payment.paymentId,
              kind: 'REFUND',
              amount: EUR(4_000),
              holder,
              channel: 'ONLINE',
            }),
          ),
        );
        expect(results.filter((r) => r.ok && r.value.entry.result === 'APPROVED')).toHaveLength(1);
        const failed = results.find((r) => !r.ok);
        expect(['REFUND_ORDER_LOCKED', 'REFUND_EXCEEDS_REFUNDABLE']).toContain(
          failed && !failed.ok ? failed.error.code : '',
        );
        // The lock is free again afterwards.
        const lock = await acquireRefundLock(t.db, ctx, {
          orderId: deposit.order.orderId,
          holder: 'x',
          channel: 'ONLINE',
          purpose: 'REFUND',
          ttlMs: 1000,
        });
        expect(lock.ok).toBe(true);
        if (lock.ok) await releaseRefundLock(t.db, lock.value);
      }
    });

    it('a refund the acquirer declines (a stub acquirer: the sandbox never declines refunds) releases the lock and records nothing', async () => {
      const deposit = await storeDeposit(500, 500);
      const sandbox = createSandboxAcquirer({ db: t.db });
      const declining = journalWith({
        ...sandbox,
        refund: async () => ({ ok: false, error: domainError('CARD_DECLINED') }),
      });
      const r = await sendMoneyBack(declining, {
        merchantId: M,
        paymentId: deposit.payment.paymentId,
        kind: 'REFUND',
        amount: EUR(500),
        holder: 'online:a',
        channel: 'ONLINE',
      });
      expect(r.ok && r.value.entry.result).toBe('DECLINED');
      expect(r.ok && r.value.entry.error?.code).toBe('CARD_DECLINED');
      const ok = await sendMoneyBack(journalWith(sandbox), {
        merchantId: M,
        paymentId: deposit.payment.paymentId,
        kind: 'REFUND',
        amount: EUR(500),
        holder: 'online:a',
        channel: 'ONLINE',
      });
      expect(ok.ok && ok.value.entry.result).toBe('APPROVED');
    });

    it('a counter refund reservation blocks online refunds until it is confirmed', async () => {
      const journal = journalWith(createSandboxAcquirer({ db: t.db }));
      const deposit = await storeDeposit(2_500, 2_500);
      const paymentId = deposit.payment.paymentId;
      const reserved = await reserveRefund(ledger, {
        merchantId: M,
        paymentId,
        amount: EUR(2_500),
        holder: `terminal:${terminalId}`,
        ttlMs: 30_000,
        source: { channel: 'IN_STORE', terminalId },
      });
      expect(reserved.ok).toBe(true);
      if (!reserved.ok) return;
      const online = await sendMoneyBack(journal, {
        merchantId: M,
        paymentId,
        kind: 'REFUND',
        amount: EUR(100),
        holder: 'online:a',
        channel: 'ONLINE',
      });
      expect(online.ok ? null : online.error.code).toBe('REFUND_ORDER_LOCKED');
      const confirmed = await confirmReservedRefund(ledger, {
        merchantId: M,
        lockId: reserved.value.lockId,
        paymentId,
        amount: EUR(2_500),
        source: { channel: 'IN_STORE', terminalId },
      });
      expect(confirmed.ok && confirmed.value.lockWasHeld).toBe(true);
      const after = await sendMoneyBack(journal, {
        merchantId: M,
        paymentId,
        kind: 'REFUND',
        amount: EUR(1),
        holder: 'online:a',
        channel: 'ONLINE',
      });
      expect(after.ok ? null : after.error.code).toBe('REFUND_EXCEEDS_REFUNDABLE');
      // A reservation above the refundable amount is refused before any lock is taken.
      const over = await reserveRefund(ledger, {
        merchantId: M,
        paymentId,
        amount: EUR(1),
        holder: 'terminal:x',
        ttlMs: 1000,
        source: { channel: 'IN_STORE', terminalId },
      });
      expect(over.ok ? null : over.error.code).toBe('REFUND_EXCEEDS_REFUNDABLE');
      expect(await releaseReservedRefund(ledger, reserved.value.lockId)).toBe(false);
    });

    it.skipIf(kind !== 'postgres')(
      `a writer whose order lock waited for another writer sees what that one committed: a pending payment, a refund${
        kind === 'postgres' ? '' : ' (skipped: PGlite runs one transaction at a time, so no lock ever waits)'
      }`,
      async () => {
        const deposit = await storeDeposit(2_000, 1_000);
        const orderId = deposit.order.orderId;
        /** Runs `write` in a transaction that holds the order lock until a locked load of the order is waiting. */
        async function lockedLoadBehind(write: (tx: Tx) => Promise<void>) {
          let holding!: () => void;
          const held = new Promise<void>((r) => (holding = r));
          let release!: () => void;
          const gate = new Promise<void>((r) => (release = r));
          const first = t.db.transaction(async (tx) => {
            await write(tx);
            holding();
            await gate;
          });
          await held;
          const second = t.db.transaction((tx) => loadOrderInTx(tx, M, orderId, true));
          for (let i = 0; ; i++) {
            const waiting = await t.db.query<{ n: string | number }>(
              `SELECT count(*) AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
               WHERE NOT l.granted AND a.datname = current_database()`,
            );
            if (Number(waiting[0]?.n) > 0) break;
            if (i > 500) throw new Error('the locked load never waited for the lock');
            await new Promise((r) => setTimeout(r, 10));
          }
          release();
          await first;
          return (await second)!;
        }

        const pendingId = terminalPaymentId();
        const afterPending = await lockedLoadBehind(async (tx) => {
          const r = await recordUnknownPaymentInTx(tx, ctx, {
            merchantId: M,
            orderId,
            paymentId: pendingId,
            channel: 'ONLINE',
            requestedMode: 'SALE',
            amount: EUR(500),
          });
          expect(r.ok).toBe(true);
        });
        expect(afterPending.payments.map((p) => p.paymentId)).toContain(pendingId);

        const afterRefund = await lockedLoadBehind(async (tx) => {
          const r = await appendOperationInTx(tx, ctx, {
            merchantId: M,
            paymentId: deposit.payment.paymentId,
            channel: 'ONLINE',
            body: { kind: 'REFUND', amount: EUR(300) },
          });
          expect(r.ok).toBe(true);
        });
        expect(afterRefund.operations.map((s) => s.operation.kind)).toEqual(['SALE', 'REFUND']);
        expect(afterRefund.operations).toHaveLength(afterRefund.order.operationCount);
      },
    );

    it('payment ids the core mints in blocks are unique across concurrent callers and across minters (two processes)', async () => {
      const other = createLedgerService(t.db, ctx);
      const ids = await Promise.all(
        Array.from({ length: 100 }, (_, i) => (i % 2 ? ledger : other).mintPaymentId()),
      );
      expect(new Set(ids).size).toBe(100);
      for (const id of ids) {
        expect(parsePaymentId(id).ok).toBe(true);
        expect(paymentIdIssuer(id)).toBe(1);
      }
    });

    it('the store feed hands out dense positions in commit order under concurrent writers', async () => {
      const before = await storeFeedHead(t.db, storeId);
      const deposits = await Promise.all(Array.from({ length: 6 }, () => storeDeposit(600, 600)));
      const seen: number[] = [];
      let cursor = before;
      const writers = Promise.all(
        deposits.flatMap((d) =>
          Array.from({ length: 3 }, () =>
            writes.refundWithoutLock({
              merchantId: M,
              paymentId: d.payment.paymentId as PaymentId,
              amount: EUR(100),
              channel: 'ONLINE',
            }),
          ),
        ),
      );
      // Read while writing: every page continues exactly where the last ended (no gap, nothing skipped).
      for (let i = 0; i < 20; i++) {
        const page = await readStoreFeed(t.db, storeId, cursor, 100);
        for (const s of page) {
          expect(s.feedPos).toBe(cursor + 1);
          cursor = s.feedPos!;
          seen.push(cursor);
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      await writers;
      const rest = await readStoreFeed(t.db, storeId, cursor, 1000);
      for (const s of rest) {
        expect(s.feedPos).toBe(cursor + 1);
        cursor = s.feedPos!;
      }
      expect(cursor).toBe(await storeFeedHead(t.db, storeId));
      expect(cursor - before).toBe(6 + 18);
    });
  });
}
