/**
 * The core on PostgreSQL: refunds/s and subsequent payments/s through the online API (signed HTTP, a core
 * process of its own) at 32 concurrent clients, each beside the same machine's raw PostgreSQL rate for a
 * comparable transaction through `pg` (BEGIN; SELECT … FOR UPDATE; INSERT; UPDATE; COMMIT, pgbench-like),
 * and p50/p99 latencies. Needs TEST_DATABASE_URL or DATABASE_URL (a server it may create a database on).
 */
import { randomBytes } from 'node:crypto';
import type { BenchFigure } from '../../scripts/bench';
import { createApiKey, createMerchant } from '../../src-core/accounts/accounts';
import { migrate } from '../../src-core/db/migrations';
import { openPostgres } from '../../src-core/db/postgres';
import { createKeyring } from '../../src-core/security/keyring';
import { testCardById } from '../../src-shared';
import { createPostgresDatabase } from '../helpers/core-db';
import { spawnCore } from '../helpers/core-process';
import { rawClient, type RawClient } from '../helpers/core-server';

const CLIENTS = 32;
const ORDERS_PER_CLIENT = 8;
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 8_000);

interface Run {
  perSecond: number;
  p50: number;
  p99: number;
  failures: number;
}

/** Runs `op(client)` in a loop on `CLIENTS` concurrent clients for the duration; latencies in ms. */
async function load(op: (client: number) => Promise<boolean>): Promise<Run> {
  const latencies: number[] = [];
  let failures = 0;
  const end = performance.now() + DURATION_MS;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      while (performance.now() < end) {
        const t0 = performance.now();
        const ok = await op(client);
        latencies.push(performance.now() - t0);
        if (!ok) failures++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { perSecond: (latencies.length - failures) / seconds, p50: at(0.5), p99: at(0.99), failures };
}

async function rawPostgres(url: string): Promise<Run> {
  const db = openPostgres({ connectionString: url, max: CLIENTS });
  await db.exec(`CREATE TABLE bench_accounts (id int PRIMARY KEY, balance bigint NOT NULL);
    CREATE TABLE bench_history (id bigserial PRIMARY KEY, account int NOT NULL, delta bigint NOT NULL, at timestamptz NOT NULL DEFAULT now());
    INSERT INTO bench_accounts SELECT g, 0 FROM generate_series(0, ${CLIENTS - 1}) g;`);
  const run = await load(async (client) => {
    await db.transaction(async (tx) => {
      await tx.query('SELECT balance FROM bench_accounts WHERE id = $1 FOR UPDATE', [client]);
      await tx.query('INSERT INTO bench_history (account, delta) VALUES ($1, 1)', [client]);
      await tx.query('UPDATE bench_accounts SET balance = balance + 1 WHERE id = $1', [client]);
    });
    return true;
  });
  await db.close();
  return run;
}

export default async (): Promise<BenchFigure[]> => {
  const admin = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (!admin) {
    console.log('core.bench: set TEST_DATABASE_URL (or DATABASE_URL) to a PostgreSQL server; skipped.');
    return [];
  }
  process.env.TEST_DATABASE_URL = admin;
  const created = await createPostgresDatabase();
  const setup = openPostgres({ connectionString: created.url, max: 4 });
  await migrate(setup);
  const masterKey = randomBytes(32);
  const merchantId = 'MBENCH';
  await createMerchant(setup, { id: merchantId, name: 'Bench' });
  const key = await createApiKey(setup, createKeyring(masterKey), { merchantId });
  if (!key.ok) throw new Error(key.error.message);
  await setup.close();
  const core = await spawnCore({
    DATABASE_URL: created.url,
    COUNTER_MASTER_KEY: masterKey.toString('hex'),
    DATABASE_POOL_SIZE: String(CLIENTS),
    LOG_REQUESTS: '0',
  }).catch(async (e: unknown) => {
    await created.drop();
    throw e;
  });
  try {
    const api: RawClient = rawClient(`http://127.0.0.1:${core.port}`, key.value.keyId, key.value.secret);
    const base = `/v2/${merchantId}`;
    const visa = testCardById('visa-approve')!;
    const sale = async () => {
      const r = await api('POST', `${base}/payments`, {
        body: {
          order: { amountOfMoney: { amount: 100_000_000, currencyCode: 'EUR' } },
          cardPaymentMethodSpecificInput: {
            card: { cardNumber: visa.pan, expiryDate: visa.expiry, cvv: '123' },
            unscheduledCardOnFileRequestor: 'cardholderInitiated',
            unscheduledCardOnFileSequenceIndicator: 'first',
          },
        },
      });
      if (r.status !== 201) throw new Error(`sale failed: ${r.text}`);
      return (r.body as { payment: { id: string } }).payment.id;
    };
    // Each client works on its own orders, so the figure is throughput, not refusals of the per-order refund
    // lock; it rotates over several, so orders stay the size real ones have (a handful of operations each).
    const payments: string[][] = [];
    for (let client = 0; client < CLIENTS; client++) {
      payments.push(await Promise.all(Array.from({ length: ORDERS_PER_CLIENT }, sale)));
    }
    const next = Array.from({ length: CLIENTS }, () => 0);
    const paymentFor = (client: number) => {
      const n = next[client] ?? 0;
      next[client] = n + 1;
      return payments[client]![n % ORDERS_PER_CLIENT]!;
    };
    const refunds = await load(async (client) => {
      const r = await api('POST', `${base}/payments/${paymentFor(client)}/refund`, {
        body: { amountOfMoney: { amount: 1, currencyCode: 'EUR' } },
      });
      return r.status === 201;
    });
    const subsequent = await load(async (client) => {
      const r = await api('POST', `${base}/payments/${paymentFor(client)}/subsequent`, {
        body: { order: { amountOfMoney: { amount: 100, currencyCode: 'EUR' } } },
      });
      return r.status === 201;
    });
    const raw = await rawPostgres(created.url);
    if (refunds.failures || subsequent.failures) {
      console.log(
        `core.bench: ${refunds.failures} refunds and ${subsequent.failures} subsequent payments failed`,
      );
    }
    const rawLabel = `raw PostgreSQL: BEGIN; SELECT…FOR UPDATE; INSERT; UPDATE; COMMIT via pg, ${CLIENTS} clients`;
    return [
      {
        name: `refunds via online API, ${CLIENTS} clients`,
        value: refunds.perSecond,
        unit: 'tx/s',
        limit: raw.perSecond,
        limitLabel: rawLabel,
      },
      {
        name: `subsequent payments via online API, ${CLIENTS} clients`,
        value: subsequent.perSecond,
        unit: 'tx/s',
        limit: raw.perSecond,
        limitLabel: rawLabel,
      },
      {
        name: 'refund latency p50',
        value: refunds.p50,
        unit: 'ms',
        limit: raw.p50,
        limitLabel: 'raw PostgreSQL transaction p50',
      },
      {
        name: 'refund latency p99',
        value: refunds.p99,
        unit: 'ms',
        limit: raw.p99,
        limitLabel: 'raw PostgreSQL transaction p99',
      },
      {
        name: 'subsequent payment latency p50',
        value: subsequent.p50,
        unit: 'ms',
        limit: raw.p50,
        limitLabel: 'raw PostgreSQL transaction p50',
      },
      {
        name: 'subsequent payment latency p99',
        value: subsequent.p99,
        unit: 'ms',
        limit: raw.p99,
        limitLabel: 'raw PostgreSQL transaction p99',
      },
    ];
  } finally {
    await core.stop();
    await created.drop();
  }
};
