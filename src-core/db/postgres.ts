/** PostgreSQL through a `pg` pool: the production database (architecture.md "Core"). */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { isRetryableTxError, type CommitShare, type Db, type SqlValue, type Tx } from './adapter';
import { listenPostgres } from './postgres-listen';
import {
  notCommitted,
  SharedCommits,
  socketOf,
  type SharedCommitsOptions,
  type Statement,
} from './shared-commits';

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
  /**
   * Pipeline a transaction's statements (default true): BEGIN goes out with the first statement, statements
   * issued together (without awaiting each other) go out together, in one write to the socket each time.
   * PostgreSQL runs them one after the other exactly as if each had been awaited (each its own statement
   * and snapshot); only the waiting between them goes. Off: every statement waits for the one before.
   */
  pipeline?: boolean;
  /**
   * Short transactions that say they may (`CommitShare`: all their statements issued at once) share a commit
   * when issued while others are committing (db/shared-commits.ts; default on, pipelined only). `false`: each
   * commits alone.
   */
  sharedCommits?: SharedCommitsOptions | false;
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
  const pipelined = options.pipeline !== false;
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 20,
    // pg's pipeline mode sends a query as soon as it is issued instead of after the previous answer.
    pipeline: pipelined,
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

  const shared =
    pipelined && options.sharedCommits !== false ? new SharedCommits(run, options.sharedCommits) : null;

  return {
    kind: 'postgres',
    query: (sql, params) => run(pool, sql, params),
    async exec(sql) {
      await pool.query(sql);
    },
    async transaction<T>(fn: (tx: Tx) => Promise<T>, share?: CommitShare): Promise<T> {
      for (let attempt = 0; ; attempt++) {
        const client = await pool.connect();
        const tx: OpenTx = !pipelined
          ? awaitedTx(client, run)
          : share && shared
            ? new SharedTx(client, run, shared, share.lockKey)
            : new PipelinedTx(client, run, shared);
        let released = false;
        try {
          const pending = fn(tx);
          tx.issued?.();
          const value = await pending;
          await tx.finish();
          return value;
        } catch (e) {
          try {
            await tx.abandon();
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

type Run = <Row>(client: pg.PoolClient, sql: string, params?: readonly SqlValue[]) => Promise<Row[]>;

/** A transaction on a connection, and how it ends: `finish` commits, `abandon` rolls back. */
interface OpenTx extends Tx {
  finish(): Promise<void>;
  abandon(): Promise<void>;
  /** Called once the transaction's function has run up to its first wait. */
  issued?(): void;
}

/** Each statement waits for the previous answer: BEGIN, the statements, COMMIT, each a round trip. */
function awaitedTx(client: pg.PoolClient, run: Run): OpenTx {
  let begun: Promise<unknown> | null = null;
  return {
    async query<Row>(sql: string, params?: readonly SqlValue[]) {
      begun ??= client.query('BEGIN');
      await begun;
      return run<Row>(client, sql, params);
    },
    async finish() {
      if (begun) await client.query('COMMIT');
    },
    async abandon() {
      if (begun) await client.query('ROLLBACK');
    },
  };
}

/**
 * A pipelined transaction (pg's pipeline mode): BEGIN is sent with the first statement, and everything issued
 * in one turn of the event loop (e.g. `Promise.all` of two statements) is corked into one write to the
 * socket. On this machine a write to PostgreSQL's socket and the wake-up it causes cost more of the core's CPU
 * than anything else in a refund (docs/core.md "Performance of the money paths"), so fewer writes and fewer
 * waits are what counts. A transaction that ran no statement sends nothing. Every statement's promise is
 * marked handled, so a statement failing while the caller awaits an earlier one is not an unhandled
 * rejection; the caller still sees the failure when it awaits it. A transaction whose only statement may
 * share its commit (`CommitShare`) hands it to the shared commits (shared-commits.ts).
 *
 * A class, not an object of closures: two transactions a refund, and each closure is an allocation (under tsx,
 * as the core ran until it was built into one module, also a name defined on it), which showed in the core's
 * profile.
 */
class PipelinedTx implements OpenTx {
  private corked = false;
  private begun: Promise<unknown> | null = null;
  private committed: Promise<unknown> | null = null;
  private readonly stream: { cork(): void; uncork(): void };

  constructor(
    private readonly client: pg.PoolClient,
    private readonly run: Run,
    private readonly shared: SharedCommits | null,
  ) {
    this.stream = socketOf(client);
  }

  private batch(): void {
    if (this.corked) return;
    this.corked = true;
    this.stream.cork();
    queueMicrotask(() => {
      this.corked = false;
      this.stream.uncork();
    });
  }

  query<Row>(sql: string, params?: readonly SqlValue[]): Promise<Row[]> {
    if (this.committed) throw new Error('a statement after the transaction committed (queryAndCommit)');
    this.batch();
    if (!this.begun) {
      const begin = handled(this.client.query('BEGIN'));
      this.begun = begin;
      return handled(Promise.all([begin, this.run<Row>(this.client, sql, params)]).then(secondOf));
    }
    return handled(this.run<Row>(this.client, sql, params));
  }

  queryAndCommit<Row>(sql: string, params?: readonly SqlValue[], share?: CommitShare): Promise<Row[]> {
    if (!this.begun) {
      if (this.committed) throw new Error('a statement after the transaction committed (queryAndCommit)');
      // The first statement is also the last: alone, it is a transaction of its own (the extended protocol's
      // Sync ends it; a failure rolls it back), two statements and their answers fewer than BEGIN · it · COMMIT;
      // or, when it may, it shares a commit with others issued meanwhile (shared-commits.ts).
      const rows = handled(
        share && this.shared
          ? this.shared.submit(this.client, [{ sql, params }], share.lockKey).then((r) => r[0] as Row[])
          : this.run<Row>(this.client, sql, params),
      );
      this.committed = rows;
      return rows;
    }
    const rows = this.query<Row>(sql, params);
    const done = handled(this.commit());
    this.committed = done;
    return handled(Promise.all([rows, done]).then(firstOf));
  }

  async finish(): Promise<void> {
    if (this.committed) await this.committed;
    else if (this.begun) {
      this.batch();
      await this.commit();
    }
  }

  async abandon(): Promise<void> {
    // Also after a COMMIT that failed (a no-op then): a connection that broke fails here and is dropped.
    if (this.begun) await this.client.query('ROLLBACK');
  }

  private async commit(): Promise<void> {
    const r = await this.client.query('COMMIT');
    const rolledBack = notCommitted(r);
    if (rolledBack) throw rolledBack;
  }
}

/**
 * A transaction that may share its commit (`Db.transaction(fn, share)`): its statements are held back until
 * the last (`queryAndCommit`) and then go to the shared commits as one transaction, each statement answered
 * with its rows once that transaction committed (db/shared-commits.ts). For a function that issues all its
 * statements at once, as the journal's first write of a refund or subsequent payment does (journal.ts
 * `runWrittenFirst`). One that waits for an answer before its last statement goes on as an ordinary pipelined
 * transaction from there (the statements held back go out first, in order): sharing is then not possible, and
 * nothing else changes.
 */
class SharedTx implements OpenTx {
  private held: (Statement & { resolve(rows: unknown[]): void; reject(e: unknown): void })[] = [];
  private submitted: Promise<unknown> | null = null;
  private direct: PipelinedTx | null = null;
  private waitedOnce = false;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly run: Run,
    private readonly shared: SharedCommits,
    private readonly lockKey: string,
  ) {}

  query<Row>(sql: string, params?: readonly SqlValue[]): Promise<Row[]> {
    if (this.submitted) throw new Error('a statement after the transaction committed (queryAndCommit)');
    if (this.waitedOnce) return this.ordinary().query<Row>(sql, params);
    return this.hold<Row>(sql, params);
  }

  queryAndCommit<Row>(sql: string, params?: readonly SqlValue[]): Promise<Row[]> {
    if (this.submitted) throw new Error('a statement after the transaction committed (queryAndCommit)');
    if (this.waitedOnce) return this.ordinary().queryAndCommit<Row>(sql, params);
    const last = this.hold<Row>(sql, params);
    const held = this.held;
    this.held = [];
    this.submitted = handled(
      this.shared.submit(this.client, held, this.lockKey).then(
        (rows) => held.forEach((h, i) => h.resolve(rows[i]!)),
        (e: unknown) => {
          for (const h of held) h.reject(e);
          throw e;
        },
      ),
    );
    return last;
  }

  issued(): void {
    this.waitedOnce = true;
    if (!this.submitted && this.held.length > 0) this.ordinary();
  }

  async finish(): Promise<void> {
    if (this.direct) await this.direct.finish();
    else if (this.submitted) await this.submitted;
  }

  async abandon(): Promise<void> {
    if (this.direct) await this.direct.abandon();
    for (const h of this.held.splice(0))
      h.reject(new Error('the transaction was abandoned before its last statement'));
  }

  private hold<Row>(sql: string, params?: readonly SqlValue[]): Promise<Row[]> {
    return handled(
      new Promise<Row[]>((resolve, reject) =>
        this.held.push({ sql, params, resolve: resolve as (rows: unknown[]) => void, reject }),
      ),
    );
  }

  /** From here on an ordinary pipelined transaction, the statements held back sent first. */
  private ordinary(): PipelinedTx {
    if (!this.direct) {
      this.direct = new PipelinedTx(this.client, this.run, null);
      const held = this.held;
      this.held = [];
      for (const h of held) this.direct.query(h.sql, h.params).then(h.resolve, h.reject);
    }
    return this.direct;
  }
}

/** Marks a statement's promise handled: the caller still sees the failure when it awaits it. */
function handled<V>(p: Promise<V>): Promise<V> {
  p.catch(() => undefined);
  return p;
}

const firstOf = <A>([a]: readonly [A, unknown]): A => a;
const secondOf = <B>([, b]: readonly [unknown, B]): B => b;
