/**
 * The core on PostgreSQL, per money path (refund; subsequent payment), through the online API (signed HTTP):
 * - saturation: requests/s at 32 concurrent clients (closed loop) against a core process of its own, beside
 *   the same machine's raw PostgreSQL rate for one comparable commit (BEGIN; SELECT … FOR UPDATE; INSERT;
 *   UPDATE; COMMIT, pgbench-like) through the core's own database layer, with the core's pool size and the
 *   same 32 concurrent clients, measured in the same run after the core stopped, with the ratio;
 * - the CPU one request costs at saturation: the core process, the database's PostgreSQL backends and the
 *   load generator (from /proc; Linux), beside the same for one raw transaction;
 * - payment reads (GET) at saturation and their CPU: an authenticated request and a whole-order read;
 * - the money floor: the least a journaled refund and subsequent payment cost here (money-floor-server.ts:
 *   signed HTTP, the journal row with the rules checked in SQL, the recording, two statements and two commits,
 *   no order read), then with what the core adds one at a time (each write in a transaction; the order row
 *   locked before the journal row; the core's locked whole-order load instead): how far the core is from what
 *   this machine allows, and what each piece costs;
 * - per money path, the machine CPU one request costs (all three processes) beside the budget issue 8's target
 *   (0.25 × the raw rate) leaves it on this machine's cores: the gap in CPU, steadier than the rate ratio;
 * - the latency a merchant sees under normal load: an open loop (constant arrival rate) at half the measured
 *   saturation, p50/p99 measured from when each request was due;
 * - the cost of one request: statements, round trips (writes to PostgreSQL's socket) and commits the core
 *   sends (a counting database wrapper, in an in-process core on the same database), and commits PostgreSQL
 *   saw (pg_stat_database.xact_commit: includes anything else that wrote to the database meanwhile, e.g. the
 *   sandbox acquirer's records when they live there), one request at a time; and at saturation, how many
 *   recordings shared each commit (operations recorded ÷ the transactions that wrote them; db/shared-commits.ts).
 * Needs TEST_DATABASE_URL or DATABASE_URL (a server it may create a database on). BENCH_DURATION_MS sets each
 * run's length (default 6 s). The sandbox acquirer keeps its records in a file of its own
 * (SANDBOX_ACQUIRER_FILE), as a separate acquirer would; BENCH_SANDBOX=database puts them in the core's
 * database instead (the layout before issue 8), to compare. BENCH_PG_SCHED=batch runs PostgreSQL's processes
 * as SCHED_BATCH for the run (the raw rate too) and restores them after (`postgresScheduling`); the policy
 * of the backends is printed beside the core's thread's wait for a CPU, either way.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import type { BenchFigure } from '../../scripts/bench';
import { createSandboxAcquirer } from '../../src-core/acquirer/sandbox';
import { fileSandboxRecords } from '../../src-core/acquirer/sandbox-file-records';
import { createApiKey, createMerchant } from '../../src-core/accounts/accounts';
import { migrate } from '../../src-core/db/migrations';
import { openPostgres } from '../../src-core/db/postgres';
import { startCoreInstance } from '../../src-core/idempotence/claim-liveness';
import { createLedgerContext } from '../../src-core/ledger/context';
import { createLedgerService } from '../../src-core/ledger/service';
import { createKeyring } from '../../src-core/security/keyring';
import { buildCoreServer } from '../../src-core/server';
import { acquirerAmountOutcome, testCardById } from '../../src-shared';
import { createPostgresDatabase } from '../helpers/core-db';
import { spawnCore } from '../helpers/core-process';
import { startCore } from '../../scripts/core-process';
import { FLOOR_VARIANTS, type FloorVariant } from './money-floor-server';
import pg from 'pg';
import { lastStatement } from '../../src-core/db/adapter';
import {
  closedLoop,
  countingDb,
  databaseCommits,
  openLoop,
  processCpuMs,
  mainThreadSchedMs,
  processTreeCpuMs,
  schedulingOf,
  signedHttp,
  stopCountingRoundTrips,
  type Run,
  type SignedSend,
} from './core-load';

const CLIENTS = 32;
/** The machine's cores: the CPU budget a request has at a given rate. */
const CORES = availableParallelism();
/**
 * Orders each client rotates over. Enough that an order stays the size real ones have through the whole run
 * (at ~500 requests/s, 12 s per path: about 3 refunds, then about 3 subsequent payments per order); with 8,
 * as before, they grew to ~20 refunds and ~17 payments each, and every request paid for reading all of
 * them (docs/core.md "What a refund can cost at best"). BENCH_ORDERS_PER_CLIENT=8 repeats that run.
 */
const ORDERS_PER_CLIENT = Number(process.env.BENCH_ORDERS_PER_CLIENT ?? 64);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 6_000);
/** Requests per path in the counting run (sequential, one at a time). */
const COUNTED = 60;
const SANDBOX_IN_DATABASE = process.env.BENCH_SANDBOX === 'database';
/**
 * BENCH_CORE_ROOT: run the core process of another checkout (e.g. an older commit, for an A/B against the
 * same load, the same raw transaction and the same machine state); the per-request counts still come from
 * this checkout's code.
 */
const CORE_ROOT = process.env.BENCH_CORE_ROOT || undefined;

type Path = 'refund' | 'subsequent';

/** What a request spent while `fn` ran: CPU of the core process (tree), the database's backends and this process; WAL. */
interface Spent {
  core: number | null;
  postgres: number | null;
  loadGenerator: number;
  /** WAL the whole cluster wrote per request meanwhile (`pg_current_wal_lsn`; full-page images included). */
  walBytes: number;
  /**
   * The core's main thread, per second of the run: ms on a CPU, and ms runnable but waiting for one (Linux
   * schedstat); null when unreadable.
   */
  coreThread: { runningMs: number; waitingMs: number } | null;
}

/**
 * PostgreSQL backends of the database `admin` is connected to (other than its own) and their CPU so far;
 * backends that start later count from 0.
 */
async function backendsCpu(admin: pg.Client): Promise<Map<number, number>> {
  const r = await admin.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
  );
  const cpu = new Map<number, number>();
  for (const { pid } of r.rows) {
    const ms = processCpuMs(pid);
    if (ms !== null) cpu.set(pid, ms);
  }
  return cpu;
}

/** Runs `fn` and reads the CPU the core, PostgreSQL's backends and this process used per request meanwhile. */
async function measured<T extends Run>(
  url: string,
  corePid: number | null,
  fn: () => Promise<T>,
): Promise<{ run: T; cpu: Spent }> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const lsn = async () =>
      (await admin.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0]!.lsn;
    const pg0 = await backendsCpu(admin);
    const wal0 = await lsn();
    const core0 = corePid === null ? null : processTreeCpuMs(corePid);
    const thread0 = corePid === null ? null : mainThreadSchedMs(corePid);
    const self0 = process.cpuUsage();
    const wall0 = performance.now();
    const run = await fn();
    const seconds = (performance.now() - wall0) / 1000;
    const self = process.cpuUsage(self0);
    const core1 = corePid === null ? null : processTreeCpuMs(corePid);
    const thread1 = corePid === null ? null : mainThreadSchedMs(corePid);
    const wal = await admin.query<{ bytes: string }>(
      'SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::text AS bytes',
      [wal0],
    );
    const pg1 = await backendsCpu(admin);
    let postgres: number | null = pg1.size > 0 ? 0 : null;
    for (const [pid, ms] of pg1) if (postgres !== null) postgres += ms - (pg0.get(pid) ?? 0);
    const n = Math.max(1, run.requests);
    return {
      run,
      cpu: {
        core: core0 !== null && core1 !== null ? (core1 - core0) / n : null,
        postgres: postgres === null ? null : postgres / n,
        loadGenerator: (self.user + self.system) / 1000 / n,
        walBytes: Number(wal.rows[0]!.bytes) / n,
        coreThread:
          thread0 && thread1
            ? {
                runningMs: (thread1.runningMs - thread0.runningMs) / seconds,
                waitingMs: (thread1.waitingMs - thread0.waitingMs) / seconds,
              }
            : null,
      },
    };
  } finally {
    await admin.end();
  }
}

/**
 * The limit: one comparable commit, pgbench-like (BEGIN; SELECT … FOR UPDATE; INSERT; UPDATE; COMMIT), each
 * client on its own row, through the same database layer the core uses (`openPostgres`: prepared,
 * pipelined statements; BEGIN goes out with the SELECT and COMMIT with the UPDATE, as the core's
 * transactions do), with the core's pool size and the same number of concurrent clients, in this process.
 */
async function rawPostgres(url: string): Promise<{ run: Run; cpu: Spent }> {
  const db = openPostgres({ connectionString: url, max: CLIENTS });
  await db.exec(`CREATE TABLE bench_accounts (id int PRIMARY KEY, balance bigint NOT NULL);
    CREATE TABLE bench_history (id bigserial PRIMARY KEY, account int NOT NULL, delta bigint NOT NULL, at timestamptz NOT NULL DEFAULT now());
    INSERT INTO bench_accounts SELECT g, 0 FROM generate_series(0, ${CLIENTS - 1}) g;`);
  const transaction = (client: number) =>
    db.transaction(async (tx) => {
      await tx.query('SELECT balance FROM bench_accounts WHERE id = $1 FOR UPDATE', [client]);
      await tx.query('INSERT INTO bench_history (account, delta) VALUES ($1, 1)', [client]);
      await lastStatement(tx).query('UPDATE bench_accounts SET balance = balance + 1 WHERE id = $1', [
        client,
      ]);
    });
  // Open the pool's connections first, so the measured run does not pay for them.
  await Promise.all(Array.from({ length: CLIENTS }, (_, c) => transaction(c)));
  const raw = await measured(url, null, () =>
    closedLoop(CLIENTS, DURATION_MS, async (client) => {
      await transaction(client);
      return true;
    }),
  );
  await db.close();
  return raw;
}

/**
 * Operations recorded in a time window per transaction that wrote them (an operation row is never updated, so
 * its xmin is the transaction that recorded it): above 1 where recordings shared a commit.
 */
async function recordingsPerCommit(url: string, since: Date, until: Date): Promise<number> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ n: number; commits: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT xmin::text)::int AS commits
         FROM operations WHERE recorded_at >= $1 AND recorded_at < $2`,
      [since, until],
    );
    const { n, commits } = rows[0]!;
    return commits > 0 ? n / commits : NaN;
  } finally {
    await admin.end();
  }
}

/**
 * One request of a path on a payment; refunds of distinct amounts, so none is an accidental repeat, and none
 * of the sandbox acquirer's test amounts (a refund it declines or never answers is no measure of the core).
 */
function requester(send: SignedSend, base: string, firstAmount = 1) {
  let seq = firstAmount - 1;
  return async (path: Path, paymentId: string): Promise<boolean> => {
    seq++;
    while (acquirerAmountOutcome(seq) !== null) seq++;
    const r =
      path === 'refund'
        ? await send('POST', `${base}/payments/${paymentId}/refund`, {
            amountOfMoney: { amount: seq, currencyCode: 'EUR' },
          })
        : await send('POST', `${base}/payments/${paymentId}/subsequent`, {
            order: { amountOfMoney: { amount: 100, currencyCode: 'EUR' } },
          });
    return r.status === 201;
  };
}

async function makeSales(send: SignedSend, base: string, n: number): Promise<string[]> {
  const visa = testCardById('visa-approve')!;
  return Promise.all(
    Array.from({ length: n }, async () => {
      const r = await send('POST', `${base}/payments`, {
        order: { amountOfMoney: { amount: 100_000_000, currencyCode: 'EUR' } },
        cardPaymentMethodSpecificInput: {
          card: { cardNumber: visa.pan, expiryDate: visa.expiry, cvv: '123' },
          unscheduledCardOnFileRequestor: 'cardholderInitiated',
          unscheduledCardOnFileSequenceIndicator: 'first',
        },
      });
      if (r.status !== 201) throw new Error(`sale failed: ${r.body}`);
      return (JSON.parse(r.body) as { payment: { id: string } }).payment.id;
    }),
  );
}

interface Cost {
  statements: number;
  roundTrips: number;
  commits: number;
  writeCommits: number;
  databaseCommits: number;
}

/**
 * Statements and commits per request: an in-process core (as main.ts composes it) on a counting wrapper of
 * its database, `COUNTED` requests one at a time. PostgreSQL's own count is read before the core starts and
 * after it stopped (backends report when they end); a run with no requests gives the start/stop overhead.
 */
async function cost(
  url: string,
  masterKey: Buffer,
  merchantId: string,
  keyId: string,
  secret: string,
  payments: string[],
  sandboxFile: string | null,
): Promise<Record<Path, Cost>> {
  const lifetime = async (path: Path | null) => {
    const before = await databaseCommits(url);
    const counted = countingDb(
      openPostgres({ connectionString: url, max: 8 }),
      Number(new URL(url).port || 5432),
    );
    const sandboxDb = openPostgres({ connectionString: url, max: 4 });
    const sandboxRecords = sandboxFile ? fileSandboxRecords(sandboxFile) : null;
    const ledger = createLedgerService(counted.db, createLedgerContext());
    const quiet = { warn: () => undefined, error: () => undefined };
    const instance = await startCoreInstance(counted.db, { instanceId: randomUUID(), log: quiet });
    const server = await buildCoreServer({
      db: counted.db,
      ledger,
      keyring: createKeyring(masterKey),
      acquirer: createSandboxAcquirer(sandboxRecords ? { records: sandboxRecords } : { db: sandboxDb }),
      logger: false,
      logRequests: false,
    });
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    const address = server.app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    // Amounts above any refunded at saturation (so none repeats one of those).
    const send = requester(
      signedHttp(`http://127.0.0.1:${port}`, keyId, secret, 1),
      `/v2/${merchantId}`,
      1_000_000,
    );
    const start = { ...counted.counts };
    let failures = 0;
    if (path) {
      for (let i = 0; i < COUNTED; i++) {
        if (!(await send(path, payments[i % payments.length]!))) failures++;
      }
    }
    const core = {
      statements: counted.counts.statements - start.statements,
      roundTrips: counted.counts.roundTrips - start.roundTrips,
      commits: counted.counts.commits - start.commits,
      writeCommits: counted.counts.writeCommits - start.writeCommits,
    };
    stopCountingRoundTrips(counted.counts);
    await server.app.close();
    await instance.stop();
    await counted.db.close();
    await sandboxDb.close();
    sandboxRecords?.close();
    // The reading connection's own transaction shows in the next reading.
    const database = (await databaseCommits(url)) - before - 1;
    if (failures) console.log(`core.bench: ${failures} of ${COUNTED} counted ${path} requests failed`);
    return { core, database };
  };
  const idle = await lifetime(null);
  const per = async (path: Path): Promise<Cost> => {
    const r = await lifetime(path);
    return {
      statements: r.core.statements / COUNTED,
      roundTrips: r.core.roundTrips / COUNTED,
      commits: r.core.commits / COUNTED,
      writeCommits: r.core.writeCommits / COUNTED,
      databaseCommits: (r.database - idle.database) / COUNTED,
    };
  };
  return { refund: await per('refund'), subsequent: await per('subsequent') };
}

/** The variants run for subsequent payments too (after their refunds, on the same orders). */
const SUBSEQUENT_FLOORS: readonly FloorVariant[] = ['floor', 'order-load'];
const FLOOR_LABEL: Record<FloorVariant, string> = {
  floor: '',
  transactions: ' in transactions',
  'order-lock': ' + order row lock',
  'order-load': ' + locked order load',
};

type FloorRuns = Record<Path, Partial<Record<FloorVariant, { run: Run; cpu: Spent }>>>;

/**
 * The money floor (money-floor-server.ts), in a process of its own as the core runs, at saturation, each of
 * its variants on orders of its own (one sale each when its refunds begin, as the core's were; its subsequent
 * payments then on the same orders, as the core's follow its refunds). Refund amounts start above those the
 * core refunded and below the counted run's.
 */
async function moneyFloors(
  url: string,
  merchantId: string,
  keyId: string,
  secret: string,
  orders: Record<FloorVariant, readonly string[]>,
): Promise<FloorRuns> {
  const root = path.resolve(import.meta.dirname, '..', '..');
  const out: FloorRuns = { refund: {}, subsequent: {} };
  let next = 100_000;
  for (const floor of FLOOR_VARIANTS) {
    const server = await startCore({
      root,
      entry: path.join(root, 'test', 'bench', 'money-floor-server.ts'),
      env: {
        DATABASE_URL: url,
        MONEY_FLOOR: floor,
        FLOOR_KEY_ID: keyId,
        FLOOR_SECRET: secret,
        FLOOR_MERCHANT_ID: merchantId,
      },
    });
    try {
      const send = requester(signedHttp(server.url, keyId, secret, CLIENTS), `/v2/${merchantId}`, next);
      const payments = orders[floor];
      const turns = Array.from({ length: CLIENTS }, () => 0);
      const pick = (c: number) =>
        payments[c * ORDERS_PER_CLIENT + ((turns[c] = (turns[c] ?? 0) + 1) % ORDERS_PER_CLIENT)]!;
      for (const p of ['refund', 'subsequent'] as const) {
        if (p === 'subsequent' && !SUBSEQUENT_FLOORS.includes(floor)) continue;
        const one = (c: number) => send(p, pick(c));
        await closedLoop(CLIENTS, 1_000, one);
        const measuredRun = await measured(url, server.proc.pid ?? null, () =>
          closedLoop(CLIENTS, DURATION_MS, one),
        );
        if (measuredRun.run.failures) {
          console.log(
            `core.bench: ${p} floor ${floor}: ${measuredRun.run.failures}/${measuredRun.run.requests} failed`,
          );
        }
        out[p][floor] = measuredRun;
      }
      next += 100_000;
    } finally {
      await server.stop();
    }
  }
  return out;
}

/**
 * PostgreSQL's scheduling policy on this machine, and BENCH_PG_SCHED=batch. The core's one thread is where
 * requests queue at saturation; under the default policy every backend it wakes (a write to its socket) may
 * take the CPU from it on wake-up, and the thread then waits runnable while the other core idles (docs/core.md
 * "The core's thread waiting for a CPU"). SCHED_BATCH backends get the same share of the CPU but never preempt
 * on wake-up. Set with `chrt` on the postmaster (new backends inherit it) and its current children: needs root
 * or PostgreSQL's user, and PostgreSQL on this machine; restored to SCHED_OTHER by `restore`.
 */
async function postgresScheduling(url: string): Promise<{ policy: string; restore: () => void }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const backend = schedulingOf(pid);
    if (!backend) return { policy: 'unknown (PostgreSQL is not on this machine)', restore: () => {} };
    if (process.env.BENCH_PG_SCHED !== 'batch') return { policy: backend.policy, restore: () => {} };
    const postmaster = backend.parent;
    const family = () => [
      postmaster,
      ...readFileSync(`/proc/${postmaster}/task/${postmaster}/children`, 'utf8')
        .trim()
        .split(' ')
        .filter(Boolean)
        .map(Number),
    ];
    const set = (flag: '-b' | '-o') => {
      for (const p of family()) {
        try {
          execFileSync('chrt', [flag, '-p', '0', String(p)], { stdio: 'pipe' });
        } catch (e) {
          // A backend that ended meanwhile is fine; the postmaster refusing is not.
          if (p === postmaster)
            throw new Error(
              `BENCH_PG_SCHED=batch: chrt on PostgreSQL's postmaster (${p}) failed: ${String(e)}`,
            );
        }
      }
    };
    set('-b');
    return {
      policy: 'SCHED_BATCH (BENCH_PG_SCHED=batch)',
      restore: () => set('-o'),
    };
  } finally {
    await client.end();
  }
}

export default async (): Promise<BenchFigure[]> => {
  const admin = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (!admin) {
    console.log('core.bench: set TEST_DATABASE_URL (or DATABASE_URL) to a PostgreSQL server; skipped.');
    return [];
  }
  process.env.TEST_DATABASE_URL = admin;
  const created = await createPostgresDatabase();
  const scheduling = await postgresScheduling(created.url);
  const setup = openPostgres({ connectionString: created.url, max: 4 });
  await migrate(setup);
  const masterKey = randomBytes(32);
  const merchantId = 'MBENCH';
  await createMerchant(setup, { id: merchantId, name: 'Bench' });
  const key = await createApiKey(setup, createKeyring(masterKey), { merchantId });
  if (!key.ok) throw new Error(key.error.message);
  await setup.close();
  const sandboxDir = mkdtempSync(path.join(tmpdir(), 'counter-bench-'));
  const sandboxFile = SANDBOX_IN_DATABASE ? null : path.join(sandboxDir, 'sandbox-acquirer.jsonl');
  const core = await spawnCore(
    {
      ...(sandboxFile ? { SANDBOX_ACQUIRER_FILE: sandboxFile } : {}),
      DATABASE_URL: created.url,
      COUNTER_MASTER_KEY: masterKey.toString('hex'),
      DATABASE_POOL_SIZE: String(CLIENTS),
      LOG_REQUESTS: '0',
    },
    60_000,
    CORE_ROOT,
  ).catch(async (e: unknown) => {
    scheduling.restore();
    await created.drop();
    throw e;
  });
  const runs = {} as Record<Path, { saturation: Run; cpu: Spent; open: Run; perCommit: number }>;
  let read: { run: Run; cpu: Spent } | null = null;
  let payments: string[] = [];
  const floorOrders = {} as Record<FloorVariant, string[]>;
  try {
    const api = signedHttp(`http://127.0.0.1:${core.port}`, key.value.keyId, key.value.secret, CLIENTS);
    const base = `/v2/${merchantId}`;
    const send = requester(api, base);
    // Each client works on its own orders, so the figure is throughput, not refusals of the per-order refund
    // lock; it rotates over several, so orders stay the size real ones have (a handful of operations each).
    const perClient: string[][] = [];
    for (let client = 0; client < CLIENTS; client++) {
      perClient.push(await makeSales(api, base, ORDERS_PER_CLIENT));
    }
    payments = perClient.flat();
    const next = Array.from({ length: CLIENTS }, () => 0);
    const paymentFor = (client: number) => {
      const n = next[client] ?? 0;
      next[client] = n + 1;
      return perClient[client]![n % ORDERS_PER_CLIENT]!;
    };
    for (const path of ['refund', 'subsequent'] as const) {
      const since = new Date();
      const { run: saturation, cpu } = await measured(created.url, core.proc.pid ?? null, () =>
        closedLoop(CLIENTS, DURATION_MS, (c) => send(path, paymentFor(c))),
      );
      const perCommit = await recordingsPerCommit(created.url, since, new Date());
      // Half the saturation, spread over all orders in turn (an order comes round every few seconds).
      const open = await openLoop(saturation.perSecond / 2, DURATION_MS, (i) =>
        send(path, payments[i % payments.length]!),
      );
      runs[path] = { saturation, cpu, open, perCommit };
    }
    // The same clients reading payments: what authenticating a signed request, reading the order and
    // answering cost without any money moving.
    read = await measured(created.url, core.proc.pid ?? null, () =>
      closedLoop(CLIENTS, DURATION_MS, async (c) => {
        const r = await api('GET', `${base}/payments/${paymentFor(c)}`, undefined);
        return r.status === 200;
      }),
    );
    // Orders of their own for each variant of the money floor, new as the core's were when its refunds began,
    // so every variant reads orders of the size the core's refunds read.
    for (const floor of FLOOR_VARIANTS) {
      const sales: string[] = [];
      for (let client = 0; client < CLIENTS; client++)
        sales.push(...(await makeSales(api, base, ORDERS_PER_CLIENT)));
      floorOrders[floor] = sales;
    }
  } finally {
    await core.stop();
  }
  try {
    const floors: FloorRuns | null = FLOOR_VARIANTS.every((f) => floorOrders[f]?.length)
      ? await moneyFloors(created.url, merchantId, key.value.keyId, key.value.secret, floorOrders)
      : null;
    const { run: raw, cpu: rawCpu } = await rawPostgres(created.url);
    const costs = await cost(
      created.url,
      masterKey,
      merchantId,
      key.value.keyId,
      key.value.secret,
      payments,
      sandboxFile,
    );
    for (const path of ['refund', 'subsequent'] as const) {
      const { saturation, open } = runs[path];
      if (saturation.failures || open.failures) {
        console.log(
          `core.bench: ${path}: ${saturation.failures}/${saturation.requests} failed at saturation, ` +
            `${open.failures}/${open.requests} in the open loop`,
        );
      }
    }
    const rawLabel =
      `raw PostgreSQL: BEGIN; SELECT…FOR UPDATE; INSERT; UPDATE; COMMIT through the core's db layer ` +
      `(openPostgres: prepared, pipelined), pool ${CLIENTS} as the core's, ${CLIENTS} concurrent clients, ` +
      `after the core stopped, same database and run`;
    const ms = (n: number | null) => (n === null ? NaN : n);
    const name = { refund: 'refunds', subsequent: 'subsequent payments' } as const;
    const total = (c: Spent) => (c.core ?? 0) + ms(c.postgres) + c.loadGenerator;
    const reads: BenchFigure[] = read
      ? [
          {
            name: `payment reads (GET) via online API, ${CLIENTS} clients`,
            value: read.run.perSecond,
            unit: 'tx/s',
            limit: raw.perSecond,
            limitLabel: 'raw PostgreSQL rate as above',
          },
          {
            name: 'read: CPU per request, core + PostgreSQL + load generator',
            value: total(read.cpu),
            unit: 'ms',
            limit: total(rawCpu),
            limitLabel: 'the same for one raw transaction',
          },
        ]
      : [];
    // The target as a CPU budget: on a CPU-bound machine, 0.25 × raw requests/s leave each request
    // (cores × 1000 ms) ÷ (0.25 × raw) of CPU, all processes together, with every core busy.
    const cpuAgainstTarget = (label: string, cpu: Spent): BenchFigure => ({
      name: `${label}: CPU per request, all three processes`,
      value: total(cpu),
      unit: 'ms',
      limit: (CORES * 1000) / (0.25 * raw.perSecond),
      limitLabel: `the CPU a request may cost for issue 8's 0.25 × raw on ${CORES} cores, all busy`,
    });
    const floorFigures: BenchFigure[] = floors
      ? (['refund', 'subsequent'] as const).flatMap((p) =>
          FLOOR_VARIANTS.flatMap((floor): BenchFigure[] => {
            const measuredFloor = floors[p][floor];
            if (!measuredFloor) return [];
            const { run, cpu } = measuredFloor;
            const label = `${p} floor${FLOOR_LABEL[floor]}`;
            return [
              {
                name: `${label}: ${name[p]}/s, ${CLIENTS} clients`,
                value: run.perSecond,
                unit: 'tx/s',
                limit: raw.perSecond,
                limitLabel: 'raw PostgreSQL rate as above (not the core: test/bench/money-floor-server.ts)',
              },
              cpuAgainstTarget(label, cpu),
            ];
          }),
        )
      : [];
    return [
      ...reads,
      ...floorFigures,
      ...(['refund', 'subsequent'] as const).flatMap((path): BenchFigure[] => {
        const { saturation, cpu, open } = runs[path];
        const c = costs[path];
        const offered = `${open.perSecond.toFixed(0)}/s offered`;
        return [
          {
            name: `${name[path]} via online API, ${CLIENTS} clients`,
            value: saturation.perSecond,
            unit: 'tx/s',
            limit: raw.perSecond,
            limitLabel: rawLabel,
          },
          {
            name: `${path}: statements per request (core)`,
            value: c.statements,
            unit: 'stmts',
            limit: 2,
            limitLabel: 'two statements, one per commit',
          },
          {
            name: `${path}: round trips per request (core)`,
            value: c.roundTrips,
            unit: 'trips',
            limit: 3,
            limitLabel: "writes to PostgreSQL's socket; the raw transaction takes 3",
          },
          {
            name: `${path}: commits per request (core)`,
            value: c.commits,
            unit: 'commits',
            limit: 2,
            limitLabel: 'reads outside a transaction commit too',
          },
          {
            name: `${path}: of which wrote (core)`,
            value: c.writeCommits,
            unit: 'commits',
            limit: 2,
            limitLabel: 'journal row before the acquirer call, recording after',
          },
          {
            name: `${path}: recordings per commit at saturation`,
            value: runs[path].perCommit,
            unit: 'ops',
            limit: 1,
            limitLabel:
              'operations recorded ÷ the transactions that wrote them (xmin): one-statement recordings sharing a commit (db/shared-commits.ts); the figures above are one request at a time',
          },
          {
            name: `${path}: commits per request (PostgreSQL xact_commit)`,
            value: c.databaseCommits,
            unit: 'commits',
            limit: 2,
            limitLabel: `everything committed in the database (sandbox records ${SANDBOX_IN_DATABASE ? 'in it' : 'in a file'})`,
          },
          {
            // What the database writes per request, and so what a replica and the WAL archive receive.
            name: `${path}: WAL written per request at saturation`,
            value: cpu.walBytes,
            unit: 'bytes',
            limit: 2 * rawCpu.walBytes,
            limitLabel: 'two raw transactions (full-page images after a checkpoint included, both sides)',
          },
          {
            name: `${path}: CPU per request at saturation, core process`,
            value: ms(cpu.core),
            unit: 'ms',
            limit: ms(rawCpu.loadGenerator),
            limitLabel: "the raw transaction's client (pg in the bench process), per transaction",
          },
          {
            name: `${path}: CPU per request at saturation, PostgreSQL backends`,
            value: ms(cpu.postgres),
            unit: 'ms',
            limit: ms(rawCpu.postgres),
            limitLabel: 'PostgreSQL backends per raw transaction',
          },
          {
            name: `${path}: CPU per request at saturation, load generator`,
            value: cpu.loadGenerator,
            unit: 'ms',
            limit: ms(rawCpu.loadGenerator),
            limitLabel:
              'signed HTTP (keep-alive, core-load.ts signedHttp) in the bench process, beside the raw client',
          },
          cpuAgainstTarget(path, cpu),
          {
            name: `${path}: the core's thread waiting for a CPU at saturation`,
            value: ms(cpu.coreThread?.waitingMs ?? null),
            unit: 'ms/s',
            limit: 1000,
            limitLabel:
              `of each second; runnable, not running (schedstat); on a CPU ` +
              `${cpu.coreThread ? cpu.coreThread.runningMs.toFixed(0) : '?'} ms/s; PostgreSQL's backends ` +
              scheduling.policy,
          },
          {
            name: `${path} open loop at half saturation (${offered}) p50`,
            value: open.p50,
            unit: 'ms',
            limit: 50,
            limitLabel: 'p99 target 50 ms',
          },
          {
            name: `${path} open loop at half saturation (${offered}) p99`,
            value: open.p99,
            unit: 'ms',
            limit: 50,
            limitLabel: 'p99 target 50 ms',
          },
          {
            name: `${path} at saturation (closed loop) p99`,
            value: saturation.p99,
            unit: 'ms',
            limit: raw.p99,
            limitLabel: 'raw PostgreSQL transaction p99',
          },
        ];
      }),
    ];
  } finally {
    scheduling.restore();
    await created.drop();
    rmSync(sandboxDir, { recursive: true, force: true });
  }
};
