/**
 * Money exceptions (`money_exceptions`, schema v3): money that moved at the acquirer or at a card terminal
 * but that the ledger refused to record (a refund the acquirer executed after a chargeback took the
 * refundable amount, a counter refund confirmed after its reservation expired while another channel refunded
 * …). Nothing is dropped: each one is stored once (`dedupe_key`), logged without card data, answered to the
 * caller as MONEY_MOVED_NOT_RECORDED, and listed in the back office until a manager marks it resolved.
 */
import {
  domainError,
  money,
  toDecimalString,
  type Channel,
  type CurrencyCode,
  type DomainError,
  type Money,
  type PaymentId,
  type Uuid,
} from '../../src-shared';
import { toIso, toNullableSafeInteger, type Queryable } from '../db/adapter';
import type { JournalKind } from './entries';

export interface NewMoneyException {
  merchantId: string;
  /** One exception per fact: `journal:<id>` for an acquirer call, `terminal-operation:<id>` for a counter. */
  dedupeKey: string;
  source: 'ACQUIRER' | 'TERMINAL';
  kind: JournalKind;
  orderId: Uuid | null;
  paymentId: PaymentId | null;
  amount: Money | null;
  currency: CurrencyCode;
  channel: Channel;
  terminalId: Uuid | null;
  journalId: Uuid | null;
  operationId: Uuid | null;
  /** The ledger's refusal. */
  reason: DomainError;
  occurredAt: Date;
}

export interface MoneyException extends Omit<NewMoneyException, 'reason' | 'occurredAt' | 'currency'> {
  id: Uuid;
  reasonCode: string;
  reason: string;
  occurredAt: string;
  recordedAt: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
  resolution: string | null;
}

interface ExceptionRow {
  id: string;
  merchant_id: string;
  dedupe_key: string;
  source: string;
  kind: string;
  order_id: string | null;
  payment_id: string | null;
  amount_minor: string | number | null;
  currency: string;
  channel: string;
  terminal_id: string | null;
  journal_id: string | null;
  operation_id: string | null;
  reason_code: string;
  reason: string;
  occurred_at: Date | string;
  recorded_at: Date | string;
  resolved_at: Date | string | null;
  resolved_by: string | null;
  resolution: string | null;
}

const COLUMNS =
  'id, merchant_id, dedupe_key, source, kind, order_id, payment_id, amount_minor, currency, channel, ' +
  'terminal_id, journal_id, operation_id, reason_code, reason, occurred_at, recorded_at, resolved_at, ' +
  'resolved_by, resolution';

function rowToException(row: ExceptionRow): MoneyException {
  const amountMinor = toNullableSafeInteger(row.amount_minor, 'money_exceptions.amount_minor');
  return {
    id: row.id as Uuid,
    merchantId: row.merchant_id,
    dedupeKey: row.dedupe_key,
    source: row.source as MoneyException['source'],
    kind: row.kind as JournalKind,
    orderId: row.order_id as Uuid | null,
    paymentId: row.payment_id as PaymentId | null,
    amount: amountMinor === null ? null : money(amountMinor, row.currency as CurrencyCode),
    channel: row.channel as Channel,
    terminalId: row.terminal_id as Uuid | null,
    journalId: row.journal_id as Uuid | null,
    operationId: row.operation_id as Uuid | null,
    reasonCode: row.reason_code,
    reason: row.reason,
    occurredAt: toIso(row.occurred_at, 'occurred_at'),
    recordedAt: toIso(row.recorded_at, 'recorded_at'),
    resolvedAt: row.resolved_at === null ? null : toIso(row.resolved_at, 'resolved_at'),
    resolvedBy: row.resolved_by,
    resolution: row.resolution,
  };
}

/** Stores the exception unless its fact is stored already; returns the stored one either way. */
export async function recordMoneyException(
  q: Queryable,
  id: Uuid,
  e: NewMoneyException,
): Promise<MoneyException> {
  const inserted = await q.query<ExceptionRow>(
    `INSERT INTO money_exceptions (id, merchant_id, dedupe_key, source, kind, order_id, payment_id, amount_minor,
       currency, channel, terminal_id, journal_id, operation_id, reason_code, reason, occurred_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
     ON CONFLICT (dedupe_key) DO NOTHING RETURNING ${COLUMNS}`,
    [
      id,
      e.merchantId,
      e.dedupeKey,
      e.source,
      e.kind,
      e.orderId,
      e.paymentId,
      e.amount?.amountMinor ?? null,
      e.currency,
      e.channel,
      e.terminalId,
      e.journalId,
      e.operationId,
      e.reason.code,
      e.reason.message,
      e.occurredAt,
    ],
  );
  if (inserted[0]) return rowToException(inserted[0]);
  const rows = await q.query<ExceptionRow>(`SELECT ${COLUMNS} FROM money_exceptions WHERE dedupe_key = $1`, [
    e.dedupeKey,
  ]);
  if (!rows[0]) throw new Error(`money exception ${e.dedupeKey} vanished`);
  return rowToException(rows[0]);
}

export async function selectMoneyException(
  q: Queryable,
  merchantId: string,
  id: string,
): Promise<MoneyException | null> {
  const rows = await q.query<ExceptionRow>(
    `SELECT ${COLUMNS} FROM money_exceptions WHERE id = $1 AND merchant_id = $2`,
    [id, merchantId],
  );
  return rows[0] ? rowToException(rows[0]) : null;
}

export interface ExceptionsQuery {
  state: 'OPEN' | 'RESOLVED' | 'ALL';
  limit: number;
  /** Keyset cursor: the last row of the previous page. */
  after: { recordedAt: string; id: string } | null;
}

/** Newest first, keyset-paged on (recorded_at, id) like the back office's other lists. */
export async function listMoneyExceptions(
  q: Queryable,
  merchantId: string,
  query: ExceptionsQuery,
): Promise<MoneyException[]> {
  const state =
    query.state === 'OPEN'
      ? 'AND resolved_at IS NULL'
      : query.state === 'RESOLVED'
        ? 'AND resolved_at IS NOT NULL'
        : '';
  const after = query.after ? 'AND (recorded_at, id) < ($3::timestamptz, $4::uuid)' : '';
  const rows = await q.query<ExceptionRow>(
    `SELECT ${COLUMNS} FROM money_exceptions WHERE merchant_id = $1 ${state} ${after}
     ORDER BY recorded_at DESC, id DESC LIMIT $2`,
    [merchantId, query.limit, ...(query.after ? [new Date(query.after.recordedAt), query.after.id] : [])],
  );
  return rows.map(rowToException);
}

/** Marks it settled by a manager; resolving again keeps the first resolution (answers the current state). */
export async function resolveMoneyException(
  q: Queryable,
  merchantId: string,
  id: string,
  by: string,
  resolution: string,
): Promise<MoneyException | null> {
  await q.query(
    `UPDATE money_exceptions SET resolved_at = statement_timestamp(), resolved_by = $3, resolution = $4
     WHERE id = $1 AND merchant_id = $2 AND resolved_at IS NULL`,
    [id, merchantId, by, resolution],
  );
  return selectMoneyException(q, merchantId, id);
}

const show = (m: Money | null) => (m ? `${toDecimalString(m)} ${m.currency}` : 'the whole payment');

/** How a journal kind reads in a message to a merchant. */
export const KIND_WORDS: Record<JournalKind, string> = {
  AUTHORISE: 'charge',
  REBILL: 'rebill',
  CAPTURE: 'capture',
  REVERSAL: 'authorisation reversal',
  CANCEL: 'void',
  REFUND: 'refund',
  PAYOUT: 'payout',
  RELEASE: 'release of an authorisation',
};

/** The error a caller gets for a money exception (catalog code MONEY_MOVED_NOT_RECORDED). */
export function moneyMovedNotRecorded(e: {
  id: string;
  kind: JournalKind;
  amount: Money | null;
  paymentId: string | null;
  source: 'ACQUIRER' | 'TERMINAL';
  reason: DomainError | string | null;
}): DomainError {
  const reason = e.reason === null ? 'refused' : typeof e.reason === 'string' ? e.reason : e.reason.message;
  return domainError('MONEY_MOVED_NOT_RECORDED', {
    kind: KIND_WORDS[e.kind],
    amount: show(e.amount),
    paymentId: e.paymentId ?? 'unknown',
    where: e.source === 'TERMINAL' ? 'card terminal' : 'acquirer',
    reason: reason.replace(/\.$/, ''),
    exceptionId: e.id,
  });
}
