/**
 * The PostgreSQL adapter runs parameterized statements as named prepared statements (parsed and planned once
 * per connection), and can be told not to (DATABASE_PREPARED_STATEMENTS=0, behind a pooler that does not keep
 * them). Checked in PostgreSQL's own view of the session's prepared statements.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseConfigFromEnv } from '../../../src-core/db/open';
import { openPostgres } from '../../../src-core/db/postgres';
import { createPostgresDatabase, POSTGRES_SKIP_REASON } from '../../helpers/core-db';

// Skipped only without a PostgreSQL server (TEST_DATABASE_URL unset; CI sets it): the title then says so.
describe.skipIf(POSTGRES_SKIP_REASON !== null)(
  `prepared statements on PostgreSQL${POSTGRES_SKIP_REASON ? ` (${POSTGRES_SKIP_REASON})` : ''}`,
  () => {
    let created: Awaited<ReturnType<typeof createPostgresDatabase>>;
    beforeAll(async () => {
      created = await createPostgresDatabase();
    });
    afterAll(async () => {
      await created?.drop();
    });

    /** Runs one parameterized statement three times on a one-connection pool; the session's prepared names. */
    async function preparedAfterUse(prepareStatements: boolean | undefined): Promise<string[]> {
      const db = openPostgres({ connectionString: created.url, max: 1, prepareStatements });
      try {
        for (let i = 0; i < 3; i++) {
          const rows = await db.query<{ n: number }>('SELECT $1::int + 1 AS n', [i]);
          expect(rows[0]?.n).toBe(i + 1);
        }
        await db.transaction((tx) => tx.query('SELECT $1::int + 1 AS n', [9]));
        const names = await db.query<{ name: string }>('SELECT name FROM pg_prepared_statements');
        return names.map((r) => r.name);
      } finally {
        await db.close();
      }
    }

    it('prepares a parameterized statement once per connection and reuses it, inside transactions too', async () => {
      const names = await preparedAfterUse(undefined);
      expect(names).toHaveLength(1);
      expect(names[0]).toMatch(/^counter_/);
    });

    it('prepares nothing when told not to (DATABASE_PREPARED_STATEMENTS=0)', async () => {
      expect(databaseConfigFromEnv({ DATABASE_PREPARED_STATEMENTS: '0' }).prepareStatements).toBe(false);
      expect(databaseConfigFromEnv({}).prepareStatements).toBe(true);
      expect(databaseConfigFromEnv({ DATABASE_SHARED_COMMITS: '0' }).sharedCommits).toBe(false);
      expect(databaseConfigFromEnv({}).sharedCommits).toBe(true);
      expect(await preparedAfterUse(false)).toEqual([]);
    });
  },
);
