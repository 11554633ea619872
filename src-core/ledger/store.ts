/**
 * SQL of the ledger tables. These functions run inside a transaction their caller opened (style.md: query
 * functions never open their own); the ledger service decides the boundaries.
 */
import { CORE_ISSUER, formatPaymentId, type Channel, type PaymentId, type Uuid } from '../../src-shared';
import {
  placeholders,
  standalone,
  toSafeInteger,
  type Queryable,
  type SqlFragment,
  type SqlValue,
} from '../db/adapter';
import {
  OPERATION_COLUMNS,
  ORDER_COLUMNS,
  PAYMENT_COLUMN_NAMES,
  PAYMENT_COLUMNS,
  operationBodyToColumns,
  rowToOrder,
  rowToPayment,
  rowToStoredOperation,
  type CardFacts,
  type OperationRow,
  type OrderRecord,
  type OrderRow,
  type PaymentRecord,
  type PaymentRow,
  type StoredOperation,
} from './rows';
import type { Operation } from '../../src-shared';
import type { OrderSummaryColumns } from './order-summary';

export interface NewOrderRow {
  orderId: Uuid;
  merchantId: string;
  storeId: Uuid | null;
  terminalId: Uuid | null;
  customerRef: string | null;
  channel: Channel;
  currency: string;
  totalMinor: number | null;
  merchantReference: string | null;
  occurredAt: Date;
  recordedAt: Date;
}

export async function insertOrder(tx: Queryable, o: NewOrderRow): Promise<OrderRecord> {
  const rows = await tx.query<OrderRow>(
    `INSERT INTO orders (id, merchant_id, store_id, terminal_id, customer_ref, channel, currency, total_minor,
       merchant_reference, occurred_at, recorded_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
     RETURNING ${ORDER_COLUMNS}`,
    [
      o.orderId,
      o.merchantId,
      o.storeId,
      o.terminalId,
      o.customerRef,
      o.channel,
      o.currency,
      o.totalMinor,
      o.merchantReference,
      o.occurredAt,
      o.recordedAt,
    ],
  );
  return rowToOrder(rows[0] as OrderRow);
}

export async function selectOrder(
  q: Queryable,
  merchantId: string,
  orderId: string,
  forUpdate = false,
): Promise<OrderRecord | null> {
  const rows = await q.query<OrderRow>(
    `SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1 AND merchant_id = $2${forUpdate ? ' FOR UPDATE' : ''}`,
    [orderId, merchantId],
  );
  return rows[0] ? rowToOrder(rows[0]) : null;
}

export async function selectPayment(
  q: Queryable,
  merchantId: string,
  paymentId: string,
): Promise<PaymentRecord | null> {
  const rows = await q.query<PaymentRow>(
    `SELECT ${PAYMENT_COLUMNS} FROM payments WHERE id = $1 AND merchant_id = $2`,
    [paymentId, merchantId],
  );
  return rows[0] ? rowToPayment(rows[0]) : null;
}

export async function selectPaymentsOfOrder(q: Queryable, orderId: string): Promise<PaymentRecord[]> {
  const rows = await q.query<PaymentRow>(
    `SELECT ${PAYMENT_COLUMNS} FROM payments WHERE order_id = $1 ORDER BY recorded_at, id`,
    [orderId],
  );
  return rows.map(rowToPayment);
}

export async function selectOperationsOfOrder(q: Queryable, orderId: string): Promise<StoredOperation[]> {
  const rows = await q.query<OperationRow>(
    `SELECT ${OPERATION_COLUMNS} FROM operations WHERE order_id = $1 ORDER BY order_seq`,
    [orderId],
  );
  return rows.map(rowToStoredOperation);
}

export async function selectOperation(
  q: Queryable,
  merchantId: string,
  operationId: string,
): Promise<StoredOperation | null> {
  const rows = await q.query<OperationRow>(
    `SELECT ${OPERATION_COLUMNS} FROM operations WHERE id = $1 AND merchant_id = $2`,
    [operationId, merchantId],
  );
  return rows[0] ? rowToStoredOperation(rows[0]) : null;
}

export async function selectOperationBySeq(
  q: Queryable,
  merchantId: string,
  paymentId: string,
  paymentSeq: number,
): Promise<StoredOperation | null> {
  const rows = await q.query<OperationRow>(
    `SELECT ${OPERATION_COLUMNS} FROM operations WHERE payment_id = $1 AND payment_seq = $2 AND merchant_id = $3`,
    [paymentId, paymentSeq, merchantId],
  );
  return rows[0] ? rowToStoredOperation(rows[0]) : null;
}

/** Core-minted payment ids: issuer 1 and one database sequence shared by every core process (ids.ts). */
export async function mintCorePaymentId(tx: Queryable): Promise<PaymentId> {
  const rows = await tx.query<{ seq: string | number }>(`SELECT nextval('core_payment_seq') AS seq`);
  return formatPaymentId(CORE_ISSUER, toSafeInteger(rows[0]?.seq, 'core_payment_seq'));
}

/**
 * Core-minted payment ids drawn from the sequence `blockSize` at a time: one statement per block instead of
 * one per payment. Every number comes from the shared sequence, so ids stay unique across core processes; a
 * process that stops leaves the rest of its block unused (sequences have gaps anyway: ids.ts promises unique,
 * not dense). Concurrent callers share one refill.
 */
export function createPaymentIdMinter(
  db: Queryable,
  blockSize = 16,
): (via?: Queryable) => Promise<PaymentId> {
  const ready: number[] = [];
  let refill: Promise<void> | null = null;
  const drawBlock = async (q: Queryable) => {
    const rows = await q.query<{ seq: string | number }>(
      `SELECT nextval('core_payment_seq') AS seq FROM generate_series(1, $1)`,
      [blockSize],
    );
    ready.push(...rows.map((r) => toSafeInteger(r.seq, 'core_payment_seq')).sort((a, b) => a - b));
  };
  // `via`: draw a new block in the caller's transaction instead of a statement of its own (one commit
  // fewer; a sequence is not rolled back, so ids drawn in a transaction that rolls back are only skipped).
  // Such a caller never waits for a draw elsewhere: on PGlite, which runs one transaction at a time, a draw
  // outside waits for this very transaction.
  return async (via) => {
    for (;;) {
      const seq = ready.shift();
      if (seq !== undefined) return formatPaymentId(CORE_ISSUER, seq);
      if (via) {
        await drawBlock(via);
        continue;
      }
      if (refill) {
        // Another caller is drawing (perhaps in its own transaction): wait; if that fails, draw ourselves.
        await refill.catch(() => undefined);
        continue;
      }
      const drawing = drawBlock(db).finally(() => {
        refill = null;
      });
      refill = drawing;
      await drawing;
    }
  };
}

export interface NewPaymentRow {
  paymentId: PaymentId;
  orderId: Uuid;
  merchantId: string;
  channel: Channel;
  terminalId: Uuid | null;
  outcome: 'RECORDED' | 'UNKNOWN';
  requestedMode: 'SALE' | 'PRE_AUTHORIZATION' | 'FINAL_AUTHORIZATION';
  requestedAmountMinor: number;
  currency: string;
  card: CardFacts | null;
  cardOnFile: 'first' | 'subsequent' | null;
  cofRequestor: 'cardholderInitiated' | 'merchantInitiated' | null;
  authorisationCode: string | null;
  acquirerReference: string | null;
  merchantReference: string | null;
  initiatedByPaymentId: PaymentId | null;
  occurredAt: Date;
  recordedAt: Date;
}

/** Writes a payment row on its own (a payment whose outcome is unknown has no operation to ride in). */
export async function insertPayment(tx: Queryable, p: NewPaymentRow): Promise<PaymentRecord> {
  // Nothing in the row is the database's own: it is not read back.
  const { sql, params } = standalone(insertPaymentWrite(p));
  await tx.query(sql, params);
  return insertedPayment(p);
}

/** Casts of `paymentParams` in a SELECT list (by position): where a parameter's text is not enough. */
const PAYMENT_CASTS: Record<number, string> = {
  7: '::bigint',
  17: '::int',
  22: '::timestamptz',
  23: '::timestamptz',
};

/**
 * The payment row's insert as a write riding in the statement that appends its opening operation (an
 * append's `alsoInStatement`): one statement, not two. The operation's foreign key to the payment is checked
 * at the end of that statement, when the row is there. `condition`: SQL it also needs (`WHEN_HELD` of an
 * append with `onlyIf`, so that nothing is written when the condition fails).
 */
export const insertPaymentWrite =
  (p: NewPaymentRow, condition?: string): SqlFragment =>
  (param) =>
    `INSERT INTO payments (${PAYMENT_COLUMNS})
     SELECT ${paymentParams(p)
       .map((v, i) => `${param(v)}${PAYMENT_CASTS[i] ?? ''}`)
       .join(', ')}${condition ? ` WHERE ${condition}` : ''}`;

/** The payment `insertPaymentWrite` (or `insertPayment`) writes, as a read of its row would return it. */
export const insertedPayment = (p: NewPaymentRow): PaymentRecord => rowToPayment(paymentRowOf(p));

/**
 * A payment row as the database returns what was inserted (nothing in it is the database's own): read through
 * the same mapping as a stored row instead of a RETURNING of every column. UUIDs in lower case, as stored.
 */
function paymentRowOf(p: NewPaymentRow): PaymentRow {
  return {
    id: p.paymentId,
    order_id: p.orderId.toLowerCase(),
    merchant_id: p.merchantId,
    channel: p.channel,
    terminal_id: p.terminalId?.toLowerCase() ?? null,
    outcome: p.outcome,
    requested_mode: p.requestedMode,
    requested_amount_minor: p.requestedAmountMinor,
    currency: p.currency,
    card_brand: p.card?.brand ?? null,
    card_bin: p.card?.bin ?? null,
    card_last4: p.card?.last4 ?? null,
    card_expiry: p.card?.expiry ?? null,
    card_ref: p.card?.cardRef ?? null,
    token_id: p.card?.tokenId ?? null,
    card_on_file: p.cardOnFile,
    cof_requestor: p.cofRequestor,
    payment_product_id: p.card?.paymentProductId ?? null,
    authorisation_code: p.authorisationCode,
    acquirer_reference: p.acquirerReference,
    merchant_reference: p.merchantReference,
    initiated_by_payment_id: p.initiatedByPaymentId,
    occurred_at: p.occurredAt,
    recorded_at: p.recordedAt,
  };
}

/** The insert's parameters: the row as it will be stored, in `PAYMENT_COLUMNS` order. */
function paymentParams(p: NewPaymentRow): SqlValue[] {
  const row = paymentRowOf(p);
  return PAYMENT_COLUMN_NAMES.map((column) => row[column]);
}

export interface NewOperationRow {
  operation: Operation;
  orderId: Uuid;
  merchantId: string;
  orderSeq: number;
  paymentSeq: number;
  currency: string;
  terminalId: Uuid | null;
  storeId: Uuid | null;
  merchantReference: string | null;
  operatorId: string | null;
  recordedAt: Date;
  /** The order's summary after this operation (order-summary.ts), written with it. */
  summary: OrderSummaryColumns;
  /** Writes that commit with the operation, run in the same statement (`OperationSource.alsoInStatement`). */
  also?: readonly SqlFragment[];
  /** Append only when this condition holds as the statement runs (`OperationSource.onlyIf`). */
  onlyIf?: SqlFragment;
}

/**
 * In a statement that appends with `onlyIf`: true when the condition held (its CTE `held` returned a row).
 * A write riding in that statement (`also`) that must not run without it tests this itself.
 */
export const WHEN_HELD = 'EXISTS (SELECT 1 FROM held)';

/**
 * Appends one operation. For an order in a store, the feed position comes from bumping the store's
 * `feed_head` in the same statement: that row lock is held until commit, so positions of one store are
 * handed out in commit order and a reader that has seen position N has seen every position below N
 * (no row committed late behind the reader's back). Orders without a store have no feed position.
 * The same statement moves the order's `op_count` and rewrites its summary copy (one update of the order
 * row, one round trip).
 */
export async function insertOperation(tx: Queryable, o: NewOperationRow): Promise<StoredOperation | null> {
  const c = operationBodyToColumns(o.operation);
  const params: SqlValue[] = [
    o.operation.id,
    o.orderId,
    o.operation.paymentId,
    o.merchantId,
    o.orderSeq,
    o.paymentSeq,
    c.kind,
    c.amount_minor,
    o.currency,
    c.auth_mode,
    c.is_final,
    c.reason,
    c.token_id,
    o.operation.channel,
    o.storeId,
    o.terminalId,
    o.merchantReference,
    o.operatorId,
    new Date(o.operation.occurredAt),
    o.recordedAt,
    o.summary.status,
    o.summary.authorisedMinor,
    o.summary.collectedMinor,
    o.summary.refundableMinor,
  ];
  const param = placeholders(params);
  // With a condition, it is evaluated (and what it locks locked) first: `bumped` reads it before it updates
  // the order row, and the insert reads `bumped`; when it returns no row, nothing is written.
  const held = o.onlyIf ? `held AS (${o.onlyIf(param)}), ` : '';
  const ifHeld = o.onlyIf ? ` AND ${WHEN_HELD}` : '';
  // Data-modifying CTEs run to completion whether or not the INSERT reads them (PostgreSQL "WITH").
  const also = (o.also ?? []).map((write, i) => `, also${i} AS (${write(param)})`).join('');
  const rows = await tx.query<Pick<OperationRow, 'feed_pos'>>(
    `WITH ${held}pos AS (
       UPDATE stores SET feed_head = feed_head + 1 WHERE id = $15::uuid${ifHeld} RETURNING feed_head
     ), bumped AS (
       UPDATE orders SET op_count = $5, updated_at = $20, status = $21, authorised_minor = $22,
         collected_minor = $23, refundable_minor = $24, summary_op_count = $5
       WHERE id = $2${ifHeld} RETURNING id
     )${also}
     INSERT INTO operations (id, order_id, payment_id, merchant_id, order_seq, payment_seq, kind, amount_minor,
       currency, auth_mode, is_final, reason, token_id, channel, store_id, feed_pos, terminal_id,
       merchant_reference, operator_id, occurred_at, recorded_at)
     SELECT $1, (SELECT id FROM bumped), $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15::uuid,
       (SELECT feed_head FROM pos), $16, $17, $18, $19, $20
     ${o.onlyIf ? 'WHERE EXISTS (SELECT 1 FROM bumped)' : ''}
     RETURNING feed_pos`,
    params,
  );
  const row = rows[0];
  if (!row && o.onlyIf) return null;
  if (!row) throw new Error(`operation ${o.operation.id}: the insert returned no row`);
  // Only the feed position is the database's; the rest is what was sent, read through the same mapping as a
  // stored row (a RETURNING of every column cost a row description and 21 parsed fields per append). UUIDs
  // as the database spells them (lower case); timestamps at its precision as `pg` reads them (milliseconds).
  const uuid = (id: string | null) => id?.toLowerCase() ?? null;
  return rowToStoredOperation({
    id: uuid(o.operation.id)!,
    order_id: uuid(o.orderId)!,
    payment_id: o.operation.paymentId,
    merchant_id: o.merchantId,
    order_seq: o.orderSeq,
    payment_seq: o.paymentSeq,
    kind: c.kind,
    amount_minor: c.amount_minor,
    currency: o.currency,
    auth_mode: c.auth_mode,
    is_final: c.is_final,
    reason: c.reason,
    token_id: c.token_id,
    channel: o.operation.channel,
    terminal_id: uuid(o.terminalId),
    store_id: uuid(o.storeId),
    feed_pos: row.feed_pos,
    merchant_reference: o.merchantReference,
    operator_id: o.operatorId,
    occurred_at: new Date(o.operation.occurredAt),
    recorded_at: o.recordedAt,
  });
}
