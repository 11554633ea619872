/**
 * One database interface over PostgreSQL (`pg`) and embedded PGlite, so the same migrations and the same SQL
 * run on both (issue 3 "Runtime and storage"). Query functions take a `Queryable` and never open their own
 * transaction; domain services own the boundary with `db.transaction` (style.md "Data").
 */

export type SqlValue = string | number | boolean | null | Date | Uint8Array;

export interface Queryable {
  /** Runs one statement with `$1…$n` parameters and returns its rows. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
}

/** A statement run in a transaction (`Db.transaction`). */
export interface Tx extends Queryable {
  /**
   * Runs the transaction's **last** statement with COMMIT right behind it, in one round trip (PostgreSQL,
   * pipelined). A statement that fails aborts the transaction, and COMMIT then rolls it back, so a failure
   * still leaves nothing behind; a success is committed when the promise resolves, and nothing can be undone
   * after it (no statement may follow, and an exception thrown after it no longer rolls anything back).
   * When it is also the transaction's first statement, it runs alone, without BEGIN and COMMIT: PostgreSQL
   * makes a statement outside a transaction block a transaction of its own, as atomic and as durable.
   * Absent where commits cannot be pipelined (PGlite, wrappers): use `lastStatement`, which falls back to
   * `query` and the commit when the transaction's function returns.
   */
  queryAndCommit?<Row = Record<string, unknown>>(
    sql: string,
    params?: readonly SqlValue[],
    share?: CommitShare,
  ): Promise<Row[]>;
}

/**
 * Said of a transaction's only statement that may share its commit with other such statements
 * (db/shared-commits.ts): it locks rows of one order only, named by `lockKey` (or of none: any key), and no
 * row that transactions of other orders take.
 */
export interface CommitShare {
  lockKey: string;
}

/**
 * A view of `tx` for code that issues exactly one statement which is the transaction's last (e.g. the
 * ledger append that also closes a journal row): that statement commits with it where the database can.
 * One-shot: a second statement through the view throws before anything is sent. With `share`, a statement
 * that is also the transaction's first may share its commit with others (`CommitShare`).
 */
export function lastStatement(tx: Tx, share?: CommitShare): Queryable {
  let used = false;
  return {
    query<Row = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<Row[]> {
      if (used) throw new Error('lastStatement: a second statement after the last one');
      used = true;
      return tx.queryAndCommit ? tx.queryAndCommit<Row>(sql, params, share) : tx.query<Row>(sql, params);
    },
  };
}

/**
 * A piece of SQL whose parameters are numbered by the statement that embeds it: `param(value)` appends the
 * value and returns its placeholder (`$n`). Lets one module's write ride in another module's statement as a
 * data-modifying CTE (one round trip instead of two, e.g. closing a journal row in the statement that appends
 * the ledger operation), while the SQL stays in the module that owns the table.
 */
export type SqlFragment = (param: (value: SqlValue) => string) => string;

/** Renders a fragment as a statement of its own (parameters from $1). */
export function standalone(fragment: SqlFragment): { sql: string; params: SqlValue[] } {
  const params: SqlValue[] = [];
  const sql = fragment(placeholders(params));
  return { sql, params };
}

/** The `param` a fragment is rendered with: appends to `params`, returns the value's placeholder (`$n`). */
export function placeholders(params: SqlValue[]): (value: SqlValue) => string {
  return (value) => `$${params.push(value)}`;
}

/** What a listener is told (db.listen). */
export interface NotificationHandlers {
  /** A NOTIFY on one of the channels; sent by a transaction that has committed. */
  onNotify(channel: string, payload: string): void;
  /**
   * The listening connection was lost and is back: notifications sent in between are lost, so whatever was
   * kept up to date by them must be thrown away (PostgreSQL only; PGlite never loses them).
   */
  onReconnect(): void;
}

export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /**
   * Runs `fn` in one transaction (READ COMMITTED), committing when it resolves and rolling back when it
   * throws. On PostgreSQL a serialization failure or deadlock is retried with a fresh transaction, so `fn`
   * must not have side effects outside the database (call acquirers before or after, never inside).
   * With `share`, a transaction that issues all its statements at once (the last through `lastStatement`)
   * may share its commit with others (pipelined PostgreSQL, db/shared-commits.ts): its statements lock rows
   * of the one order `share.lockKey` names (or of none) and no row that transactions of other orders take.
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>, share?: CommitShare): Promise<T>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * LISTENs on the channels (PostgreSQL: on a connection of its own, outside the pool, reconnecting when it is
   * lost; PGlite: in process), until the returned function is called.
   */
  listen(channels: readonly string[], handlers: NotificationHandlers): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** SQLSTATE of a database error, when it is one. */
export function sqlState(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && 'code' in e) {
    const code = (e as { code: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/** The constraint a unique/check violation names, when the driver reports it. */
export function violatedConstraint(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && 'constraint' in e) {
    const c = (e as { constraint: unknown }).constraint;
    return typeof c === 'string' ? c : undefined;
  }
  return undefined;
}

export const isUniqueViolation = (e: unknown): boolean => sqlState(e) === '23505';
/** 40001 serialization_failure, 40P01 deadlock_detected: the transaction can be retried as a whole. */
export const isRetryableTxError = (e: unknown): boolean => {
  const s = sqlState(e);
  return s === '40001' || s === '40P01';
};

/**
 * BIGINT columns come back as strings from `pg` and as numbers from PGlite; money must be a safe integer
 * either way (style.md "PostgreSQL: convert node-postgres strings with a safe-integer check").
 */
export function toSafeInteger(value: unknown, column: string): number {
  const n = typeof value === 'bigint' ? Number(value) : typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) {
    throw new Error(`column ${column}: ${String(value)} is not a safe integer`);
  }
  return n;
}

export function toNullableSafeInteger(value: unknown, column: string): number | null {
  return value === null || value === undefined ? null : toSafeInteger(value, column);
}

/**
 * A UTC timestamp as PostgreSQL writes it in JSON (`2026-11-21T21:22:11.163672+00:00`, when the session's
 * TimeZone is UTC): rewritten to the ISO form directly, since parsing a Date and printing it again for every
 * timestamp of every operation of an order showed in the profile of the refund path. Like `Date` it keeps
 * milliseconds and drops the rest. Anything else goes through `Date`.
 */
const PG_UTC_TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?\+00:00$/;

export function toIso(value: unknown, column: string): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') {
    const utc = PG_UTC_TIMESTAMP.exec(value);
    if (utc) return `${utc[1]}.${`${utc[2] ?? ''}000`.slice(0, 3)}Z`;
    return new Date(value).toISOString();
  }
  throw new Error(`column ${column}: ${String(value)} is not a timestamp`);
}
