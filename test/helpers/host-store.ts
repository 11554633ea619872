/** Real SQLite files in a temporary data directory for the host's tests. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createUuidV7Generator, isLuhnValid, parsePaymentId, TEST_CARDS, type Uuid } from '../../src-shared';
import Database from 'better-sqlite3';
import { openStore, type StoreDb } from '../../src-main/store';

export function tempDataDir(prefix = 'counter-host-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function openTestStore(dir = tempDataDir()): StoreDb {
  const r = openStore(dir);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

export function newIdGenerator(): () => Uuid {
  return createUuidV7Generator({ now: () => Date.now(), randomBytes: (n) => new Uint8Array(randomBytes(n)) });
}

/** Epoch milliseconds near now (a log's `"time":1764751234567`) are 13 digits but no card number. */
const EPOCH_MS_SLACK = 3 * 24 * 3_600_000;
const isNowInEpochMs = (run: string) =>
  run.length === 13 && Math.abs(Number(run) - Date.now()) < EPOCH_MS_SLACK;

/** A finding without repeating the number in full: first six, last four, length. */
const masked = (digits: string) => `${digits.slice(0, 6)}…${digits.slice(-4)} (${digits.length} digits)`;

/**
 * Luhn-valid runs of 13-19 digits that are not payment ids in a text, each as `<name> @ <offset>: <masked>`.
 * Digit runs are taken whole (two fields back to back, e.g. a payment id followed by an order id starting with
 * digits): payment ids inside a run are cut out first, and what remains is checked when it is 13-19 digits
 * long; a 13-digit run that is the current time in epoch milliseconds (log timestamps) and the digits after a
 * decimal point are not card numbers.
 */
export function cardNumbersInText(text: string, name: string): string[] {
  const found: string[] = [];
  // Whole runs only, and not the fraction of a decimal number (a log's `"responseTime":217.74495200000092`).
  for (const m of text.matchAll(/(?<!\d)(?<!\d\.)\d{13,}/g)) {
    let cut = '';
    let cutAt = m.index;
    const check = () => {
      if (cut.length >= 13 && cut.length <= 19 && isLuhnValid(cut) && !isNowInEpochMs(cut))
        found.push(`${name} @ ${cutAt}: ${masked(cut)}`);
    };
    const run = m[0];
    for (let i = 0; i < run.length;) {
      if (parsePaymentId(run.slice(i, i + 19)).ok) {
        check();
        i += 19;
        cut = '';
        cutAt = m.index + i;
      } else cut += run[i++];
    }
    check();
  }
  return found;
}

const SQLITE_MAGIC = 'SQLite format 3\0';

/**
 * Every text and blob value (a blob as latin1) of every table of a SQLite database, one value at a time, with
 * where it is: `<table>.<column> rowid <n>`. Opened read-only, so committed WAL content counts.
 */
export function sqliteTextValues(file: string): { where: string; text: string }[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const values: { where: string; text: string }[] = [];
    const tables = db
      .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
      .all() as { name: string }[];
    for (const { name } of tables) {
      for (const row of db.prepare(`SELECT rowid AS _rowid, * FROM "${name}"`).iterate() as Iterable<
        Record<string, unknown>
      >) {
        for (const [column, value] of Object.entries(row)) {
          if (column === '_rowid') continue;
          const text =
            typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('latin1') : null;
          if (text !== null) values.push({ where: `${name}.${column} rowid ${String(row._rowid)}`, text });
        }
      }
    }
    return values;
  } finally {
    db.close();
  }
}

/**
 * Card numbers in every value of a SQLite database (sqliteTextValues: raw pages put fields back to back and
 * keep freed rows, where chance digit runs appear), as `<file> <table>.<column> rowid <n> @ <offset>: <masked>`.
 */
export function cardNumbersInSqlite(file: string): string[] {
  return sqliteTextValues(file).flatMap(({ where, text }) =>
    cardNumbersInText(text, `${path.basename(file)} ${where}`),
  );
}

/**
 * Card numbers in the given files: a SQLite database value by value (cardNumbersInSqlite); its WAL, shared
 * memory and journal files (page images, also of freed rows) for the test cards' numbers (the only cards the
 * virtual terminal and the sandbox ever see); any other file (a log, a receipt, an export) as text with
 * cardNumbersInText. Each finding names the file and the offset.
 */
export function cardNumbersIn(files: readonly string[]): string[] {
  const found: string[] = [];
  for (const f of files) {
    if (!fs.existsSync(f) || !fs.statSync(f).isFile()) continue;
    const bytes = fs.readFileSync(f);
    if (/-(wal|shm|journal)$/.test(f)) found.push(...testCardNumbersIn([f]));
    else if (bytes.subarray(0, 16).toString('latin1') === SQLITE_MAGIC) found.push(...cardNumbersInSqlite(f));
    else found.push(...cardNumbersInText(bytes.toString('latin1'), path.basename(f)));
  }
  return found;
}

/** Every file under a directory (recursively). */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

/**
 * The test cards' full numbers found in binary files (a database and its WAL). Raw database pages hold
 * fragments of freed rows, so a generic Luhn scan of them finds chance matches; the virtual terminal only
 * ever reads these cards, so any leak of a card number is one of them.
 */
export function testCardNumbersIn(files: readonly string[]): string[] {
  const found: string[] = [];
  for (const f of files) {
    if (!fs.existsSync(f)) continue;
    const text = fs.readFileSync(f).toString('latin1');
    for (const c of TEST_CARDS) {
      const at = text.indexOf(c.pan);
      if (at !== -1) found.push(`${path.basename(f)} @ ${at}: ${c.id}`);
    }
  }
  return found;
}
