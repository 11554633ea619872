/**
 * A refund's, payout's or void's journal row built in SQL from its payment row (`insertMoneyBackEntry`), so it
 * goes out in the same write as the statement that locks and loads the order, before that answer is back (the
 * journal's `runWrittenFirst`, payments/money-back.ts). entry-store.ts has the journal's other SQL.
 */
import { money, type CurrencyCode, type Money, type PaymentId, type Uuid } from '../../src-shared';
import { placeholders, type Queryable, type SqlFragment, type SqlValue } from '../db/adapter';
import type { JournalEntry, JournalSource, RequestKey } from './entries';
import { pendingEntry, type EntryRow } from './entry-rows';

/** A refund's, payout's or void's row as `insertMoneyBackEntry` writes it: the rest is the payment's. */
export interface MoneyBackRow {
  kind: 'REFUND' | 'PAYOUT' | 'CANCEL';
  merchantId: string;
  paymentId: PaymentId;
  /** A positive whole number of minor units in a currency code of three capitals (the columns' domains). */
  amount: Money | null;
  source: JournalSource;
  holder: string;
  requestKey: RequestKey | null;
}

/**
 * A refund's, payout's or void's PENDING row built from the payment row in SQL (its order, currency and card
 * reference, or for a void the acquirer's reference), so it can go out in the same write as the statement that
 * locks and loads the order, before that answer is back (the journal's `runWrittenFirst`). Written only when
 * `onlyIf(orderIdExpr)` holds and, under an idempotence claim, while the claim holds (the caller holds it FOR
 * SHARE, `holdClaim`, earlier in the transaction); null when it was not written or the payment is not this
 * merchant's. The row as written comes back, so the entry is what is stored.
 */
export async function insertMoneyBackEntry(
  q: Queryable,
  id: Uuid,
  row: MoneyBackRow,
  onlyIf: (orderIdExpr: string) => SqlFragment,
  claimId: string | null,
): Promise<JournalEntry | null> {
  const params: SqlValue[] = [];
  const param = placeholders(params);
  const kind = param(row.kind);
  const merchant = param(row.merchantId);
  const cardRef = `CASE WHEN p.card_last4 IS NULL THEN NULL ELSE p.card_ref END`;
  const reference =
    row.kind === 'CANCEL' ? `'acquirerReference', p.acquirer_reference` : `'cardRef', ${cardRef}`;
  const key = param(row.requestKey?.key ?? null);
  const hash = param(row.requestKey?.hash ?? null);
  const underClaim =
    claimId === null
      ? ''
      : ` AND EXISTS (SELECT 1 FROM idempotence_keys k WHERE k.merchant_id = ${merchant} AND k.key = ${key}
         AND k.request_hash = ${hash} AND k.claim_id = ${param(claimId)}::uuid AND k.state = 'IN_PROGRESS')`;
  const rows = await q.query<Pick<EntryRow, 'created_at' | 'order_id' | 'currency' | 'card_ref' | 'request'>>(
    `INSERT INTO acquirer_journal (id, kind, merchant_id, order_id, payment_id, amount_minor, currency, mode,
       card_ref, request, request_key, request_hash, state)
     SELECT ${param(id)}::uuid, ${kind}::text, p.merchant_id, p.order_id, p.id,
       ${param(row.amount?.amountMinor ?? null)}::bigint, coalesce(${param(row.amount?.currency ?? null)}::text,
       p.currency), NULL, ${cardRef},
       json_build_object('kind', ${kind}::text, 'source', ${param(JSON.stringify(row.source))}::json,
         ${reference}, 'holder', ${param(row.holder)}::text)::text,
       ${key}::text, ${hash}::text, 'PENDING'
     FROM payments p
     WHERE p.id = ${param(row.paymentId)} AND p.merchant_id = ${merchant}
       AND ${onlyIf('p.order_id')(param)}${underClaim}
     RETURNING created_at, order_id, currency, card_ref, request`,
    params,
  );
  const written = rows[0];
  if (!written) return null;
  const currency = written.currency as CurrencyCode;
  const intent = {
    kind: row.kind,
    merchantId: row.merchantId,
    orderId: written.order_id as Uuid,
    paymentId: row.paymentId,
    amount: row.amount ? money(row.amount.amountMinor, currency) : null,
    currency,
    mode: null,
    cardRef: written.card_ref,
    requestKey: row.requestKey,
  };
  return pendingEntry(id, intent, written.request, written.created_at);
}
