/**
 * Stored cards (tokens, "contracts" in the back office): what was kept about a card (brand, BIN, last four,
 * expiry, the acquirer's card reference) and its status. Every change is also an append-only token event;
 * token operations that belong to a payment are ledger operations too (TOKEN_CREATE / TOKEN_USE / TOKEN_DELETE).
 */
import type { Channel, PaymentId } from '../../src-shared';
import { toIso, type Queryable } from '../db/adapter';
import type { LedgerContext } from './context';

export type TokenStatus = 'ACTIVE' | 'DEACTIVATED' | 'DELETED';

export interface TokenRecord {
  readonly merchantId: string;
  readonly tokenId: string;
  readonly customerRef: string | null;
  readonly cardRef: string;
  readonly brand: string;
  readonly bin: string | null;
  readonly last4: string;
  readonly expiry: string;
  readonly cardholderName: string | null;
  readonly paymentProductId: number | null;
  readonly status: TokenStatus;
  readonly channel: Channel;
  readonly createdAt: string;
  readonly statusChangedAt: string;
}

interface TokenRow {
  merchant_id: string;
  id: string;
  customer_ref: string | null;
  card_ref: string;
  card_brand: string;
  card_bin: string | null;
  card_last4: string;
  card_expiry: string;
  cardholder_name: string | null;
  payment_product_id: number | null;
  status: string;
  channel: string;
  created_at: Date | string;
  status_changed_at: Date | string;
}

const TOKEN_COLUMNS =
  'merchant_id, id, customer_ref, card_ref, card_brand, card_bin, card_last4, card_expiry, cardholder_name, ' +
  'payment_product_id, status, channel, created_at, status_changed_at';

function rowToToken(r: TokenRow): TokenRecord {
  return {
    merchantId: r.merchant_id,
    tokenId: r.id,
    customerRef: r.customer_ref,
    cardRef: r.card_ref,
    brand: r.card_brand,
    bin: r.card_bin,
    last4: r.card_last4,
    expiry: r.card_expiry,
    cardholderName: r.cardholder_name,
    paymentProductId: r.payment_product_id,
    status: r.status as TokenStatus,
    channel: r.channel as Channel,
    createdAt: toIso(r.created_at, 'tokens.created_at'),
    statusChangedAt: toIso(r.status_changed_at, 'tokens.status_changed_at'),
  };
}

export type NewToken = Omit<TokenRecord, 'status' | 'createdAt' | 'statusChangedAt'>;

/** Inserts a token, or returns the existing one with this id (a terminal token seen again). */
export async function insertToken(tx: Queryable, ctx: LedgerContext, t: NewToken): Promise<TokenRecord> {
  const now = ctx.clock.now();
  const rows = await tx.query<TokenRow>(
    `INSERT INTO tokens (merchant_id, id, customer_ref, card_ref, card_brand, card_bin, card_last4, card_expiry,
       cardholder_name, payment_product_id, status, channel, created_at, status_changed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'ACTIVE', $11, $12, $12)
     ON CONFLICT (merchant_id, id) DO NOTHING
     RETURNING ${TOKEN_COLUMNS}`,
    [
      t.merchantId,
      t.tokenId,
      t.customerRef,
      t.cardRef,
      t.brand,
      t.bin,
      t.last4,
      t.expiry,
      t.cardholderName,
      t.paymentProductId,
      t.channel,
      now,
    ],
  );
  if (rows[0]) return rowToToken(rows[0]);
  const existing = await selectToken(tx, t.merchantId, t.tokenId);
  if (!existing) throw new Error(`token ${t.tokenId} neither inserted nor found`);
  return existing;
}

export async function selectToken(
  q: Queryable,
  merchantId: string,
  tokenId: string,
): Promise<TokenRecord | null> {
  const rows = await q.query<TokenRow>(
    `SELECT ${TOKEN_COLUMNS} FROM tokens WHERE merchant_id = $1 AND id = $2`,
    [merchantId, tokenId],
  );
  return rows[0] ? rowToToken(rows[0]) : null;
}

export async function selectTokensOfCustomer(
  q: Queryable,
  merchantId: string,
  customerRef: string,
): Promise<TokenRecord[]> {
  const rows = await q.query<TokenRow>(
    `SELECT ${TOKEN_COLUMNS} FROM tokens WHERE merchant_id = $1 AND customer_ref = $2 ORDER BY created_at, id`,
    [merchantId, customerRef],
  );
  return rows.map(rowToToken);
}

/**
 * Moves an ACTIVE token to DEACTIVATED or DELETED (conditional update: only one caller wins) and records the
 * event. Returns the token after the change, or null when it was not active (already gone).
 */
export async function endToken(
  tx: Queryable,
  ctx: LedgerContext,
  input: { merchantId: string; tokenId: string; to: 'DEACTIVATED' | 'DELETED'; channel: Channel },
): Promise<TokenRecord | null> {
  const now = ctx.clock.now();
  const from = input.to === 'DELETED' ? ['ACTIVE', 'DEACTIVATED'] : ['ACTIVE'];
  const rows = await tx.query<TokenRow>(
    `UPDATE tokens SET status = $3, status_changed_at = $4
     WHERE merchant_id = $1 AND id = $2 AND status = ANY($5::text[])
     RETURNING ${TOKEN_COLUMNS}`,
    [input.merchantId, input.tokenId, input.to, now, `{${from.join(',')}}`],
  );
  if (!rows[0]) return null;
  await insertTokenEvent(tx, ctx, {
    merchantId: input.merchantId,
    tokenId: input.tokenId,
    kind: input.to === 'DELETED' ? 'TOKEN_DELETE' : 'TOKEN_DEACTIVATE',
    channel: input.channel,
    paymentId: null,
  });
  return rowToToken(rows[0]);
}

export async function insertTokenEvent(
  tx: Queryable,
  ctx: LedgerContext,
  e: {
    merchantId: string;
    tokenId: string;
    kind: 'TOKEN_CREATE' | 'TOKEN_USE' | 'TOKEN_DELETE' | 'TOKEN_DEACTIVATE';
    channel: Channel;
    paymentId: PaymentId | null;
  },
): Promise<void> {
  const now = ctx.clock.now();
  await tx.query(
    `INSERT INTO token_events (id, merchant_id, token_id, kind, channel, payment_id, occurred_at, recorded_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`,
    [ctx.newId(), e.merchantId, e.tokenId, e.kind, e.channel, e.paymentId, now],
  );
}

/** The payment whose ledger chain recorded this token's creation, if any (to record its deletion there too). */
export async function paymentThatCreatedToken(
  q: Queryable,
  merchantId: string,
  tokenId: string,
): Promise<PaymentId | null> {
  const rows = await q.query<{ payment_id: string }>(
    `SELECT payment_id FROM operations WHERE merchant_id = $1 AND kind = 'TOKEN_CREATE' AND token_id = $2 LIMIT 1`,
    [merchantId, tokenId],
  );
  return (rows[0]?.payment_id as PaymentId | undefined) ?? null;
}
