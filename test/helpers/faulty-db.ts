/**
 * A fault-injecting wrapper around a real `Db` (PGlite or PostgreSQL), for tests that prove what happens when
 * the database fails at one precise statement: everything runs on the real database, except that the next
 * statement matching a predicate throws a connection failure (SQLSTATE 08006) instead of running. Inside a
 * transaction that rolls the whole transaction back, exactly as a database lost mid-transaction does.
 */
import type { Db, Queryable, SqlValue } from '../../src-core/db/adapter';

export interface FaultyDb extends Db {
  /** The next `times` statements whose SQL matches `when` fail instead of running. */
  failNext(when: (sql: string) => boolean, times?: number): void;
  /** How many statements failed on purpose so far. */
  readonly injected: number;
}

/** The statement that closes a journal row after its answer was recorded: failing it rolls the record back. */
export const CLOSING_A_JOURNAL_ROW = (sql: string) =>
  sql.includes(`UPDATE acquirer_journal SET state = 'DONE'`);

export function faultyDb(db: Db): FaultyDb {
  let armed: { when: (sql: string) => boolean; left: number } | null = null;
  let injected = 0;
  const check = (sql: string) => {
    if (!armed || !armed.when(sql)) return;
    armed.left -= 1;
    if (armed.left <= 0) armed = null;
    injected += 1;
    throw Object.assign(new Error('injected database failure (test): connection lost'), { code: '08006' });
  };
  const wrap = (q: Queryable): Queryable => ({
    query<Row>(sql: string, params?: readonly SqlValue[]) {
      try {
        check(sql);
      } catch (e) {
        return Promise.reject(e);
      }
      return q.query<Row>(sql, params);
    },
  });
  const outside = wrap(db);
  return {
    kind: db.kind,
    query: (sql, params) => outside.query(sql, params),
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    exec: (sql) => db.exec(sql),
    listen: (channels, handlers) => db.listen(channels, handlers),
    close: () => db.close(),
    failNext(when, times = 1) {
      armed = { when, left: times };
    },
    get injected() {
      return injected;
    },
  };
}
