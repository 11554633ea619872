/** PostgreSQL through a `pg` pool: the production database (architecture.md "Core"). */
import pg from 'pg';
import { isRetryableTxError, type Db, type SqlValue, type Tx } from './adapter';

export interface PostgresOptions {
  connectionString: string;
  /** Pool size; each concurrent transaction holds one connection. */
  max?: number;
  /** Retries of a transaction that failed with a serialization failure or deadlock. */
  maxTxRetries?: number;
}

export function openPostgres(options: PostgresOptions): Db {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 20,
    // A connection error on an idle client must not crash the process; the pool replaces the client.
    allowExitOnIdle: false,
  });
  pool.on('error', () => {
    /* an idle client died (server restart); the next checkout opens a fresh one */
  });
  const maxRetries = options.maxTxRetries ?? 5;

  const run = async <Row>(
    client: pg.Pool | pg.PoolClient,
    sql: string,
    params?: readonly SqlValue[],
  ): Promise<Row[]> => {
    const r = await client.query(sql, params ? [...params] : undefined);
    return r.rows as Row[];
  };

  return {
    kind: 'postgres',
    query: (sql, params) => run(pool, sql, params),
    async exec(sql) {
      await pool.query(sql);
    },
    async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      for (let attempt = 0; ; attempt++) {
        const client = await pool.connect();
        let released = false;
        try {
          await client.query('BEGIN');
          const tx: Tx = { query: (sql, params) => run(client, sql, params) };
          const value = await fn(tx);
          await client.query('COMMIT');
          return value;
        } catch (e) {
          try {
            await client.query('ROLLBACK');
          } catch (rollbackError) {
            // The connection is broken; drop it from the pool instead of reusing it.
            client.release(rollbackError as Error);
            released = true;
          }
          if (isRetryableTxError(e) && attempt < maxRetries) continue;
          throw e;
        } finally {
          if (!released) client.release();
        }
      }
    },
    async close() {
      await pool.end();
    },
  };
}
