/**
 * The sync daemon with a real core (PGlite, loopback HTTP) and real SQLite stores: single flight, ordered
 * batches, rejections kept for a manager, retryable rejections kept queued, pulls applied without echo,
 * backoff on injected timers, stop() waiting for the running cycle, and resends under the same message ids.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrderState, openSyncExceptions, pendingOutbox } from '../../../src-main/store';
import { createCoreClient, type CoreClient } from '../../../src-main/sync/core-client';
import { backoffDelay } from '../../../src-main/sync/backoff';
import { createSyncDaemon, type CycleReport, type Timers } from '../../../src-main/sync/daemon';
import { bindSyncStorePort } from '../../../src-main/sync/store-port';
import { startFaultProxy } from '../../helpers/fault-proxy';
import { TEST_DATABASE_URL } from '../../helpers/core-db';
import { startTestCore, type TestCore } from '../../helpers/core-server';
import { startCounter, type Counter } from './counter-rig';

const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' as const });

/** A real client whose pushes wait at a gate the test opens. */
function gated(client: CoreClient) {
  let open: () => void = () => undefined;
  let gate: Promise<void> = new Promise((r) => (open = r));
  const batches: string[][] = [];
  const core: Pick<CoreClient, 'push' | 'changes'> = {
    async push(messages) {
      batches.push(messages.map((m) => String((m as { messageId: string }).messageId)));
      await gate;
      return client.push(messages);
    },
    changes: (after, limit) => client.changes(after, limit),
  };
  return {
    core,
    batches,
    release() {
      open();
    },
    closeGate() {
      gate = new Promise((r) => (open = r));
    },
  };
}

describe('sync daemon against a real core', () => {
  let core: TestCore;
  const counters: Counter[] = [];
  const counter = async (options: Parameters<typeof startCounter>[1] = {}) => {
    const c = await startCounter(core, options);
    counters.push(c);
    return c;
  };

  beforeAll(async () => {
    core = await startTestCore('pglite');
  });
  afterAll(async () => {
    for (const c of counters) await c.close();
    await core?.close();
  });

  it('runs one cycle at a time: wakes during a cycle schedule exactly one more', async () => {
    const c = await counter();
    const g = gated(c.client);
    const reports: CycleReport[] = [];
    const daemon = createSyncDaemon({
      store: bindSyncStorePort(c.db),
      core: g.core,
      onCycle: (r) => reports.push(r),
      // Timers that never fire: only the wakes run cycles here.
      timers: { setTimeout: () => 1, clearTimeout: () => undefined },
    });
    c.sale(1_000);
    daemon.start();
    await new Promise((r) => setTimeout(r, 20));
    expect(daemon.status().running).toBe(true);
    c.sale(2_000); // committed after the running cycle read the outbox
    for (let i = 0; i < 5; i++) daemon.wake();
    const joined = daemon.syncNow();
    g.release();
    const second = await joined;
    await daemon.stop();
    expect(reports).toHaveLength(2);
    expect(second).toBe(reports[1]);
    expect(g.batches.map((b) => b.length)).toEqual([2, 2]);
    expect(reports.map((r) => r.accepted)).toEqual([2, 2]);
    expect(daemon.status()).toMatchObject({ queued: 0, online: true, running: false });
  });

  it('pushes the queue in seq order, in batches, until it is empty', async () => {
    const c = await counter();
    const g = gated(c.client);
    g.release();
    for (let i = 0; i < 22; i++) c.sale(100 + i); // 44 messages
    const daemon = createSyncDaemon({ store: bindSyncStorePort(c.db), core: g.core, batchSize: 20 });
    const report = await daemon.syncNow();
    expect(report).toMatchObject({ accepted: 44, duplicates: 0, rejected: 0, error: null });
    expect(g.batches.map((b) => b.length)).toEqual([20, 20, 4]);
    expect(g.batches.flat()).toEqual(c.messageIds);
    expect(pendingOutbox(c.db, 100)).toEqual([]);
    expect(daemon.status().lastSyncAt).not.toBeNull();
  });

  it('turns a final rejection into an exception with the order attached, and pushes what follows', async () => {
    const c = await counter();
    const sale = c.sale(1_000);
    c.refundCash(sale, 5_000); // more than was paid: the core refuses it for good
    c.cashMovement(300);
    const report = await c.daemon.syncNow();
    expect(report).toMatchObject({ accepted: 3, rejected: 1, error: null });
    const [exception, ...more] = openSyncExceptions(c.db);
    expect(more).toEqual([]);
    expect(exception).toMatchObject({ code: 'REFUND_EXCEEDS_REFUNDABLE', orderId: sale.orderId });
    expect(JSON.stringify(exception!.orderSnapshot)).toContain(sale.paymentId);
    expect(c.daemon.status()).toMatchObject({ queued: 0, openExceptions: 1 });
  });

  it('keeps a refund queued while the order is locked elsewhere, and sends it once the lock is free', async () => {
    const c = await counter();
    const sale = c.sale(4_000);
    expect((await c.daemon.syncNow()).error).toBeNull();
    const reservationId = '01a21800-0000-7000-8000-000000000001';
    const held = await c.client.reserveRefund({
      reservationId,
      paymentId: sale.paymentId,
      amount: eur(1_000),
    });
    expect(held.ok).toBe(true);
    c.refundCash(sale, 500);
    const blocked = await c.daemon.syncNow();
    expect(blocked).toMatchObject({ retryLater: 1, rejected: 0, error: { code: 'REFUND_ORDER_LOCKED' } });
    expect(c.daemon.status()).toMatchObject({ queued: 1, openExceptions: 0 });
    expect(pendingOutbox(c.db, 10)[0]).toMatchObject({ kind: 'REFUND', attempts: 1 });
    await c.client.releaseReservation(reservationId);
    expect(await c.daemon.syncNow()).toMatchObject({ accepted: 1, error: null });
    expect(c.daemon.status()).toMatchObject({ queued: 0, openExceptions: 0 });
  });

  it('applies what other channels did from the feed, without queueing anything back', async () => {
    const c = await counter();
    const sale = c.sale(3_000);
    await c.daemon.syncNow();
    const refund = await core.raw('POST', `/v2/${core.merchantId}/payments/${sale.paymentId}/refund`, {
      body: { amountOfMoney: { amount: 700, currencyCode: 'EUR' } },
    });
    expect(refund.status).toBe(201);
    const report = await c.daemon.syncNow();
    expect(report.pulledChanges).toBeGreaterThanOrEqual(1);
    const state = loadOrderState(c.db, sale.orderId)!;
    const kinds = state.payments.flatMap((p) => p.operations.map((o) => [o.kind, o.channel]));
    expect(kinds).toContainEqual(['REFUND', 'ONLINE']);
    expect(pendingOutbox(c.db, 10)).toEqual([]);
  });

  it('resends under the same message ids after losing the answer, and the core answers duplicate', async () => {
    const proxy = await startFaultProxy({ target: core.url, seed: 1, faults: { dropResponse: 1 } });
    try {
      const c = await counter({ baseUrl: proxy.url });
      c.sale(1_200);
      c.cashMovement(50);
      const lost = await c.daemon.syncNow();
      expect(lost.error?.code).toBe('CORE_UNREACHABLE');
      const queued = pendingOutbox(c.db, 10);
      expect(queued.map((i) => i.messageId)).toEqual(c.messageIds);
      expect(queued.every((i) => i.attempts === 1)).toBe(true);
      proxy.setFaults({ dropResponse: 0 });
      const resent = await c.daemon.syncNow();
      expect(resent).toMatchObject({ accepted: 0, duplicates: 3, error: null });
      const rows = await core.t.db.query<{ n: number }>(
        'SELECT COUNT(*)::int AS n FROM sync_messages WHERE terminal_id = $1',
        [c.terminalId],
      );
      expect(rows[0]!.n).toBe(3);
    } finally {
      await proxy.close();
    }
  });

  it('backs off with capped jittered delays while the core is unreachable, and resets after success', async () => {
    const scheduled: { fn: () => void; ms: number }[] = [];
    const timers: Timers = {
      setTimeout: (fn, ms) => scheduled.push({ fn, ms }),
      clearTimeout: () => undefined,
    };
    const c = await counter();
    const offline = createCoreClient({ baseUrl: 'http://127.0.0.1:1', keyId: 'k', secret: 's' });
    let reachable = false;
    const cycles: CycleReport[] = [];
    const daemon = createSyncDaemon({
      store: bindSyncStorePort(c.db),
      core: {
        push: (m) => (reachable ? c.client : offline).push(m),
        changes: (a, l) => (reachable ? c.client : offline).changes(a, l),
      },
      timers,
      random: () => 0.5,
      backoff: { baseMs: 100, maxMs: 1_000 },
      intervalMs: 60_000,
      onCycle: (r) => cycles.push(r),
    });
    c.sale(900);
    daemon.start();
    const nextCycle = async () => {
      const before = cycles.length;
      scheduled.at(-1)!.fn();
      while (cycles.length === before) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setImmediate(r));
    };
    while (scheduled.length === 0) await new Promise((r) => setTimeout(r, 5));
    for (let i = 0; i < 5; i++) await nextCycle();
    expect(scheduled.map((s) => s.ms)).toEqual(
      [1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, 0.5, { baseMs: 100, maxMs: 1_000 })),
    );
    expect(scheduled.map((s) => s.ms)).toEqual([75, 150, 300, 600, 750, 750]);
    expect(daemon.status()).toMatchObject({
      online: false,
      consecutiveFailures: 6,
      backoffMs: 750,
      queued: 2,
    });
    c.sale(100);
    daemon.wake(); // backing off: a new sale does not cut the wait short
    expect(scheduled).toHaveLength(6);
    reachable = true;
    await nextCycle();
    expect(cycles.at(-1)).toMatchObject({ accepted: 4, error: null });
    expect(scheduled.at(-1)!.ms).toBe(60_000);
    expect(daemon.status()).toMatchObject({ online: true, consecutiveFailures: 0, backoffMs: 0, queued: 0 });
    await daemon.stop();
  });

  it('keeps running cycles when a cycle listener throws', async () => {
    const c = await counter();
    const daemon = createSyncDaemon({
      store: bindSyncStorePort(c.db),
      core: c.client,
      onCycle: () => {
        throw new Error('listener bug');
      },
    });
    c.sale(700);
    expect((await daemon.syncNow()).accepted).toBe(2);
    c.sale(800);
    expect((await daemon.syncNow()).accepted).toBe(2);
    expect(daemon.status().running).toBe(false);
  });

  it('stop() waits for the running cycle and schedules nothing after it', async () => {
    const c = await counter();
    const g = gated(c.client);
    const scheduled: number[] = [];
    const daemon = createSyncDaemon({
      store: bindSyncStorePort(c.db),
      core: g.core,
      timers: { setTimeout: (_fn, ms) => scheduled.push(ms), clearTimeout: () => undefined },
    });
    c.sale(500);
    daemon.start();
    await new Promise((r) => setTimeout(r, 20));
    let stopped = false;
    const stopping = daemon.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(stopped).toBe(false);
    g.release();
    await stopping;
    expect(daemon.status()).toMatchObject({ running: false, queued: 0 });
    expect(scheduled).toEqual([]);
    daemon.wake();
    expect(daemon.status().running).toBe(false);
  });
});

describe.skipIf(!TEST_DATABASE_URL)(
  `sync daemon and a copy of its message still in flight (PostgreSQL)${
    TEST_DATABASE_URL ? '' : ' (skipped: TEST_DATABASE_URL is not set; CI sets it, see .ci/run)'
  }`,
  () => {
    let core: TestCore;
    beforeAll(async () => {
      core = await startTestCore('postgres');
    });
    afterAll(async () => {
      await core?.close();
    });

    it('does not turn the answer to a racing copy into an exception for a manager', async () => {
      // Two concurrent pushes of one ORDER_CREATED: the core answers one `accepted` and the other
      // `rejected ORDER_ALREADY_EXISTS` (final). The daemon confirms a final rejection before keeping it.
      const c = await startCounter(core);
      try {
        for (let i = 0; i < 10; i++) {
          c.sale(100 + i);
          const copy = pendingOutbox(c.db, 10).map((m) => m.message);
          const [, report] = await Promise.all([c.client.push(copy), c.daemon.syncNow()]);
          expect(report.error).toBeNull();
        }
        expect(openSyncExceptions(c.db)).toEqual([]);
        expect(c.daemon.status()).toMatchObject({ queued: 0, openExceptions: 0 });
        const orders = await core.t.db.query<{ n: number }>(
          'SELECT COUNT(*)::int AS n FROM orders WHERE terminal_id = $1',
          [c.terminalId],
        );
        expect(orders[0]!.n).toBe(10);
      } finally {
        await c.close();
      }
    });
  },
);
