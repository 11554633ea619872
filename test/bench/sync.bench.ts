/**
 * Sync drain: how fast the daemon empties a counter's queue of N operations (real SQLite store, signed HTTP,
 * results recorded, feed pulled) beside the core's own ingest rate for the same kind of messages pushed
 * straight at it in full batches by the bare client (no store, no daemon). Goal (issue 9): ratio ≥ 0.7.
 *
 * The core runs in this process on PostgreSQL when TEST_DATABASE_URL or DATABASE_URL is set, else PGlite.
 * N = BENCH_SYNC_OPERATIONS (default 10,000, the figure; `BENCH_SYNC_OPERATIONS=2000 npm run bench --
 * sync` for a quick run).
 */
import type { BenchFigure } from '../../scripts/bench';
import { MAX_PUSH_BATCH } from '../../src-shared/sync-protocol';
import { pendingOutbox } from '../../src-main/store';
import { startTestCore } from '../helpers/core-server';
import { startCounter, type Counter } from '../integration/sync/counter-rig';

const OPERATIONS = Number(process.env.BENCH_SYNC_OPERATIONS ?? 10_000);

/** OPERATIONS messages queued: sales (2 messages each), written in chunks of one transaction each. */
function fill(c: Counter) {
  for (let done = 0; done < OPERATIONS;) {
    c.db.tx(() => {
      for (let i = 0; i < 250 && done < OPERATIONS; i++, done += 2) c.sale(1_000 + (done % 997));
    });
  }
}

export default async function syncBench(): Promise<BenchFigure[]> {
  const url = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (url && !process.env.TEST_DATABASE_URL) process.env.TEST_DATABASE_URL = url;
  const kind = url ? 'postgres' : 'pglite';
  const core = await startTestCore(kind);
  const direct = await startCounter(core);
  const drained = await startCounter(core);
  const warmUp = await startCounter(core);
  try {
    fill(direct);
    fill(drained);
    // A cold core (JIT, statement caches, pool) would make whichever runs first look slow.
    for (let i = 0; i < 100; i++) warmUp.sale(500);
    await warmUp.daemon.syncNow();

    // The core's own rate: the same messages, full batches, back to back, nothing recorded locally.
    const messages = pendingOutbox(direct.db, OPERATIONS + 10).map((i) => i.message);
    const t0 = performance.now();
    for (let k = 0; k < messages.length; k += MAX_PUSH_BATCH) {
      const r = await direct.client.push(messages.slice(k, k + MAX_PUSH_BATCH));
      if (!r.ok || r.value.results.some((x) => x.status !== 'accepted'))
        throw new Error('direct push failed');
    }
    const ingest = messages.length / ((performance.now() - t0) / 1000);

    const t1 = performance.now();
    const report = await drained.daemon.syncNow();
    const seconds = (performance.now() - t1) / 1000;
    if (report.error || drained.daemon.status().queued !== 0 || report.accepted !== OPERATIONS) {
      throw new Error(`drain incomplete: ${JSON.stringify(report)}`);
    }
    const drain = report.accepted / seconds;
    return [
      {
        name: `sync drain of ${OPERATIONS} queued operations (${kind})`,
        value: drain,
        unit: 'ops/s',
        limit: ingest,
        limitLabel: `the core's ingest of the same messages pushed directly in batches of ${MAX_PUSH_BATCH}; goal ≥ 0.7`,
      },
    ];
  } finally {
    await direct.close();
    await drained.close();
    await warmUp.close();
    await core.close();
  }
}
