/**
 * Databases for the core's integration tests: PGlite in a temp dir, and a fresh PostgreSQL database with a
 * random name on the server in TEST_DATABASE_URL (dropped afterwards), so suites run against both.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Db } from '../../src-core/db/adapter';
import { migrate, MIGRATIONS, type Migration } from '../../src-core/db/migrations';
import { openPglite } from '../../src-core/db/pglite';
import { openPostgres } from '../../src-core/db/postgres';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

/** Why the PostgreSQL variant is skipped, for the test name; null when it runs. */
export const POSTGRES_SKIP_REASON = TEST_DATABASE_URL
  ? null
  : 'skipped: TEST_DATABASE_URL is not set (CI sets it; see .ci/run)';

export interface TestDatabase {
  readonly kind: 'pglite' | 'postgres';
  readonly db: Db;
  /** For PostgreSQL, the URL of this fresh database (to start core processes on it). */
  readonly url: string | null;
  /** For PGlite, the data directory. */
  readonly dataDir: string | null;
  dispose(): Promise<void>;
}

export async function createPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set');
  const name = `counter_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function openTestDatabase(
  kind: 'pglite' | 'postgres',
  poolSize = 10,
  /** The schema to start from: every migration unless a test of a migration says otherwise. */
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'counter-core-'));
    const db = await openPglite(path.join(dir, 'pgdata'));
    await migrate(db, migrations);
    return {
      kind,
      db,
      url: null,
      dataDir: dir,
      async dispose() {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const created = await createPostgresDatabase();
  const db = openPostgres({ connectionString: created.url, max: poolSize });
  await migrate(db, migrations);
  return {
    kind,
    db,
    url: created.url,
    dataDir: null,
    async dispose() {
      await db.close();
      await created.drop();
    },
  };
}

/** The database kinds a suite runs against, each with the reason when it cannot run here. */
export const DATABASE_KINDS: ReadonlyArray<{ kind: 'pglite' | 'postgres'; skip: string | null }> = [
  { kind: 'pglite', skip: null },
  { kind: 'postgres', skip: POSTGRES_SKIP_REASON },
];
