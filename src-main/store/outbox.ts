/**
 * The offline queue and the sync state (HOST-SYNC-CONTRACT.md). A use case enqueues its message inside the
 * transaction that writes the business fact, so the fact and its message commit or vanish together. The
 * sync daemon reads and acknowledges through the functions below, each one SQLite transaction.
 *
 * Duplicates are suppressed on the message id minted with the fact (never re-minted: a resend or a rescue
 * import carries the same id), so the core applies each fact once however often it is sent.
 */
import type { z } from 'zod';
import {
  SyncMessageSchema,
  type SyncMessage,
  type SyncPullResponse,
  type SyncPushResponse,
} from '../../src-shared/sync-protocol';
import type { StoreDb } from './db';
import { DECLINED_AT_FORWARDING, SYSTEM_RESOLVER, openCollectionInTx } from './collections';
import { applyChangesFromSyncInTx } from './from-sync';

export interface OutboxItem {
  /** The terminal's outbox sequence (SyncMessage.seq), strictly increasing. */
  seq: number;
  /** UUIDv7 minted with the business fact (the business key; never re-minted). */
  messageId: string;
  kind: SyncMessage['kind'];
  orderId: string | null;
  /** Exactly what is pushed. */
  message: SyncMessage;
  attempts: number;
  lastError: string | null;
  createdAt: string;
}

export type OutboxState = 'QUEUED' | 'ACKNOWLEDGED' | 'REJECTED';

interface OutboxRow {
  seq: number;
  message_id: string;
  kind: string;
  order_id: string | null;
  message: string;
  state: string;
  attempts: number;
  last_error: string | null;
  created_at: string;
}

export const rowToOutboxItem = (r: OutboxRow): OutboxItem => ({
  seq: r.seq,
  messageId: r.message_id,
  kind: r.kind as SyncMessage['kind'],
  orderId: r.order_id,
  message: JSON.parse(r.message) as SyncMessage,
  attempts: r.attempts,
  lastError: r.last_error,
  createdAt: r.created_at,
});

type WithoutSeq<T> = T extends unknown ? Omit<T, 'seq'> : never;
/** A message as a use case builds it; the outbox gives it its sequence. */
export type NewSyncMessage = WithoutSeq<z.input<typeof SyncMessageSchema>>;

/**
 * Appends a message to the queue, in the caller's transaction. The message is validated against the sync
 * contract first: an invalid message is a bug here, and must fail the use case, not sit in the queue.
 */
export function enqueueMessage(db: StoreDb, m: NewSyncMessage): OutboxItem {
  const next = db
    .prepare(
      `SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0),
                  COALESCE((SELECT MAX(seq) FROM outbox), 0)) + 1 AS n`,
    )
    .get() as { n: number };
  const message = SyncMessageSchema.parse({ ...m, seq: next.n });
  const orderId = 'orderId' in m ? m.orderId : orderOfPayment(db, m);
  db.prepare(
    `INSERT INTO outbox (seq, message_id, kind, order_id, message, state, attempts, created_at)
       VALUES (?, ?, ?, ?, ?, 'QUEUED', 0, ?)`,
  ).run(next.n, m.messageId, m.kind, orderId, JSON.stringify(message), m.occurredAt);
  return {
    seq: next.n,
    messageId: m.messageId,
    kind: m.kind,
    orderId,
    message,
    attempts: 0,
    lastError: null,
    createdAt: m.occurredAt,
  };
}

function orderOfPayment(db: StoreDb, m: NewSyncMessage): string | null {
  if (!('paymentId' in m)) return null;
  const r = db.prepare('SELECT order_id FROM payments WHERE payment_id = ?').get(m.paymentId) as
    { order_id: string } | undefined;
  return r?.order_id ?? null;
}

/** Queued messages in push order (rejected ones wait for a manager and are not pushed again). */
export function pendingOutbox(db: StoreDb, limit: number): OutboxItem[] {
  const rows = db
    .prepare(`SELECT * FROM outbox WHERE state = 'QUEUED' ORDER BY seq LIMIT ?`)
    .all(limit) as OutboxRow[];
  return rows.map(rowToOutboxItem);
}

export function outboxState(db: StoreDb, messageId: string): OutboxState | null {
  const r = db.prepare('SELECT state FROM outbox WHERE message_id = ?').get(messageId) as
    { state: string } | undefined;
  return (r?.state as OutboxState | undefined) ?? null;
}

export function outboxLastError(db: StoreDb, messageId: string): string | null {
  const r = db.prepare('SELECT last_error FROM outbox WHERE message_id = ?').get(messageId) as
    { last_error: string | null } | undefined;
  return r?.last_error ?? null;
}

/** The core's answer to a message, once acknowledged or rejected (e.g. END_OF_DAY's reconciliation). */
export function outboxResult(db: StoreDb, messageId: string): unknown {
  const r = db.prepare('SELECT result FROM outbox WHERE message_id = ?').get(messageId) as
    { result: string | null } | undefined;
  return r?.result ? (JSON.parse(r.result) as unknown) : null;
}

/** The order whole, for a manager resolving a rejection: order, lines, payments, operations. */
function orderSnapshot(db: StoreDb, orderId: string | null): string | null {
  if (!orderId) return null;
  const order = db.prepare('SELECT * FROM orders WHERE order_id = ?').get(orderId);
  if (!order) return null;
  return JSON.stringify({
    order,
    lines: db.prepare('SELECT * FROM order_lines WHERE order_id = ? ORDER BY line_no').all(orderId),
    payments: db.prepare('SELECT * FROM payments WHERE order_id = ?').all(orderId),
    operations: db
      .prepare('SELECT operation_id, payment_id, order_seq, body, origin FROM operations WHERE order_id = ?')
      .all(orderId),
  });
}

/**
 * Records the core's answer to a push. accepted/duplicate: acknowledged. rejected and retryable: stays
 * queued (nothing was recorded by the core). rejected for good: a sync exception with the whole order, for
 * a manager; the local facts stay as they are (a paid order never goes back to unpaid).
 */
export function recordPushResults(db: StoreDb, results: SyncPushResponse['results'], at: Date): void {
  const now = at.toISOString();
  const ack = db.prepare(
    `UPDATE outbox SET state = 'ACKNOWLEDGED', acknowledged_at = ?, result = ?, last_error = NULL
     WHERE message_id = ? AND state = 'QUEUED'`,
  );
  const retry = db.prepare(
    `UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE message_id = ? AND state = 'QUEUED'`,
  );
  const reject = db.prepare(
    `UPDATE outbox SET state = 'REJECTED', result = ?, last_error = ? WHERE message_id = ? AND state = 'QUEUED'`,
  );
  const orderOf = db.prepare('SELECT order_id, message FROM outbox WHERE message_id = ?');
  const isImported = db.prepare('SELECT 1 FROM outbox WHERE message_id = ? AND imported = 1');
  const exception = db.prepare(
    `INSERT OR IGNORE INTO sync_exceptions (message_id, order_id, code, message, order_snapshot, created_at,
       resolved_at, resolved_by, resolution)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const requestDone = db.prepare(
    `UPDATE refund_requests SET state = ?, updated_at = ? WHERE message_id = ? AND state = 'CLAIM_QUEUED'`,
  );
  db.tx(() => {
    for (const r of results) {
      if (r.status === 'accepted' || r.status === 'duplicate') {
        if (ack.run(now, JSON.stringify(r), r.messageId).changes > 0) {
          requestDone.run('DONE', now, r.messageId);
        }
      } else if (r.code === 'SYNC_ID_REUSED' && isImported.get(r.messageId)) {
        // A message taken over from a replaced counter that the core already holds from that counter: its
        // fact is in the core once; nothing is left to send.
        ack.run(now, JSON.stringify(r), r.messageId);
      } else if (r.retryable) {
        retry.run(`${r.code}: ${r.message}`, r.messageId);
      } else if (reject.run(JSON.stringify(r), `${r.code}: ${r.message}`, r.messageId).changes > 0) {
        const o = orderOf.get(r.messageId) as { order_id: string | null; message: string } | undefined;
        const orderId = o?.order_id ?? null;
        // A card sale the acquirer refused at forwarding: owed again, a collection task (collections.ts) —
        // or, at or below the store's collection threshold, written off by the system (resolved at once).
        const collection =
          r.code === DECLINED_AT_FORWARDING && o
            ? openCollectionInTx(
                db,
                JSON.parse(o.message) as Parameters<typeof openCollectionInTx>[1],
                r.message,
                now,
              )
            : null;
        const writtenOff = collection?.writtenOff ?? null;
        exception.run(
          r.messageId,
          orderId,
          r.code,
          collection?.message ?? r.message,
          orderSnapshot(db, orderId),
          now,
          writtenOff === null ? null : now,
          writtenOff === null ? null : SYSTEM_RESOLVER,
          writtenOff,
        );
        requestDone.run('REJECTED', now, r.messageId);
      }
    }
  });
}

/** The push did not reach the core or got no answer: the messages stay queued, in order. */
export function recordPushFailure(db: StoreDb, messageIds: string[], error: string, at: Date): void {
  void at;
  const upd = db.prepare(
    `UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE message_id = ? AND state = 'QUEUED'`,
  );
  db.tx(() => {
    for (const id of messageIds) upd.run(error.slice(0, 500), id);
  });
}

/** The last change-feed position applied here. */
export function syncCursor(db: StoreDb): number {
  return (db.prepare('SELECT cursor FROM sync_state WHERE id = 1').get() as { cursor: number }).cursor;
}

/** Applies a page of the change feed and advances the cursor, in one transaction; never enqueues. */
export function applyChangesFromSync(db: StoreDb, pull: SyncPullResponse, at: Date): void {
  db.tx(() => {
    applyChangesFromSyncInTx(db, pull, at);
    db.prepare('UPDATE sync_state SET cursor = MAX(cursor, ?) WHERE id = 1').run(pull.nextCursor);
  });
}

export interface SyncStatus {
  queued: number;
  oldestQueuedAt: string | null;
  lastSyncAt: string | null;
  openExceptions: number;
}

export function syncStatus(db: StoreDb, now: Date): SyncStatus {
  void now;
  const q = db
    .prepare(`SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE state = 'QUEUED'`)
    .get() as { n: number; oldest: string | null };
  const s = db.prepare('SELECT last_sync_at FROM sync_state WHERE id = 1').get() as {
    last_sync_at: string | null;
  };
  const e = db.prepare('SELECT COUNT(*) AS n FROM sync_exceptions WHERE resolved_at IS NULL').get() as {
    n: number;
  };
  return { queued: q.n, oldestQueuedAt: q.oldest, lastSyncAt: s.last_sync_at, openExceptions: e.n };
}

export function recordSyncSuccess(db: StoreDb, at: Date): void {
  db.prepare('UPDATE sync_state SET last_sync_at = ? WHERE id = 1').run(at.toISOString());
}

/** One outbox row as a manager sees it (any state). */
export interface OutboxRecord extends OutboxItem {
  state: OutboxState;
}

export function outboxRecord(db: StoreDb, messageId: string): OutboxRecord | null {
  const r = db.prepare('SELECT * FROM outbox WHERE message_id = ?').get(messageId) as
    (OutboxRow & { state: string }) | undefined;
  return r ? { ...rowToOutboxItem(r), state: r.state as OutboxState } : null;
}

/**
 * The outbox state of each operation of an order that went out as a message carrying its operation id
 * (payments, refunds, voids…): QUEUED (not yet with the core), ACKNOWLEDGED, REJECTED. The newest message
 * of an operation wins (a manager's RESEND queues it again under a new message id).
 */
export function operationOutboxStates(db: StoreDb, orderId: string): Map<string, OutboxState> {
  const rows = db
    .prepare(
      `SELECT json_extract(message, '$.operationId') AS op, state FROM outbox
       WHERE order_id = ? AND json_extract(message, '$.operationId') IS NOT NULL ORDER BY seq`,
    )
    .all(orderId) as { op: string; state: string }[];
  return new Map(rows.map((r) => [r.op, r.state as OutboxState]));
}
