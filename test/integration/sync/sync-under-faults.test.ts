/**
 * Sync under faults (issue 9): three counters, each with its own SQLite store and sync daemon, sell, refund
 * and move cash while a proxy between them and the core duplicates requests, cuts answers after the core
 * applied them, delays and replays requests out of order, and partitions the network. After healing, every
 * queue drains and the core holds exactly one effect per fact: no sale twice, no refund twice, none lost.
 *
 * Runs on PostgreSQL when TEST_DATABASE_URL is set (real concurrency between duplicate requests), else PGlite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, NO_FAULTS, type FaultProxy } from '../../helpers/fault-proxy';
import { TEST_DATABASE_URL } from '../../helpers/core-db';
import { startTestCore, type TestCore } from '../../helpers/core-server';
import { startCounter, type Counter } from './counter-rig';
import type { CycleReport } from '../../../src-main/sync/daemon';

const SALES_PER_COUNTER = 140;
const MIN_FAULTY_REQUESTS = 300;
const kind = TEST_DATABASE_URL ? 'postgres' : 'pglite';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`sync under faults, 3 counters, on ${kind}`, () => {
  let core: TestCore;
  let proxy: FaultProxy;
  const counters: Counter[] = [];
  const reports: CycleReport[] = [];

  beforeAll(async () => {
    core = await startTestCore(kind);
    proxy = await startFaultProxy({
      target: core.url,
      seed: 20261126,
      faults: {
        duplicate: 0.1,
        dropResponse: 0.12,
        delay: 0.3,
        maxDelayMs: 25,
        lateReplay: 0.08,
        replayAfterMs: 250,
      },
    });
    for (let i = 0; i < 3; i++) {
      counters.push(
        await startCounter(core, {
          baseUrl: proxy.url,
          timeoutMs: 3_000,
          daemon: {
            backoff: { baseMs: 10, maxMs: 150 },
            intervalMs: 40,
            batchSize: 10,
            onCycle: (r) => reports.push(r),
          },
        }),
      );
    }
  });
  afterAll(async () => {
    for (const c of counters) await c.close();
    await proxy?.close();
    await core?.close();
  });

  it('applies every fact exactly once in the core, and every queue drains after healing', async () => {
    for (const c of counters) c.daemon.start();
    let partitionSeen = false;
    for (let n = 0; n < SALES_PER_COUNTER; n++) {
      for (const [i, c] of counters.entries()) {
        const sale = c.sale(1_000 + n * 10 + i);
        if (n % 3 === 0) c.refundCash(sale, 250);
        if (n % 5 === 0) c.cashMovement(500 + n);
      }
      if (n === 50) await proxy.partition();
      if (n === 50 + 15) {
        // While partitioned the counters keep selling, and say they are offline with work queued.
        await counters[0]!.daemon.syncNow();
        const s = counters[0]!.daemon.status();
        expect(s.online).toBe(false);
        expect(s.queued).toBeGreaterThan(0);
        expect(s.lastError?.code).toBe('CORE_UNREACHABLE');
        partitionSeen = true;
        await proxy.heal();
      }
      // Give the daemons room to push while the counters keep selling.
      await sleep(3);
    }
    expect(partitionSeen).toBe(true);

    // Faults stay on until enough traffic went through them, then the network heals and the queues drain.
    while (proxy.stats.requests < MIN_FAULTY_REQUESTS) {
      await Promise.all(counters.map((c) => c.daemon.syncNow()));
      if (counters.every((c) => c.daemon.status().queued === 0)) {
        for (const c of counters) c.cashMovement(100);
      }
    }
    proxy.setFaults(NO_FAULTS);
    for (let round = 0; round < 100; round++) {
      for (const c of counters) await c.daemon.syncNow();
      if (counters.every((c) => c.daemon.status().queued === 0)) break;
    }
    await proxy.settled();

    const total = counters.reduce((n, c) => n + c.messageIds.length, 0);
    expect(total).toBeGreaterThanOrEqual(1_000);

    for (const c of counters) {
      const status = c.daemon.status();
      expect(status, JSON.stringify(status)).toMatchObject({ queued: 0, openExceptions: 0, online: true });
      expect(status.lastSyncAt).not.toBeNull();

      const messages = await core.t.db.query<{ result: string; n: number }>(
        `SELECT result, COUNT(*)::int AS n FROM sync_messages WHERE terminal_id = $1 GROUP BY result`,
        [c.terminalId],
      );
      expect(messages).toEqual([{ result: 'accepted', n: c.messageIds.length }]);

      const ops = await core.t.db.query<{ kind: string; n: number; total: string }>(
        `SELECT kind, COUNT(*)::int AS n, SUM(amount_minor)::text AS total FROM operations
         WHERE terminal_id = $1 GROUP BY kind ORDER BY kind`,
        [c.terminalId],
      );
      expect(ops).toEqual([
        {
          kind: 'REFUND',
          n: c.refunds.length,
          total: String(c.refunds.reduce((s, r) => s + r.amountMinor, 0)),
        },
        { kind: 'SALE', n: c.sales.length, total: String(c.sales.reduce((s, r) => s + r.amountMinor, 0)) },
      ]);
      const orders = await core.t.db.query<{ n: number }>(
        `SELECT COUNT(*)::int AS n FROM orders WHERE terminal_id = $1`,
        [c.terminalId],
      );
      expect(orders[0]!.n).toBe(c.sales.length);
      const cash = await core.t.db.query<{ n: number }>(
        `SELECT COUNT(*)::int AS n FROM cash_movements WHERE terminal_id = $1`,
        [c.terminalId],
      );
      expect(cash[0]!.n).toBe(c.cashMovements.length);
    }

    // The faults really happened, and the counters really met answers for messages the core already had.
    expect(proxy.stats.duplicated).toBeGreaterThan(10);
    expect(proxy.stats.droppedResponses).toBeGreaterThan(10);
    expect(proxy.stats.lateReplays).toBeGreaterThan(5);
    expect(proxy.stats.partitions).toBe(1);
    expect(reports.reduce((n, r) => n + r.duplicates, 0)).toBeGreaterThan(0);
    expect(reports.some((r) => r.error?.code === 'CORE_UNREACHABLE')).toBe(true);
  }, 240_000);
});
