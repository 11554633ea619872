/** Real SQLite files in a temporary data directory for the host's tests. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createUuidV7Generator, isLuhnValid, parsePaymentId, TEST_CARDS, type Uuid } from '../../src-shared';
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

/**
 * Luhn-valid runs of 13-19 digits that are not payment ids, in the given files (a database, its WAL, an
 * export): a full card number would show up here. Digit runs are taken whole (SQLite may store two text
 * fields back to back, e.g. a payment id followed by an order id starting with digits): payment ids inside a
 * run are cut out first, and what remains is checked when it is 13-19 digits long.
 */
export function cardNumbersIn(files: readonly string[]): string[] {
  const found: string[] = [];
  for (const f of files) {
    if (!fs.existsSync(f)) continue;
    const text = fs.readFileSync(f).toString('latin1');
    for (const m of text.matchAll(/\d{13,}/g)) {
      const parts: string[] = [];
      let rest = m[0];
      let cut = '';
      for (let i = 0; i < rest.length;) {
        if (parsePaymentId(rest.slice(i, i + 19)).ok) {
          parts.push(cut);
          cut = '';
          i += 19;
        } else cut += rest[i++];
      }
      parts.push(cut);
      rest = '';
      for (const p of parts) {
        if (p.length >= 13 && p.length <= 19 && isLuhnValid(p)) found.push(`${path.basename(f)}: ${p}`);
      }
    }
  }
  return found;
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
    for (const c of TEST_CARDS) if (text.includes(c.pan)) found.push(`${path.basename(f)}: ${c.id}`);
  }
  return found;
}
