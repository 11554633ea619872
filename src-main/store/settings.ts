/**
 * Settings (key → JSON value), the payment-id issuer's persisted sequence and the card terminal's last
 * known receipt/trace numbers.
 */
import type { PaymentIdSequenceStore } from '../../src-shared';
import type { StoreDb } from './db';

export function getSetting<T>(db: StoreDb, key: string): T | undefined {
  const r = db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
  return r ? (JSON.parse(r.value) as T) : undefined;
}

export function setSetting(db: StoreDb, key: string, value: unknown): void {
  db.prepare(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(key, JSON.stringify(value));
}

export function allSettings(db: StoreDb): Record<string, unknown> {
  const rows = db.prepare('SELECT key, value FROM settings ORDER BY key').all() as {
    key: string;
    value: string;
  }[];
  return Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
}

/**
 * The issuer's sequence in this database. `mintPaymentId` reads and writes it inside the use case's
 * transaction, so the id and the row that uses it commit together: an id is never handed out twice.
 */
export function paymentIdSequenceStore(db: StoreDb): PaymentIdSequenceStore {
  return {
    readNext: (issuer) => {
      const r = db.prepare('SELECT next FROM id_sequences WHERE issuer = ?').get(issuer) as
        { next: number } | undefined;
      return r?.next ?? 0;
    },
    writeNext: (issuer, next) => {
      db.prepare(
        `INSERT INTO id_sequences (issuer, next) VALUES (?, ?)
           ON CONFLICT (issuer) DO UPDATE SET next = MAX(next, excluded.next)`,
      ).run(issuer, next);
    },
  };
}

export interface TerminalState {
  readonly lastReceipt: string | null;
  readonly lastTrace: string | null;
  readonly updatedAt: string;
}

/** undefined: never recorded (the terminal's history before this counter is unknown). */
export function terminalState(db: StoreDb): TerminalState | undefined {
  const r = db.prepare('SELECT * FROM terminal_state WHERE id = 1').get() as
    { last_receipt: string | null; last_trace: string | null; updated_at: string } | undefined;
  return r ? { lastReceipt: r.last_receipt, lastTrace: r.last_trace, updatedAt: r.updated_at } : undefined;
}

export function recordTerminalState(
  db: StoreDb,
  s: { lastReceipt: string | null; lastTrace?: string | null },
  at: Date,
): void {
  db.prepare(
    `INSERT INTO terminal_state (id, last_receipt, last_trace, updated_at) VALUES (1, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET last_receipt = excluded.last_receipt,
         last_trace = COALESCE(excluded.last_trace, last_trace), updated_at = excluded.updated_at`,
  ).run(s.lastReceipt, s.lastTrace ?? null, at.toISOString());
}
