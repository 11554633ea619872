/**
 * Forward-only migrations, an ordered in-code list (style.md "Data"). The same SQL runs on PostgreSQL and on
 * PGlite. Each migration runs in one transaction under an advisory lock, so two core processes starting on
 * one PostgreSQL at the same time apply it exactly once; a database newer than the code is refused.
 */
import type { Db } from './adapter';
import { SCHEMA_V1 } from './schema-v1';
import { SCHEMA_V2_BACKOFFICE_SYNC } from './schema-v2-backoffice-sync';
import { SCHEMA_V3_ACQUIRER_JOURNAL } from './schema-v3-acquirer-journal';
import { SCHEMA_V4_CHANGE_SIGNALS } from './schema-v4-change-signals';
import { SCHEMA_V5_CLAIM_LIVENESS } from './schema-v5-claim-liveness';
import { SCHEMA_V6_ONE_INDEX_PER_KEY } from './schema-v6-one-index-per-key';
import { SCHEMA_V7_OPERATION_PAYMENT_KEY } from './schema-v7-operation-payment-key';
import { SCHEMA_V8_CHECKS_AS_DOMAINS } from './schema-v8-checks-as-domains';
import { SCHEMA_V9_JOURNAL_ROW_IS_THE_LOCK } from './schema-v9-journal-row-is-the-lock';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'ledger, keys, terminals, locks', sql: SCHEMA_V1 },
  {
    version: 2,
    name: 'order summaries, refund reservations, cash, end of day',
    sql: SCHEMA_V2_BACKOFFICE_SYNC,
  },
  {
    version: 3,
    name: 'write-ahead acquirer journal, money exceptions, sandbox acquirer journal',
    sql: SCHEMA_V3_ACQUIRER_JOURNAL,
  },
  {
    version: 4,
    name: 'change signals: key revocations and store feed moves as notifications',
    sql: SCHEMA_V4_CHANGE_SIGNALS,
  },
  { version: 5, name: 'core instances and whose idempotence claim is alive', sql: SCHEMA_V5_CLAIM_LIVENESS },
  {
    version: 6,
    name: 'one index per key: the duplicate of operations (payment_id, payment_seq) dropped',
    sql: SCHEMA_V6_ONE_INDEX_PER_KEY,
  },
  {
    version: 7,
    name: 'an operation checked against its payment (order and merchant included) with one key',
    sql: SCHEMA_V7_OPERATION_PAYMENT_KEY,
  },
  {
    version: 8,
    name: 'the one-column rules of the money tables as domains (checked per value, not re-read per statement)',
    sql: SCHEMA_V8_CHECKS_AS_DOMAINS,
  },
  {
    version: 9,
    name: 'the open journal row of a refund, payout or void is the refund lock: one per order, unique',
    sql: SCHEMA_V9_JOURNAL_ROW_IS_THE_LOCK,
  },
];

/** Any fixed number; it names the lock that serialises migrations across processes. */
const MIGRATION_LOCK_KEY = 0x636f7265; // "core"

export async function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): Promise<number> {
  await db.exec(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
       version integer PRIMARY KEY,
       name text NOT NULL,
       applied_at timestamptz NOT NULL DEFAULT now()
     )`,
  );
  const latest = migrations.at(-1)?.version ?? 0;
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    const rows = await tx.query<{ version: number }>('SELECT max(version) AS version FROM schema_migrations');
    const current = Number(rows[0]?.version ?? 0);
    if (current > latest) {
      throw new Error(
        `The database schema is version ${current}, newer than this core (${latest}). Upgrade the core.`,
      );
    }
    for (const m of migrations) {
      if (m.version <= current) continue;
      // Statements one at a time through the transaction, so a failure rolls the whole migration back.
      for (const statement of splitStatements(m.sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
    }
    return latest;
  });
}

/** Splits on semicolons at the end of a line, keeping `$$ … $$` function bodies whole. */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let current = '';
  let inDollar = false;
  for (const line of sql.split('\n')) {
    const dollars = line.split('$$').length - 1;
    if (dollars % 2 === 1) inDollar = !inDollar;
    current += line + '\n';
    if (!inDollar && /;\s*$/.test(line)) {
      const s = current.trim().replace(/;$/, '');
      if (s) out.push(s);
      current = '';
    }
  }
  if (current.trim()) out.push(current.trim());
  return out;
}
