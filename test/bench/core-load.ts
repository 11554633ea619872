/**
 * Load shapes and counters for core.bench.ts: a closed loop (N clients, each sending its next request when the
 * last one answered: measures saturation), an open loop (requests at a constant arrival rate whatever the
 * answers do, latency measured from the moment each was due, so queueing is not hidden), and a database
 * wrapper that counts the statements and commits the core issues (all of them, and those that wrote).
 */
import pg from 'pg';
import type { Db, Tx } from '../../src-core/db/adapter';

export interface Run {
  perSecond: number;
  p50: number;
  p99: number;
  failures: number;
  requests: number;
}

function summarise(latencies: number[], failures: number, seconds: number): Run {
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    perSecond: (latencies.length - failures) / seconds,
    p50: at(0.5),
    p99: at(0.99),
    failures,
    requests: latencies.length,
  };
}

/** Runs `op(client)` in a loop on `clients` concurrent clients for `durationMs`; latencies in ms. */
export async function closedLoop(
  clients: number,
  durationMs: number,
  op: (client: number) => Promise<boolean>,
): Promise<Run> {
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  const end = started + durationMs;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (performance.now() < end) {
        const t0 = performance.now();
        const ok = await op(client);
        latencies.push(performance.now() - t0);
        if (!ok) failures++;
      }
    }),
  );
  return summarise(latencies, failures, (performance.now() - started) / 1000);
}

/**
 * Sends request i at `start + i / ratePerSecond` for `durationMs`, never waiting for earlier answers; a
 * request's latency runs from when it was due (not when the timer got round to it), so a stalled client or
 * server shows as latency (no coordinated omission).
 */
export async function openLoop(
  ratePerSecond: number,
  durationMs: number,
  op: (i: number) => Promise<boolean>,
): Promise<Run> {
  const latencies: number[] = [];
  let failures = 0;
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  const total = Math.max(1, Math.floor((ratePerSecond * durationMs) / 1000));
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / ratePerSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(
      op(i).then(
        (ok) => {
          latencies.push(performance.now() - due);
          if (!ok) failures++;
        },
        () => {
          latencies.push(performance.now() - due);
          failures++;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  return summarise(latencies, failures, (performance.now() - start) / 1000);
}

export interface Counts {
  statements: number;
  commits: number;
  /** Commits that wrote or locked a row (they get a transaction id and flush the WAL); reads commit too. */
  writeCommits: number;
}

/** A statement that writes or locks rows (locking assigns a transaction id, as a write does). */
const WRITES = /\b(INSERT|UPDATE|DELETE|FOR SHARE)\b/i;

/**
 * The core's database, counting what it sends: every statement (BEGIN/COMMIT not included) and every commit
 * (a transaction that committed, or a statement run outside one, which PostgreSQL commits on its own).
 */
export function countingDb(db: Db): { db: Db; counts: Counts } {
  const counts: Counts = { statements: 0, commits: 0, writeCommits: 0 };
  const counted: Db = {
    kind: db.kind,
    async query(sql, params) {
      counts.statements++;
      const rows = await db.query(sql, params);
      counts.commits++;
      if (WRITES.test(sql)) counts.writeCommits++;
      return rows as never;
    },
    async transaction(fn) {
      let wrote = false;
      const value = await db.transaction((tx: Tx) => {
        wrote = false;
        return fn({
          query(sql, params) {
            counts.statements++;
            if (WRITES.test(sql)) wrote = true;
            return tx.query(sql, params);
          },
        });
      });
      counts.commits++;
      if (wrote) counts.writeCommits++;
      return value;
    },
    exec: (sql) => db.exec(sql),
    listen: (channels, handlers) => db.listen(channels, handlers),
    close: () => db.close(),
  };
  return { db: counted, counts };
}

/**
 * Transactions PostgreSQL committed in the database so far (pg_stat_database.xact_commit). A backend reports
 * its counts when it ends at the latest, so read this after the pools that did the work were closed; the
 * reading connection's own transaction is counted in the next reading.
 */
export async function databaseCommits(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await new Promise((r) => setTimeout(r, 300));
    const r = await client.query<{ n: string }>(
      'SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()',
    );
    return Number(r.rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}
