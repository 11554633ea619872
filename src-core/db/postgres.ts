/** PostgreSQL through a `pg` pool: the production database (architecture.md "Core"). */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { isRetryableTxError, type Db, type SqlValue, type Tx } from './adapter';
import { listenPostgres } from './postgres-listen';

export interface PostgresOptions {
  connectionString: string;
  /** Pool size; each concurrent transaction holds one connection. */
  max?: number;
  /** Retries of a transaction that failed with a serialization failure or deadlock. */
  maxTxRetries?: number;
  /**
   * Run parameterized statements as named prepared statements (default true). Turn it off behind a pooler
   * that does not keep prepared statements per client (PgBouncer in transaction mode before 1.21).
   */
  prepareStatements?: boolean;
}

/**
 * At most this many distinct statement texts are prepared per process (each pooled connection prepares a
 * text the first time it runs it); texts beyond it run unnamed. The core's SQL is a fixed set far below it;
 * the bound only keeps memory finite should some caller build texts without end.
 */
export const MAX_PREPARED_STATEMENTS = 1_000;

/**
 * Names of prepared statements, derived from their text. Every parameterized statement is prepared once per
 * connection and then only bound and executed: PostgreSQL parses, analyses and plans it once instead of on
 * every call, which halves the server's time for the ledger's statements (docs/core.md "Numbers"). The name
 * is a hash of the text, so one name never stands for two texts (`pg` refuses that). Statements without
 * parameters (BEGIN, COMMIT, migrations' DDL) keep the simple protocol.
 */
export function createStatementNamer(max = MAX_PREPARED_STATEMENTS): (sql: string) => string | undefined {
  const names = new Map<string, string>();
  return (sql) => {
    let name = names.get(sql);
    if (name === undefined) {
      if (names.size >= max) return undefined;
      name = `counter_${createHash('sha256').update(sql).digest('base64url').slice(0, 24)}`;
      names.set(sql, name);
    }
    return name;
  };
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
  const statementName = options.prepareStatements === false ? () => undefined : createStatementNamer();

  const run = async <Row>(
    client: pg.Pool | pg.PoolClient,
    sql: string,
    params?: readonly SqlValue[],
  ): Promise<Row[]> => {
    const name = params && params.length > 0 ? statementName(sql) : undefined;
    const r = await client.query({ text: sql, values: params ? [...params] : undefined, name });
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
    listen: (channels, handlers) => listenPostgres(options.connectionString, channels, handlers),
    async close() {
      await pool.end();
    },
  };
}
