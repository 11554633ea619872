import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DB_FILE,
  LOCK_FILE,
  appendAudit,
  auditTrail,
  openStore,
  type StoreDb,
} from '../../../src-main/store';
import { MIGRATIONS } from '../../../src-main/store/migrations';
import { openTestStore, tempDataDir } from '../../helpers/host-store';

const opened: StoreDb[] = [];
const track = (db: StoreDb) => (opened.push(db), db);
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

describe('the counter store', () => {
  it('runs every connection in WAL with synchronous=FULL and foreign keys on', () => {
    const db = track(openTestStore());
    expect(db.sql.pragma('journal_mode', { simple: true })).toBe('wal');
    // 2 = FULL (better-sqlite3 defaults WAL connections to NORMAL = 1, which can lose a committed sale).
    expect(db.sql.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.sql.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.sql.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
  });

  it('reopens an existing database with the same pragmas and without re-running migrations', () => {
    const dir = tempDataDir();
    const a = openTestStore(dir);
    a.sql.prepare(`INSERT INTO settings (key, value) VALUES ('x', '1')`).run();
    a.close();
    const b = track(openTestStore(dir));
    expect(b.sql.pragma('synchronous', { simple: true })).toBe(2);
    expect(b.sql.prepare(`SELECT value FROM settings WHERE key = 'x'`).get()).toEqual({ value: '1' });
  });

  it('uses STRICT tables whose CHECKs refuse impossible rows', () => {
    const db = track(openTestStore());
    const strict = db.sql
      .prepare(`SELECT name, strict FROM pragma_table_list WHERE schema = 'main'`)
      .all() as {
      name: string;
      strict: number;
    }[];
    for (const t of strict.filter((t) => !t.name.startsWith('sqlite_')))
      expect(t, t.name).toMatchObject({ strict: 1 });
    expect(() =>
      db.sql
        .prepare(
          `INSERT INTO catalogue (sku, name, price_minor, currency, tax_rate_bp, updated_at)
           VALUES ('A', 'Apple', 'twelve', 'EUR', 700, 'now')`,
        )
        .run(),
    ).toThrow(/cannot store TEXT value in INTEGER column/);
    expect(() =>
      db.sql
        .prepare(
          `INSERT INTO catalogue (sku, name, price_minor, currency, tax_rate_bp, updated_at)
           VALUES ('A', 'Apple', -1, 'EUR', 700, 'now')`,
        )
        .run(),
    ).toThrow(/CHECK constraint failed/);
  });

  it('refuses a database written by newer code, saying which version to install', () => {
    const dir = tempDataDir();
    openTestStore(dir).close();
    const raw = new Database(path.join(dir, DB_FILE));
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    const r = openStore(dir);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('STORE_NEWER_THAN_CODE');
    expect(r.error.message).toContain(`schema version ${MIGRATIONS.length + 1}`);
    // The refusal releases the lock, so the newer program can still open it.
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });

  it('refuses a damaged database with a message that names the way out', () => {
    const dir = tempDataDir();
    const db = openTestStore(dir);
    const ins = db.sql.prepare(`INSERT INTO settings (key, value) VALUES (?, ?)`);
    db.tx(() => {
      for (let i = 0; i < 2000; i++) ins.run(`key-${i}`, 'x'.repeat(100));
    });
    db.sql.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const file = path.join(dir, DB_FILE);
    const bytes = fs.readFileSync(file);
    // Scribble over the middle pages (not the header), as a failing disk would.
    for (let i = 3 * 4096; i < 20 * 4096 && i < bytes.length; i++) bytes[i] = (i * 7) & 0xff;
    fs.writeFileSync(file, bytes);
    const r = openStore(dir);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('STORE_CORRUPT');
    expect(r.error.message).toContain('export-rescue');
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });

  it('lets only one host use a data directory, and takes over the lock of a dead one', () => {
    const dir = tempDataDir();
    const first = track(openTestStore(dir));
    const second = openStore(dir);
    expect(second.ok).toBe(false);
    if (!second.ok) {
      expect(second.error.code).toBe('STORE_LOCKED');
      expect(second.error.message).toContain(String(process.pid));
    }
    first.close();
    opened.length = 0;
    // A host that died (SIGKILL) leaves its lock file behind with its pid.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    fs.writeFileSync(path.join(dir, LOCK_FILE), String(dead));
    const third = openStore(dir);
    expect(third.ok).toBe(true);
    if (third.ok) {
      expect(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8')).toBe(String(process.pid));
      third.value.close();
    }
  });

  it('keeps the audit log append-only', () => {
    const db = track(openTestStore());
    appendAudit(db, { at: new Date(), actor: 'm1', action: 'REFUND', subject: 'o1', details: { amount: 5 } });
    expect(() => db.sql.prepare(`UPDATE audit_log SET actor = 'x'`).run()).toThrow(/append-only/);
    expect(() => db.sql.prepare(`DELETE FROM audit_log`).run()).toThrow(/append-only/);
    expect(auditTrail(db, { subject: 'o1' })).toMatchObject([
      { actor: 'm1', action: 'REFUND', details: { amount: 5 } },
    ]);
  });
});
