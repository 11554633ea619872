/**
 * Journal rows built in SQL from the payment rows they concern, so that a row can go out in the same write as
 * the statement that loads its order, before that answer is back (the journal's `runWrittenFirst`): a
 * refund's, payout's or void's (`insertMoneyBackEntry`, payments/money-back.ts) and a subsequent payment's
 * authorisation (`insertSubsequentEntry`, payments/subsequent-payment.ts). Each returns the row as stored, so
 * the entry the journal goes on with, and the acquirer call made from it, are what is durable; the caller's
 * judge rules on the order as loaded (and, for a subsequent payment, that the row is what the ledger code
 * would have written). entry-store.ts has the journal's other SQL.
 */
import {
  money,
  type AuthorisationMode,
  type CurrencyCode,
  type Money,
  type PaymentId,
  type Uuid,
} from '../../src-shared';
import { placeholders, type Queryable, type SqlFragment, type SqlValue } from '../db/adapter';
import type { JournalEntry, JournalKind, JournalSource, RequestKey } from './entries';
import { pendingEntry, type EntryRow } from './entry-rows';

/**
 * An amount the journal's columns take (their domains, schema 8: a positive whole number of minor units, a
 * currency code of three capitals). Anything else is judged before a row is written: the insert would fail
 * the transaction where the ledger answers a refusal.
 */
export const fitsTheRow = (amount: Money): boolean =>
  Number.isSafeInteger(amount.amountMinor) && amount.amountMinor > 0 && /^[A-Z]{3}$/.test(amount.currency);

/** A refund's, payout's or void's row as `insertMoneyBackEntry` writes it: the rest is the payment's. */
export interface MoneyBackRow {
  kind: 'REFUND' | 'PAYOUT' | 'CANCEL';
  merchantId: string;
  paymentId: PaymentId;
  /** `fitsTheRow`, or null for a void. */
  amount: Money | null;
  source: JournalSource;
  holder: string;
  requestKey: RequestKey | null;
}

/**
 * A refund's, payout's or void's PENDING row from the payment row `p`: its order, currency (the request's, or
 * for a void the payment's), card reference (as `payment.card.cardRef` reads it: null without card facts),
 * and for a void the acquirer's reference. Written only when `onlyIf(orderIdExpr)` holds and, under an
 * idempotence claim, while the claim holds (the caller holds it FOR SHARE, `holdClaim`, earlier in the
 * transaction); null when it was not written or the payment is not this merchant's.
 */
export function insertMoneyBackEntry(
  q: Queryable,
  id: Uuid,
  row: MoneyBackRow,
  onlyIf: (orderIdExpr: string) => SqlFragment,
  claimId: string | null,
): Promise<JournalEntry | null> {
  const cardRef = `CASE WHEN p.card_last4 IS NULL THEN NULL ELSE p.card_ref END`;
  return insertFromPayment(q, id, {
    kind: row.kind,
    merchantId: row.merchantId,
    namedPaymentId: row.paymentId,
    paymentId: null,
    amount: row.amount,
    mode: null,
    requestKey: row.requestKey,
    claimId,
    from: 'payments p',
    currency: (param) => `coalesce(${param(row.amount?.currency ?? null)}::text, p.currency)`,
    cardRef,
    request: (param) =>
      `json_build_object('kind', ${param(row.kind)}::text, 'source', ${param(JSON.stringify(row.source))}::json,
         ${row.kind === 'CANCEL' ? `'acquirerReference', p.acquirer_reference` : `'cardRef', ${cardRef}`},
         'holder', ${param(row.holder)}::text)`,
    onlyIf: onlyIf('p.order_id'),
  });
}

/** A subsequent payment's authorisation as `insertSubsequentEntry` writes it: the card is the order's. */
export interface SubsequentRow {
  merchantId: string;
  /** The payment named: the card on file is its own, or else the order's first kept on file. */
  namedPaymentId: PaymentId;
  /** The new payment's id (minted). */
  paymentId: PaymentId;
  /** `fitsTheRow`. */
  amount: Money;
  mode: AuthorisationMode;
  merchantReference: string | null;
  requestKey: RequestKey | null;
}

/**
 * A subsequent payment's AUTHORISE row, its card taken in SQL (`c`) from the named payment `p` when that card
 * is kept on file without a token (a first card-on-file payment, or one taken at the counter), else from the
 * order's first such payment: what the ledger code's card-on-file rule picks in the common case, which the
 * caller's judge checks (a token, or any other pick, and the row is closed unsent and the request judged
 * first). Null when not written (no such payment or card, or the claim is gone).
 */
export function insertSubsequentEntry(
  q: Queryable,
  id: Uuid,
  row: SubsequentRow,
  claimId: string | null,
): Promise<JournalEntry | null> {
  return insertFromPayment(q, id, {
    kind: 'AUTHORISE',
    merchantId: row.merchantId,
    namedPaymentId: row.namedPaymentId,
    paymentId: row.paymentId,
    amount: row.amount,
    mode: row.mode,
    requestKey: row.requestKey,
    claimId,
    from: `payments p CROSS JOIN LATERAL (SELECT * FROM payments c
       WHERE c.order_id = p.order_id AND c.card_last4 IS NOT NULL AND c.card_ref IS NOT NULL
         AND c.token_id IS NULL AND (c.card_on_file = 'first' OR c.channel = 'IN_STORE')
       ORDER BY c.id = p.id DESC, c.recorded_at, c.id LIMIT 1) c`,
    currency: (param) => `${param(row.amount.currency)}::text`,
    cardRef: 'c.card_ref',
    request: (param) =>
      `json_build_object('kind', 'AUTHORISE', 'source', ${param(
        JSON.stringify({ channel: 'ONLINE', operatorId: null, merchantReference: row.merchantReference }),
      )}::json, 'initiator', 'merchant',
         'card', json_build_object('kind', 'ref', 'cardRef', c.card_ref, 'expiry', c.card_expiry),
         'newOrder', NULL, 'fallbackCard', json_build_object('brand', coalesce(c.card_brand, 'UNKNOWN'),
           'bin', c.card_bin, 'last4', c.card_last4, 'expiry', c.card_expiry, 'cardRef', c.card_ref,
           'tokenId', c.token_id, 'paymentProductId', c.payment_product_id),
         'cardOnFile', 'subsequent', 'cofRequestor', 'merchantInitiated', 'initiatedByPaymentId', p.id,
         'usedTokenId', NULL, 'tokenize', NULL, 'tokenizeAsked', false,
         'paymentProductId', c.payment_product_id)`,
    onlyIf: () => 'true',
  });
}

/** The one insert both build on: the row's columns from `from`, in which `p` is the payment named. */
async function insertFromPayment(
  q: Queryable,
  id: Uuid,
  spec: {
    kind: JournalKind;
    merchantId: string;
    namedPaymentId: PaymentId;
    /** The row's payment when it is not the one named (a new payment's authorisation). */
    paymentId: PaymentId | null;
    amount: Money | null;
    mode: AuthorisationMode | null;
    requestKey: RequestKey | null;
    claimId: string | null;
    from: string;
    currency: SqlFragment;
    cardRef: string;
    request: SqlFragment;
    onlyIf: SqlFragment;
  },
): Promise<JournalEntry | null> {
  const params: SqlValue[] = [];
  const param = placeholders(params);
  const merchant = param(spec.merchantId);
  const key = param(spec.requestKey?.key ?? null);
  const hash = param(spec.requestKey?.hash ?? null);
  const underClaim =
    spec.claimId === null
      ? ''
      : ` AND EXISTS (SELECT 1 FROM idempotence_keys k WHERE k.merchant_id = ${merchant} AND k.key = ${key}
         AND k.request_hash = ${hash} AND k.claim_id = ${param(spec.claimId)}::uuid AND k.state = 'IN_PROGRESS')`;
  const rows = await q.query<
    Pick<EntryRow, 'created_at' | 'order_id' | 'payment_id' | 'currency' | 'card_ref' | 'request'>
  >(
    `INSERT INTO acquirer_journal (id, kind, merchant_id, order_id, payment_id, amount_minor, currency, mode,
       card_ref, request, request_key, request_hash, state)
     SELECT ${param(id)}::uuid, ${param(spec.kind)}::text, p.merchant_id, p.order_id,
       ${spec.paymentId === null ? 'p.id' : `${param(spec.paymentId)}::text`},
       ${param(spec.amount?.amountMinor ?? null)}::bigint, ${spec.currency(param)}, ${param(spec.mode)}::text,
       ${spec.cardRef}, (${spec.request(param)})::text, ${key}::text, ${hash}::text, 'PENDING'
     FROM ${spec.from}
     WHERE p.id = ${param(spec.namedPaymentId)} AND p.merchant_id = ${merchant}
       AND ${spec.onlyIf(param)}${underClaim}
     RETURNING created_at, order_id, payment_id, currency, card_ref, request`,
    params,
  );
  const written = rows[0];
  if (!written) return null;
  const currency = written.currency as CurrencyCode;
  const intent = {
    kind: spec.kind,
    merchantId: spec.merchantId,
    orderId: written.order_id as Uuid,
    paymentId: written.payment_id as PaymentId,
    amount: spec.amount ? money(spec.amount.amountMinor, currency) : null,
    currency,
    mode: spec.mode,
    cardRef: written.card_ref,
    requestKey: spec.requestKey,
  };
  return pendingEntry(id, intent, written.request, written.created_at);
}
