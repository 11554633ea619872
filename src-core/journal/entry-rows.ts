/**
 * An acquirer journal row as the database holds it and as the journal reads it (entries.ts says what a row
 * is): the columns, the mapping both ways, and the entry a fresh insert wrote. entry-store.ts has the SQL.
 */
import {
  domainError,
  money,
  type AuthorisationMode,
  type CurrencyCode,
  type DomainError,
  type ErrorCode,
  type ErrorParams,
  type PaymentId,
  type Uuid,
} from '../../src-shared';
import { toIso, toNullableSafeInteger, toSafeInteger, type SqlValue } from '../db/adapter';
import type {
  AcquirerAnswer,
  JournalEntry,
  JournalIntent,
  JournalKind,
  JournalRequest,
  JournalResult,
  JournalState,
} from './entries';

export interface EntryRow {
  id: string;
  kind: string;
  merchant_id: string;
  order_id: string;
  payment_id: string;
  amount_minor: string | number | null;
  currency: string;
  mode: string | null;
  card_ref: string | null;
  request: string;
  request_key: string | null;
  request_hash: string | null;
  state: string;
  result: string | null;
  answer: string | null;
  error: string | null;
  exception_id: string | null;
  attempts: number;
  created_at: Date | string;
  closed_at: Date | string | null;
  age_ms: string | number;
}

export const ENTRY_COLUMNS =
  'id, kind, merchant_id, order_id, payment_id, amount_minor, currency, mode, card_ref, request, request_key, ' +
  'request_hash, state, result, answer, error, exception_id, attempts, created_at, closed_at, ' +
  'floor(extract(epoch FROM statement_timestamp() - created_at) * 1000)::bigint AS age_ms';

export function rowToEntry(row: EntryRow): JournalEntry {
  const currency = row.currency as CurrencyCode;
  const amountMinor = toNullableSafeInteger(row.amount_minor, 'acquirer_journal.amount_minor');
  const error = row.error ? (JSON.parse(row.error) as { code: ErrorCode; params: ErrorParams }) : null;
  return {
    id: row.id as Uuid,
    kind: row.kind as JournalKind,
    merchantId: row.merchant_id,
    orderId: row.order_id as Uuid,
    paymentId: row.payment_id as PaymentId,
    amount: amountMinor === null ? null : money(amountMinor, currency),
    currency,
    mode: row.mode as AuthorisationMode | null,
    cardRef: row.card_ref,
    request: JSON.parse(row.request) as JournalRequest,
    requestKey: row.request_key && row.request_hash ? { key: row.request_key, hash: row.request_hash } : null,
    state: row.state as JournalState,
    result: row.result as JournalResult | null,
    answer: row.answer ? (JSON.parse(row.answer) as AcquirerAnswer) : null,
    error: error ? domainError(error.code, error.params) : null,
    exceptionId: row.exception_id as Uuid | null,
    attempts: row.attempts,
    createdAt: toIso(row.created_at, 'acquirer_journal.created_at'),
    closedAt: row.closed_at === null ? null : toIso(row.closed_at, 'acquirer_journal.closed_at'),
    ageMs: toSafeInteger(row.age_ms, 'age_ms'),
  };
}

export const errorJson = (e: DomainError | null) =>
  e ? JSON.stringify({ code: e.code, params: e.params }) : null;

/** $1–$12 of both inserts of entry-store.ts, in the column order they name. */
export function entryParams(id: Uuid, i: JournalIntent): SqlValue[] {
  return [
    id,
    i.kind,
    i.merchantId,
    i.orderId,
    i.paymentId,
    i.amount?.amountMinor ?? null,
    i.currency,
    i.mode,
    i.cardRef,
    JSON.stringify(i.request),
    i.requestKey?.key ?? null,
    i.requestKey?.hash ?? null,
  ];
}

/**
 * The row an insert of entry-store.ts just wrote, as `rowToEntry` would read it back: everything but its
 * creation time is what was sent (the request as its stored JSON reads), so the insert returns only that.
 */
export function pendingEntry(
  id: Uuid,
  i: Omit<JournalIntent, 'request'>,
  /** The `request` column as written (its JSON text). */
  requestJson: string,
  createdAt: Date | string,
): JournalEntry {
  return {
    id,
    kind: i.kind,
    merchantId: i.merchantId,
    orderId: i.orderId,
    paymentId: i.paymentId,
    amount: i.amount ? money(i.amount.amountMinor, i.currency) : null,
    currency: i.currency,
    mode: i.mode,
    cardRef: i.cardRef,
    request: JSON.parse(requestJson) as JournalRequest,
    requestKey: i.requestKey ? { key: i.requestKey.key, hash: i.requestKey.hash } : null,
    state: 'PENDING',
    result: null,
    answer: null,
    error: null,
    exceptionId: null,
    attempts: 0,
    createdAt: toIso(createdAt, 'acquirer_journal.created_at'),
    closedAt: null,
    // created_at is the insert's statement_timestamp().
    ageMs: 0,
  };
}
