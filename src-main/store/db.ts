/**
 * The counter's SQLite database (issue 9 "Local store"). One `StoreDb` per data directory, opened by the
 * composition root and passed to every store function; nothing here is a module-level singleton.
 *
 * Durability: `journal_mode=WAL` with `synchronous=FULL` on every connection. better-sqlite3's SQLite build
 * defaults WAL connections to NORMAL, where a commit is durable only at the next checkpoint: a sale the
 * counter acknowledged could vanish on power loss. FULL syncs the WAL on every commit.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { domainError, err, ok, type DomainError, type Result } from '../../src-shared';
import { acquireDataDirLock, type DataDirLock } from './lock';
import { foldForSearch } from './search-fold';
import { MIGRATIONS } from './migrations';

export const DB_FILE = 'counter.sqlite';

export interface StoreDb {
  readonly sql: Database.Database;
  readonly path: string;
  /** A prepared statement, compiled once per connection and reused (the SQL text is the cache key). */
  prepare(sql: string): Database.Statement;
  /** Runs `fn` in one IMMEDIATE transaction (writers queue instead of failing mid-transaction). */
  tx<T>(fn: () => T): T;
  close(): void;
}

export interface OpenStoreOptions {
  /** Skip the integrity check (the rescue export of a damaged database uses this way out). */
  readonly skipIntegrityCheck?: boolean;
  /** Do not take the data-directory lock (read-only tools on a stopped counter). */
  readonly noLock?: boolean;
}

/** Applies the connection pragmas; called for every connection this program opens. */
export function applyConnectionPragmas(sql: Database.Database): void {
  sql.pragma('journal_mode = WAL');
  sql.pragma('synchronous = FULL');
  sql.pragma('foreign_keys = ON');
  sql.pragma('busy_timeout = 5000');
  // The item search's case folding (migration 4 fills the catalogue's name_fold with it).
  sql.function('counter_fold', { deterministic: true }, (v: unknown) =>
    typeof v === 'string' ? foldForSearch(v) : v,
  );
}

/** Brings the schema up to date, forward only; refuses a database written by newer code. */
export function migrate(sql: Database.Database, file: string): Result<number, DomainError> {
  const current = sql.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    return err(
      domainError('STORE_NEWER_THAN_CODE', { path: file, found: current, known: MIGRATIONS.length }),
    );
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    const step = MIGRATIONS[v] as string;
    // Each step and its version bump commit together, so a crash mid-migration leaves the old version.
    sql
      .transaction(() => {
        sql.exec(step);
        sql.pragma(`user_version = ${v + 1}`);
      })
      .immediate();
  }
  return ok(MIGRATIONS.length);
}

function wrap(sql: Database.Database, file: string, onClose: () => void): StoreDb {
  const statements = new Map<string, Database.Statement>();
  const runInTransaction = sql.transaction((fn: () => unknown) => fn());
  return {
    sql,
    path: file,
    prepare: (text) => {
      let s = statements.get(text);
      if (!s) {
        s = sql.prepare(text);
        statements.set(text, s);
      }
      return s;
    },
    // One transaction function for the connection: better-sqlite3 compiles its BEGIN/COMMIT/SAVEPOINT
    // statements when a transaction function is made, so making one per call costs more than the work.
    tx: <T>(fn: () => T): T => runInTransaction.immediate(fn) as T,
    close: () => {
      if (sql.open) sql.close();
      onClose();
    },
  };
}

/**
 * Opens (creating if needed) the database of `dataDir`: lock, pragmas, integrity check, migrations.
 * Every failure is a value with a message saying what to do.
 */
export function openStore(dataDir: string, options: OpenStoreOptions = {}): Result<StoreDb, DomainError> {
  fs.mkdirSync(dataDir, { recursive: true });
  let lock: DataDirLock | null = null;
  if (!options.noLock) {
    const l = acquireDataDirLock(dataDir);
    if (!l.ok) return l;
    lock = l.value;
  }
  const file = path.join(dataDir, DB_FILE);
  const release = () => lock?.release();
  let sql: Database.Database;
  try {
    sql = new Database(file);
  } catch (e) {
    release();
    return err(domainError('STORE_CORRUPT', { path: file, detail: (e as Error).message }));
  }
  try {
    applyConnectionPragmas(sql);
    if (!options.skipIntegrityCheck) {
      const rows = sql.pragma('integrity_check') as { integrity_check: string }[];
      const problems = rows.map((r) => r.integrity_check).filter((t) => t !== 'ok');
      if (problems.length > 0) {
        sql.close();
        release();
        return err(domainError('STORE_CORRUPT', { path: file, detail: problems.slice(0, 3).join('; ') }));
      }
    }
    const m = migrate(sql, file);
    if (!m.ok) {
      sql.close();
      release();
      return m;
    }
  } catch (e) {
    // SQLITE_NOTADB and friends: the file is not a database we can read.
    if (sql.open) sql.close();
    release();
    return err(domainError('STORE_CORRUPT', { path: file, detail: (e as Error).message }));
  }
  return ok(wrap(sql, file, release));
}
