/**
 * Sync under faults (issue 9), the harness shared by `test/integration/sync/sync-under-faults.test.ts`
 * (≥ 1,000 operations in CI) and `npm run bench -- faults` (10,000): three counters, each with its own SQLite
 * store and sync daemon, sell, refund and move cash while a proxy between them and the core duplicates
 * requests, cuts answers after the core applied them, delays and replays requests out of order, and
 * partitions the network. After healing, every queue drains; the run answers what the core holds per counter
 * beside what the counter queued, so the caller can check exactly one effect per fact.
 *
 * Runs on PostgreSQL when TEST_DATABASE_URL is set (real concurrency between duplicate requests), else PGlite.
 */
import type { CycleReport, SyncDaemonStatus as SyncStatus } from '../../src-main/sync/daemon';
import { startCounter, type Counter } from '../integration/sync/counter-rig';
import { TEST_DATABASE_URL } from './core-db';
import { startTestCore } from './core-server';
import { startFaultProxy, NO_FAULTS, type FaultStats } from './fault-proxy';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Messages one round of selling queues on one counter, on average: a sale (2), a refund every 3rd, cash every 5th. */
export const MESSAGES_PER_ROUND = 2 + 1 / 3 + 1 / 5;

export interface CounterOutcome {
  terminalId: string;
  queued: number;
  status: SyncStatus;
  /** The core's sync_messages of this terminal by result. */
  messages: { result: string; n: number }[];
  /** What the counter wrote, and what the core holds for this terminal. */
  expected: {
    operations: { kind: string; n: number; total: string }[];
    orders: number;
    cashMovements: number;
  };
  core: { operations: { kind: string; n: number; total: string }[]; orders: number; cashMovements: number };
}

export interface FaultsResult {
  kind: string;
  seconds: number;
  /** From the heal of the faults until every queue was empty. */
  drainSeconds: number;
  operations: number;
  /** Messages the core applied once and accepted, over all counters. */
  appliedOnce: number;
  /** A counter's status while partitioned (after a sync attempt). */
  partitioned: SyncStatus | null;
  counters: CounterOutcome[];
  proxy: FaultStats;
  duplicatesAnswered: number;
  unreachableSeen: boolean;
}

export async function runSyncUnderFaults(options: {
  salesPerCounter: number;
  minFaultyRequests: number;
  /** The round at which the network is cut; it heals 15 rounds later. */
  partitionAt?: number;
}): Promise<FaultsResult> {
  const kind = TEST_DATABASE_URL ? 'postgres' : 'pglite';
  const partitionAt = options.partitionAt ?? 50;
  const core = await startTestCore(kind);
  const reports: CycleReport[] = [];
  const counters: Counter[] = [];
  const proxy = await startFaultProxy({
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
  try {
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
    const started = performance.now();
    for (const c of counters) c.daemon.start();
    let partitioned: SyncStatus | null = null;
    for (let n = 0; n < options.salesPerCounter; n++) {
      for (const [i, c] of counters.entries()) {
        const sale = c.sale(1_000 + n * 10 + i);
        if (n % 3 === 0) c.refundCash(sale, 250);
        if (n % 5 === 0) c.cashMovement(500 + n);
      }
      if (n === partitionAt) await proxy.partition();
      if (n === partitionAt + 15) {
        // While partitioned the counters keep selling, and say they are offline with work queued.
        await counters[0]!.daemon.syncNow();
        partitioned = counters[0]!.daemon.status();
        await proxy.heal();
      }
      // Give the daemons room to push while the counters keep selling.
      await sleep(3);
    }

    // Faults stay on until enough traffic went through them, then the network heals and the queues drain.
    while (proxy.stats.requests < options.minFaultyRequests) {
      await Promise.all(counters.map((c) => c.daemon.syncNow()));
      if (counters.every((c) => c.daemon.status().queued === 0)) {
        for (const c of counters) c.cashMovement(100);
      }
    }
    proxy.setFaults(NO_FAULTS);
    const healed = performance.now();
    for (let round = 0; round < 100; round++) {
      for (const c of counters) await c.daemon.syncNow();
      if (counters.every((c) => c.daemon.status().queued === 0)) break;
    }
    const drainSeconds = (performance.now() - healed) / 1000;
    await proxy.settled();
    const seconds = (performance.now() - started) / 1000;

    const outcomes: CounterOutcome[] = [];
    for (const c of counters) {
      const messages = await core.t.db.query<{ result: string; n: number }>(
        `SELECT result, COUNT(*)::int AS n FROM sync_messages WHERE terminal_id = $1 GROUP BY result`,
        [c.terminalId],
      );
      const operations = await core.t.db.query<{ kind: string; n: number; total: string }>(
        `SELECT kind, COUNT(*)::int AS n, SUM(amount_minor)::text AS total FROM operations
          WHERE terminal_id = $1 GROUP BY kind ORDER BY kind`,
        [c.terminalId],
      );
      const orders = await core.t.db.query<{ n: number }>(
        `SELECT COUNT(*)::int AS n FROM orders WHERE terminal_id = $1`,
        [c.terminalId],
      );
      const cash = await core.t.db.query<{ n: number }>(
        `SELECT COUNT(*)::int AS n FROM cash_movements WHERE terminal_id = $1`,
        [c.terminalId],
      );
      outcomes.push({
        terminalId: c.terminalId,
        queued: c.messageIds.length,
        status: c.daemon.status(),
        messages,
        expected: {
          operations: [
            {
              kind: 'REFUND',
              n: c.refunds.length,
              total: String(c.refunds.reduce((s, r) => s + r.amountMinor, 0)),
            },
            {
              kind: 'SALE',
              n: c.sales.length,
              total: String(c.sales.reduce((s, r) => s + r.amountMinor, 0)),
            },
          ],
          orders: c.sales.length,
          cashMovements: c.cashMovements.length,
        },
        core: { operations, orders: orders[0]!.n, cashMovements: cash[0]!.n },
      });
    }
    const appliedOnce = outcomes.reduce(
      (n, o) => n + (o.messages.length === 1 && o.messages[0]!.result === 'accepted' ? o.messages[0]!.n : 0),
      0,
    );
    return {
      kind,
      seconds,
      drainSeconds,
      operations: outcomes.reduce((n, o) => n + o.queued, 0),
      appliedOnce,
      partitioned,
      counters: outcomes,
      proxy: { ...proxy.stats },
      duplicatesAnswered: reports.reduce((n, r) => n + r.duplicates, 0),
      unreachableSeen: reports.some((r) => r.error?.code === 'CORE_UNREACHABLE'),
    };
  } finally {
    for (const c of counters) await c.close();
    await proxy.close();
    await core.close();
  }
}
