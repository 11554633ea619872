/**
 * The SQL of the acquirer journal's rows (entries.ts says what a row is): writing a PENDING row (under the
 * API request's idempotence claim), locking it with its order, closing it (on its own or riding in the
 * statement that appends the ledger operation), keeping it open as UNKNOWN, and the reads the journal, the
 * reconciler and a retry resume by. These functions never open a transaction of their own (style.md "Data");
 * journal.ts decides the boundaries.
 */
import { type DomainError, type Uuid } from '../../src-shared';
import { standalone, type Queryable, type SqlFragment } from '../db/adapter';
import {
  lockedOrderColumns,
  lockedOrderFromRow,
  wholeOrderColumns,
  wholeOrderFromRow,
  type LockedOrderRow,
  type KnownOrder,
  type WholeOrder,
  type WholeOrderRow,
} from '../ledger/whole-order';
import type { AcquirerAnswer, JournalEntry, JournalIntent, JournalResult, RequestKey } from './entries';
import { ENTRY_COLUMNS, entryParams, errorJson, pendingEntry, rowToEntry, type EntryRow } from './entry-rows';

/** A PENDING row's insert from a SELECT of its parameters ($1–$12, `entryParams`), for a WHERE to follow. */
const INSERT_SELECTED = `INSERT INTO acquirer_journal (id, kind, merchant_id, order_id, payment_id, amount_minor,
       currency, mode, card_ref, request, request_key, request_hash, state)
     SELECT $1::uuid, $2::text, $3::text, $4::uuid, $5::text, $6::bigint, $7::text, $8::text, $9::text,
       $10::text, $11::text, $12::text, 'PENDING'`;

/** Writes a PENDING row (its own statement, committed before the acquirer is called). */
export async function insertEntry(q: Queryable, id: Uuid, i: JournalIntent): Promise<JournalEntry> {
  const params = entryParams(id, i);
  const rows = await q.query<Pick<EntryRow, 'created_at'>>(
    `INSERT INTO acquirer_journal (id, kind, merchant_id, order_id, payment_id, amount_minor, currency, mode,
       card_ref, request, request_key, request_hash, state)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'PENDING')
     RETURNING created_at`,
    params,
  );
  return pendingEntry(id, i, params[9] as string, rows[0]!.created_at);
}

/**
 * The same, written only while the API request's idempotence claim `claimId` holds (it locks the claim row
 * FOR SHARE, so a takeover waits for this insert, or this insert sees the takeover and writes nothing): null
 * when the claim was taken over by a retry (claim-liveness.ts), so the acquirer is never called twice.
 */
export async function insertEntryUnderClaim(
  q: Queryable,
  id: Uuid,
  i: JournalIntent & { requestKey: RequestKey },
  claimId: string,
): Promise<JournalEntry | null> {
  const params = entryParams(id, i);
  const rows = await q.query<Pick<EntryRow, 'created_at'>>(
    `${INSERT_SELECTED}
     FROM idempotence_keys k
     WHERE k.merchant_id = $3 AND k.key = $11 AND k.request_hash = $12 AND k.claim_id = $13::uuid
       AND k.state = 'IN_PROGRESS'
     FOR SHARE OF k
     RETURNING created_at`,
    [...params, claimId],
  );
  return rows[0] ? pendingEntry(id, i, params[9] as string, rows[0].created_at) : null;
}

/**
 * Holds the API request's idempotence claim for the rest of the transaction (FOR SHARE, as
 * `insertEntryUnderClaim` does): false when a retry took it over. Taken first in a transaction that writes
 * the journal row last, so a takeover waits for the row's commit, or the row is not written.
 */
export async function holdClaim(
  q: Queryable,
  merchantId: string,
  key: RequestKey,
  claimId: string,
): Promise<boolean> {
  const rows = await q.query(
    `SELECT 1 FROM idempotence_keys k
     WHERE k.merchant_id = $1 AND k.key = $2 AND k.request_hash = $3 AND k.claim_id = $4::uuid
       AND k.state = 'IN_PROGRESS'
     FOR SHARE OF k`,
    [merchantId, key.key, key.hash, claimId],
  );
  return rows.length > 0;
}

export async function selectEntry(q: Queryable, id: string, forUpdate = false): Promise<JournalEntry | null> {
  const rows = await q.query<EntryRow>(
    `SELECT ${ENTRY_COLUMNS} FROM acquirer_journal WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0] ? rowToEntry(rows[0]) : null;
}

const ENTRY_COLUMNS_OF_J = ENTRY_COLUMNS.replace(/created_at\) \* 1000/, 'j.created_at) * 1000')
  .split(', ')
  .map((c) => (c.includes(' AS ') ? c.replace(' AS ', ' AS j_') : `j.${c} AS j_${c}`))
  .join(', ');

/**
 * The row locked together with its order, both `FOR UPDATE` in one statement (the row first, as
 * `selectEntry(…, true)` and then the order would): the whole order comes back too, so recording an answer
 * that appends to an existing order does not lock and load it in a statement of its own. Null when the row
 * does not exist. See `selectWholeOrder` for why the order's payments and operations are current.
 */
export async function selectEntryWithOrderForUpdate(
  tx: Queryable,
  id: string,
  /**
   * The order as read when the row was written (same process): when the order row locked is still that
   * version, its payments and operations are not loaded again (`lockedOrderFromRow`).
   */
  known?: KnownOrder,
): Promise<{ entry: JournalEntry; order: WholeOrder } | null> {
  const reuse = known?.version !== undefined;
  const rows = await tx.query<Record<string, unknown>>(
    `SELECT ${ENTRY_COLUMNS_OF_J}, ${reuse ? lockedOrderColumns : wholeOrderColumns(true)}
     FROM acquirer_journal j JOIN orders o ON o.id = j.order_id AND o.merchant_id = j.merchant_id
     WHERE j.id = $1 FOR UPDATE OF j, o`,
    [id],
  );
  const row = rows[0];
  if (!row) return null;
  const entryRow: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) if (k.startsWith('j_')) entryRow[k.slice(2)] = v;
  return {
    entry: rowToEntry(entryRow as unknown as EntryRow),
    order:
      reuse && known
        ? await lockedOrderFromRow(tx, row as unknown as LockedOrderRow, known)
        : await wholeOrderFromRow(tx, row as unknown as WholeOrderRow),
  };
}

export interface EntryClosing {
  result: JournalResult;
  answer: AcquirerAnswer;
  error?: DomainError | null;
  exceptionId?: Uuid | null;
}

/** Closes an open row; false when it was closed already (another process settled it first). */
export async function closeEntryInTx(tx: Queryable, id: string, close: EntryClosing): Promise<boolean> {
  const { sql, params } = standalone(closeEntryWrite(id, close));
  const rows = await tx.query(sql, params);
  return rows.length > 0;
}

/**
 * The same, as a write that rides in the statement appending the ledger operation the answer records
 * (`alsoInStatement` of the ledger service): "recorded" and "closed" in one statement of the one transaction.
 * The caller holds the row lock (`selectEntry(…, true)`), so the row cannot change in between.
 */
export const closeEntryWrite =
  (id: string, close: EntryClosing, condition?: string): SqlFragment =>
  (param) =>
    `UPDATE acquirer_journal SET state = 'DONE', result = ${param(close.result)}, answer = ${param(
      JSON.stringify(close.answer),
    )}, error = ${param(errorJson(close.error ?? null))}, exception_id = ${param(close.exceptionId ?? null)},
       closed_at = statement_timestamp()
     WHERE id = ${param(id)} AND state <> 'DONE'${condition ? ` AND ${condition}` : ''} RETURNING id`;

/**
 * The condition of recording an answer without locking the row and its order first (`onlyIf` of the ledger's
 * append): the row is still open as PENDING and the order row is the very version read when the row was
 * written (same xmin, same operation count: nothing was added since), both locked FOR UPDATE in that order,
 * as `selectEntryWithOrderForUpdate` locks them. A row that changed hands (the reconciler) or an order
 * another writer touched makes it return no row, and nothing is written.
 */
export const entryAndOrderUnchanged =
  (id: string, order: { version: string; operationCount: number }): SqlFragment =>
  (param) =>
    `SELECT 1 FROM acquirer_journal j JOIN orders o ON o.id = j.order_id AND o.merchant_id = j.merchant_id
     WHERE j.id = ${param(id)} AND j.state = 'PENDING' AND o.xmin::text = ${param(order.version)}
       AND o.op_count = ${param(order.operationCount)}
     FOR UPDATE OF j, o`;

/** Keeps the row open as UNKNOWN (what is known is recorded; the reconciler asks again). */
export async function markUnknownInTx(tx: Queryable, id: string, answer: AcquirerAnswer): Promise<void> {
  await tx.query(
    `UPDATE acquirer_journal SET state = 'UNKNOWN', answer = $2 WHERE id = $1 AND state <> 'DONE'`,
    [id, JSON.stringify(answer)],
  );
}

/**
 * Counts one more failed attempt at recording the row's answer, in its own statement (the attempt's
 * transaction was rolled back). While the row is open its `error` holds RECORDING_FAILED with the count and
 * the last SQLSTATE; closing the row overwrites it. Returns the count, or null when the row is closed.
 */
export async function noteRecordingFailure(
  q: Queryable,
  id: string,
  sqlstate: string,
  answer: string,
): Promise<number | null> {
  const rows = await q.query<{ failures: number }>(
    `UPDATE acquirer_journal SET error = json_build_object('code', 'RECORDING_FAILED', 'params',
       json_build_object('attempts', CASE WHEN error IS NOT NULL AND error::json->>'code' = 'RECORDING_FAILED'
         THEN (error::json->'params'->>'attempts')::int ELSE 0 END + 1, 'sqlstate', $2::text,
         'answer', $3::text))::text
     WHERE id = $1 AND state <> 'DONE'
     RETURNING (error::json->'params'->>'attempts')::int AS failures`,
    [id, sqlstate, answer],
  );
  return rows[0] ? Number(rows[0].failures) : null;
}

/** Counts an inquiry (for people reading the table: how often it was asked about, and when last). */
export async function noteInquiry(q: Queryable, id: string): Promise<void> {
  await q.query(
    `UPDATE acquirer_journal SET attempts = attempts + 1, checked_at = statement_timestamp() WHERE id = $1`,
    [id],
  );
}

/**
 * The newest row an API request with this idempotence key and body wrote, within the key's retention: a
 * retry of that request resumes it instead of calling the acquirer again. A row the acquirer never received
 * comes last whatever its time: a subsequent payment whose written-first row was closed unsent then wrote the
 * row it sent under the same key (payments/subsequent-payment.ts), and that row is the answer, even should the
 * clock have stepped back between the two.
 */
export async function selectEntryForRequest(
  q: Queryable,
  merchantId: string,
  key: RequestKey,
  retentionMs: number,
): Promise<JournalEntry | null> {
  const rows = await q.query<EntryRow>(
    `SELECT ${ENTRY_COLUMNS} FROM acquirer_journal
     WHERE merchant_id = $1 AND request_key = $2 AND request_hash = $3 AND kind <> 'RELEASE'
       AND created_at > statement_timestamp() - make_interval(secs => $4::double precision / 1000)
     ORDER BY result IS NOT DISTINCT FROM 'NOT_RECEIVED', created_at DESC LIMIT 1`,
    [merchantId, key.key, key.hash, retentionMs],
  );
  return rows[0] ? rowToEntry(rows[0]) : null;
}

/** Open rows of a payment (a payment read while its outcome is unknown). */
export async function selectOpenEntriesOfPayment(
  q: Queryable,
  merchantId: string,
  paymentId: string,
): Promise<JournalEntry[]> {
  const rows = await q.query<EntryRow>(
    `SELECT ${ENTRY_COLUMNS} FROM acquirer_journal
     WHERE payment_id = $1 AND merchant_id = $2 AND state <> 'DONE' ORDER BY created_at`,
    [paymentId, merchantId],
  );
  return rows.map(rowToEntry);
}

/**
 * Rows due for reconciliation: UNKNOWN ones (nobody is waiting on the acquirer for them), and PENDING ones
 * older than the grace period (longer than any request takes, so their process is gone). Least recently
 * asked about first, so rows the acquirer cannot answer yet never starve the others of a pass.
 */
export async function selectDueEntries(
  q: Queryable,
  graceMs: number,
  limit: number,
): Promise<JournalEntry[]> {
  const rows = await q.query<EntryRow>(
    `SELECT ${ENTRY_COLUMNS} FROM acquirer_journal
     WHERE state <> 'DONE' AND (state = 'UNKNOWN'
       OR created_at <= statement_timestamp() - make_interval(secs => $1::double precision / 1000))
     ORDER BY coalesce(checked_at, created_at), created_at LIMIT $2`,
    [graceMs, limit],
  );
  return rows.map(rowToEntry);
}

/**
 * The rows that send money back (refund, payout, void): while open, each holds its order's refund lock; at
 * most one per order is open (schema 9's unique index `acquirer_journal_open_money_back`, over exactly
 * `state <> 'DONE' AND kind IN MONEY_BACK_KINDS`).
 */
export const MONEY_BACK_KINDS = `('REFUND', 'PAYOUT', 'CANCEL')`;

/** Open rows of an order that send money back: they hold the order's refund lock. */
export const OPEN_MONEY_BACK_SQL = (orderIdExpr: string) =>
  `EXISTS (SELECT 1 FROM acquirer_journal j WHERE j.order_id = ${orderIdExpr} AND j.state <> 'DONE'
     AND j.kind IN ${MONEY_BACK_KINDS})`;
