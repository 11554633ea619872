/**
 * Long-poll pull (`GET /sync/v1/changes?after=N&waitSeconds=S`): a counter waiting on its store's feed sees an
 * online refund of one of the store's orders within a second, on PGlite and PostgreSQL, and on PostgreSQL also
 * when the refund is made through a second core process; a pull with nothing new answers an empty page once
 * the wait is over; many waiting pulls hold no database connection (more waiters than the pool has
 * connections, and the refund still goes through at once). Delays are measured from the refund's answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'onlinepayments-sdk-nodejs';
import { createStore, enrollTerminal } from '../../../src-core/accounts/accounts';
import { createLedgerContext } from '../../../src-core/ledger/context';
import { SyncPullResponseSchema, type SyncPullResponse } from '../../../src-shared/sync-protocol';
import { DATABASE_KINDS, POSTGRES_SKIP_REASON } from '../../helpers/core-db';
import { spawnCore, type CoreProcess } from '../../helpers/core-process';
import { seedPostgresMerchant, type SeededMerchant } from '../../helpers/core-seed';
import { sdkClient, startTestCore, type TestCore } from '../../helpers/core-server';
import { testTerminal, type TestTerminal } from '../../helpers/terminal-sync';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Within "a second" on a loaded 2-core build machine. */
const WOKEN_WITHIN_MS = 1_000;

/** A pull that waits; resolves with the page and when it arrived. */
async function waitingPull(
  term: TestTerminal,
  after: number,
  waitSeconds: number,
): Promise<{ page: SyncPullResponse; at: number }> {
  const r = await term.raw('GET', `/sync/v1/changes?after=${after}&waitSeconds=${waitSeconds}`);
  const at = performance.now();
  expect(r.status, r.text).toBe(200);
  const parsed = SyncPullResponseSchema.safeParse(r.body);
  expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
  return { page: parsed.data!, at };
}

/** Settled or not, without waiting. */
const settled = async (p: Promise<unknown>) =>
  Promise.race([p.then(() => true), new Promise<boolean>((r) => setImmediate(() => r(false)))]);

async function refundOnline(sdk: Client, merchantId: string, paymentId: string, amount: number) {
  const r = await sdk.payments.refundPayment(merchantId, paymentId, {
    amountOfMoney: { amount, currencyCode: 'EUR' },
  });
  const at = performance.now();
  expect(r.isSuccess, JSON.stringify(r.body)).toBe(true);
  return at;
}

/** The refund the waiting counter was told about, and the refundable amount it now shows. */
function expectRefundSeen(page: SyncPullResponse, paymentId: string, amount: number, paid: number) {
  const refund = page.changes.find((c) => c.operation.kind === 'REFUND');
  expect(refund?.operation).toMatchObject({ kind: 'REFUND', amount: { amountMinor: amount } });
  const order = page.orders.find((o) => o.orderId === refund!.orderId)!;
  expect(order.payments.find((p) => p.paymentId === paymentId)?.refundable.amountMinor).toBe(paid - amount);
}

for (const { kind, skip } of DATABASE_KINDS) {
  describe.skipIf(skip !== null)(`long-poll pull on ${kind}${skip ? ` (${skip})` : ''}`, () => {
    let core: TestCore;
    let term: TestTerminal;
    beforeAll(async () => {
      core = await startTestCore(kind);
      term = testTerminal(core.url, core.terminal);
    });
    afterAll(async () => {
      await core?.close();
    });
    const head = async () => (await waitingPull(term, 0, 0)).page.head;

    it('a waiting pull returns within a second of an online refund on one of the store’s orders', async () => {
      const sale = await term.sale({ total: 5_000, paid: 5_000 });
      const cursor = await head();
      const started = performance.now();
      const pull = waitingPull(term, cursor, 20);
      await sleep(400);
      expect(await settled(pull)).toBe(false);
      const refunded = await refundOnline(core.sdk, core.merchantId, sale.paymentId, 700);
      const { page, at } = await pull;
      const delay = at - refunded;
      console.log(
        `long poll on ${kind}: woken ${delay.toFixed(1)} ms after the refund was answered (waited ${(at - started).toFixed(0)} ms)`,
      );
      expect(delay).toBeLessThan(WOKEN_WITHIN_MS);
      expectRefundSeen(page, sale.paymentId, 700, 5_000);
      expect(page.nextCursor).toBeGreaterThan(cursor);
    });

    it('with nothing new, answers an empty page once the wait is over; with something new, at once', async () => {
      const cursor = await head();
      const started = performance.now();
      const { page, at } = await waitingPull(term, cursor, 1);
      const waited = at - started;
      console.log(
        `long poll on ${kind}: nothing new, answered after ${waited.toFixed(0)} ms (waitSeconds=1)`,
      );
      expect(waited).toBeGreaterThanOrEqual(990);
      expect(waited).toBeLessThan(3_000);
      expect(page).toMatchObject({ after: cursor, nextCursor: cursor, changes: [], hasMore: false });

      const sale = await term.sale({ total: 1_000, paid: 1_000 });
      await refundOnline(core.sdk, core.merchantId, sale.paymentId, 100);
      const before = performance.now();
      const ready = await waitingPull(term, cursor, 20);
      expect(ready.at - before).toBeLessThan(WOKEN_WITHIN_MS);
      expectRefundSeen(ready.page, sale.paymentId, 100, 1_000);
    });

    it('a wait longer than the maximum is refused with what the limit is', async () => {
      const r = await term.raw('GET', '/sync/v1/changes?after=0&waitSeconds=31');
      expect(r.status).toBe(400);
      expect((r.body as { errors: { propertyName: string; message: string }[] }).errors[0]).toMatchObject({
        propertyName: 'query.waitSeconds',
      });
    });

    it('60 waiting pulls (the pool has 20 connections) hold none: the refund goes through and wakes them all', async () => {
      const sale = await term.sale({ total: 9_000, paid: 9_000 });
      const cursor = await head();
      const pulls = Array.from({ length: 60 }, () => waitingPull(term, cursor, 20));
      await sleep(1_000);
      if (kind === 'postgres') {
        // Every connection of the core's pool is idle while they wait (none in a query or a transaction).
        const busy = await core.t.db.query<{ n: string | number }>(
          `SELECT count(*) AS n FROM pg_stat_activity
           WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'`,
        );
        expect(Number(busy[0]!.n)).toBe(0);
      }
      for (const p of pulls) expect(await settled(p)).toBe(false);
      const refunded = await refundOnline(core.sdk, core.merchantId, sale.paymentId, 900);
      const answered = await Promise.all(pulls);
      const slowest = Math.max(...answered.map((a) => a.at)) - refunded;
      console.log(
        `long poll on ${kind}: 60 waiters all answered within ${slowest.toFixed(1)} ms of the refund`,
      );
      expect(slowest).toBeLessThan(2 * WOKEN_WITHIN_MS);
      for (const { page } of answered) expectRefundSeen(page, sale.paymentId, 900, 9_000);
    });
  });
}

describe('long-poll pull and shutdown', () => {
  it('a closing server answers its waiting pulls at once instead of holding the shutdown up', async () => {
    const core = await startTestCore('pglite');
    try {
      const term = testTerminal(core.url, core.terminal);
      const pull = waitingPull(term, 0, 25);
      await sleep(300);
      expect(await settled(pull)).toBe(false);
      const closing = performance.now();
      const closed = core.close();
      const { page, at } = await pull;
      await closed;
      console.log(`long poll at shutdown: answered ${(at - closing).toFixed(1)} ms after close began`);
      expect(at - closing).toBeLessThan(WOKEN_WITHIN_MS);
      expect(page).toMatchObject({ after: 0, nextCursor: 0, changes: [] });
    } catch (e) {
      await core.close().catch(() => undefined);
      throw e;
    }
  });
});

describe.skipIf(POSTGRES_SKIP_REASON !== null)(
  `long-poll pull across two core processes on one PostgreSQL${POSTGRES_SKIP_REASON ? ` (${POSTGRES_SKIP_REASON})` : ''}`,
  () => {
    let seeded: SeededMerchant;
    const cores: CoreProcess[] = [];
    const M = 'MLONGPOLL';

    beforeAll(async () => {
      seeded = await seedPostgresMerchant(M, 'Long poll');
      const env = { ...seeded.coreEnv, LOG_REQUESTS: '0', DATABASE_POOL_SIZE: '4' };
      cores.push(...(await Promise.all([spawnCore(env), spawnCore(env)])));
    });
    afterAll(async () => {
      for (const c of cores) await c.stop();
      await seeded?.dispose();
    });

    it('a pull waiting on process A sees a refund made through process B within a second', async () => {
      const ctx = createLedgerContext();
      const store = await createStore(seeded.db, ctx, { merchantId: M, name: 'Two processes street' });
      if (!store.ok) throw new Error(store.error.message);
      const enrolled = await enrollTerminal(seeded.db, ctx, seeded.keyring, {
        merchantId: M,
        store: store.value.storeId,
      });
      if (!enrolled.ok) throw new Error(enrolled.error.message);
      const [a, b] = cores as [CoreProcess, CoreProcess];
      const term = testTerminal(`http://127.0.0.1:${a.port}`, enrolled.value);
      const sale = await term.sale({ total: 4_000, paid: 4_000 });
      const cursor = (await waitingPull(term, 0, 0)).page.head;
      const pull = waitingPull(term, cursor, 20);
      await sleep(400);
      expect(await settled(pull)).toBe(false);
      const viaB = sdkClient(b.port, seeded.key.keyId, seeded.key.secret);
      const refunded = await refundOnline(viaB, M, sale.paymentId, 400);
      const { page, at } = await pull;
      console.log(
        `long poll across processes: woken on A ${(at - refunded).toFixed(1)} ms after B answered the refund`,
      );
      expect(at - refunded).toBeLessThan(WOKEN_WITHIN_MS);
      expectRefundSeen(page, sale.paymentId, 400, 4_000);
    });
  },
);
