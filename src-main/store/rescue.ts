/**
 * What a rescue file carries: everything this counter has not yet had acknowledged by the core (the queued
 * and rejected outbox messages) and the rows of the orders they concern. The import on another counter
 * re-queues the messages with their original message ids, so the core applies each fact once, whichever
 * counter pushes it. Each re-queued message says which counter recorded it (`rescuedFrom`: its payment-id
 * issuer): the core applies it as that counter's, so a message the broken counter had already pushed (its
 * answer lost with it) is a duplicate, and its payment ids are accepted from the importing counter.
 */
import { parsePaymentId, paymentIdIssuer } from '../../src-shared';
import { SyncMessageSchema } from '../../src-shared/sync-protocol';
import type { StoreDb } from './db';
import { getSetting } from './settings';

/** The settings key of this counter's payment-id issuer (host/compose.ts `SETTING.issuer`). */
const ISSUER_SETTING = 'counter.issuer';

export interface RescueSnapshot {
  readonly format: 'counter-rescue-v1';
  readonly exportedAt: string;
  /** The exporting counter's payment-id issuer (absent in files from before it was written). */
  readonly issuer?: number | null;
  readonly messages: {
    messageId: string;
    kind: string;
    orderId: string | null;
    message: unknown;
    createdAt: string;
    state: string;
  }[];
  readonly customers: Record<string, unknown>[];
  readonly orders: Record<string, unknown>[];
  readonly lines: Record<string, unknown>[];
  readonly payments: Record<string, unknown>[];
  readonly operations: Record<string, unknown>[];
}

export function rescueSnapshot(db: StoreDb, at: Date): RescueSnapshot {
  const messages = (
    db
      .prepare(
        `SELECT message_id, kind, order_id, message, created_at, state FROM outbox WHERE state <> 'ACKNOWLEDGED' ORDER BY seq`,
      )
      .all() as {
      message_id: string;
      kind: string;
      order_id: string | null;
      message: string;
      created_at: string;
      state: string;
    }[]
  ).map((r) => ({
    messageId: r.message_id,
    kind: r.kind,
    orderId: r.order_id,
    message: JSON.parse(r.message) as unknown,
    createdAt: r.created_at,
    state: r.state,
  }));
  const orderIds = [...new Set(messages.map((m) => m.orderId).filter((x): x is string => x !== null))];
  const rows = (sql: string) =>
    orderIds.flatMap((id) => db.prepare(sql).all(id) as Record<string, unknown>[]);
  return {
    format: 'counter-rescue-v1',
    exportedAt: at.toISOString(),
    issuer: getSetting<number>(db, ISSUER_SETTING) ?? issuerOfMessages(messages),
    messages,
    customers: rows(
      'SELECT c.* FROM customers c JOIN orders o ON o.customer_id = c.customer_id WHERE o.order_id = ?',
    ),
    orders: rows('SELECT * FROM orders WHERE order_id = ?'),
    lines: rows('SELECT * FROM order_lines WHERE order_id = ?'),
    payments: rows('SELECT * FROM payments WHERE order_id = ?'),
    operations: rows('SELECT * FROM operations WHERE order_id = ? ORDER BY order_seq'),
  };
}

/** The issuer of the payment ids the counter minted (PAYMENT_RECORDED carries only its own). */
function issuerOfMessages(messages: RescueSnapshot['messages']): number | null {
  for (const m of messages) {
    const id = (m.message as { kind?: unknown; paymentId?: unknown }).paymentId;
    if (m.kind !== 'PAYMENT_RECORDED' || typeof id !== 'string') continue;
    const parsed = parsePaymentId(id);
    if (parsed.ok) return paymentIdIssuer(parsed.value);
  }
  return null;
}

function insertIgnoring(db: StoreDb, table: string, row: Record<string, unknown>): void {
  const cols = Object.keys(row);
  db.prepare(
    `INSERT OR IGNORE INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`,
  ).run(row);
}

/** Imports a snapshot in one transaction; a message already here (by id) is not queued twice. */
export function importRescueSnapshot(
  db: StoreDb,
  snap: RescueSnapshot,
): { queued: number; skipped: number; orders: number } {
  let queued = 0;
  let skipped = 0;
  const own = getSetting<number>(db, ISSUER_SETTING) ?? null;
  const exporter = snap.issuer ?? issuerOfMessages(snap.messages);
  db.tx(() => {
    for (const c of snap.customers) insertIgnoring(db, 'customers', c);
    // The orders were made at the other counter: here they are facts learnt from elsewhere.
    for (const o of snap.orders) insertIgnoring(db, 'orders', { ...o, origin: 'SYNC' });
    for (const l of snap.lines) insertIgnoring(db, 'order_lines', l);
    for (const p of snap.payments) insertIgnoring(db, 'payments', { ...p, collected_here: 0 });
    for (const op of snap.operations) insertIgnoring(db, 'operations', { ...op, origin: 'SYNC' });
    const exists = db.prepare('SELECT 1 FROM outbox WHERE message_id = ?');
    const next = db.prepare(
      `SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0),
                  COALESCE((SELECT MAX(seq) FROM outbox), 0)) + 1 AS n`,
    );
    const ins = db.prepare(
      `INSERT INTO outbox (seq, message_id, kind, order_id, message, state, attempts, created_at, imported)
       VALUES (?, ?, ?, ?, ?, 'QUEUED', 0, ?, 1)`,
    );
    for (const m of snap.messages) {
      if (exists.get(m.messageId)) {
        skipped++;
        continue;
      }
      const seq = (next.get() as { n: number }).n;
      // Same message id (the business key), this counter's sequence.
      // Who recorded it: the exporter, or — for a message it had itself imported from a counter that broke
      // before it — that first counter (a second rescue keeps the first origin).
      const { rescuedFrom: carried, ...fact } = m.message as { rescuedFrom?: { issuer: number } | null };
      const origin = carried?.issuer ?? exporter;
      const message = SyncMessageSchema.parse({
        ...fact,
        seq,
        ...(origin !== null && origin !== own ? { rescuedFrom: { issuer: origin } } : {}),
      });
      ins.run(seq, m.messageId, m.kind, m.orderId, JSON.stringify(message), m.createdAt);
      queued++;
    }
  });
  return { queued, skipped, orders: snap.orders.length };
}
