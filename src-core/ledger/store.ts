/**
 * SQL of the ledger tables. These functions run inside a transaction their caller opened (style.md: query
 * functions never open their own); the ledger service decides the boundaries.
 */
import {
  CORE_ISSUER,
  createOrder,
  formatPaymentId,
  replayOperations,
  type Channel,
  type OrderState,
  type PaymentId,
  type Uuid,
} from '../../src-shared';
import { toSafeInteger, type Queryable, type SqlFragment, type SqlValue } from '../db/adapter';
import {
  OPERATION_COLUMNS,
  ORDER_COLUMNS,
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

const PAYMENTS_JSON = (orderIdExpr: string) =>
  `(SELECT coalesce(json_agg(p ORDER BY p.recorded_at, p.id), '[]'::json)
      FROM (SELECT ${PAYMENT_COLUMNS} FROM payments WHERE order_id = ${orderIdExpr}) p)`;
const OPERATIONS_JSON = (orderIdExpr: string) =>
  `(SELECT coalesce(json_agg(x ORDER BY x.order_seq), '[]'::json)
      FROM (SELECT ${OPERATION_COLUMNS} FROM operations WHERE order_id = ${orderIdExpr}) x)`;

interface PaymentsAndOperationsJson {
  payments_json: unknown;
  operations_json: unknown;
}

/** JSON columns arrive parsed from `pg` and PGlite alike; a string is parsed here in case a driver did not. */
function fromJson(row: PaymentsAndOperationsJson | undefined): {
  payments: PaymentRecord[];
  operations: StoredOperation[];
} {
  const parse = (v: unknown): unknown[] =>
    typeof v === 'string' ? (JSON.parse(v) as unknown[]) : ((v ?? []) as unknown[]);
  return {
    payments: parse(row?.payments_json).map((r) => rowToPayment(r as PaymentRow)),
    operations: parse(row?.operations_json).map((r) => rowToStoredOperation(r as OperationRow)),
  };
}

/**
 * Payments and operations of an order in one statement. Run it *after* taking the order lock, as its own
 * statement: under READ COMMITTED a new statement sees everything committed before the lock was granted.
 */
export async function selectPaymentsAndOperations(
  q: Queryable,
  orderId: string,
): Promise<{ payments: PaymentRecord[]; operations: StoredOperation[] }> {
  const rows = await q.query<PaymentsAndOperationsJson>(
    `SELECT ${PAYMENTS_JSON('$1')} AS payments_json, ${OPERATIONS_JSON('$1')} AS operations_json`,
    [orderId],
  );
  return fromJson(rows[0]);
}

const ORDER_COLUMNS_OF_O = ORDER_COLUMNS.split(', ')
  .map((c) => `o.${c}`)
  .join(', ');

/**
 * The select list of a whole order (alias `o`): its columns and its payments and operations as JSON. The
 * locking variant adds `locked_version`, the order row version the lock was granted on, and `seen_version`,
 * the one this statement's snapshot saw. They differ exactly when a writer of the order committed after the
 * snapshot was taken (the lock waited for it): then payments and operations, read from that snapshot, miss
 * its rows (see `selectWholeOrder`).
 */
export const wholeOrderColumns = (forUpdate: boolean) =>
  `${ORDER_COLUMNS_OF_O}, ${PAYMENTS_JSON('o.id')} AS payments_json, ${OPERATIONS_JSON('o.id')} AS operations_json` +
  (forUpdate
    ? ', o.xmin::text AS locked_version, (SELECT s.xmin::text FROM orders s WHERE s.id = o.id) AS seen_version'
    : ', o.xmin::text AS seen_version');

/** The select list of an order row being locked (alias `o`) without its payments and operations. */
export const lockedOrderColumns = `${ORDER_COLUMNS_OF_O}, o.xmin::text AS locked_version`;

export type LockedOrderRow = OrderRow & { locked_version: string };

/** A whole order read earlier (a `WholeOrder` or a ledger `LoadedOrder`). */
export interface KnownOrder {
  readonly order: OrderRecord;
  readonly payments: readonly PaymentRecord[];
  readonly operations: readonly StoredOperation[];
  readonly version?: string;
}

/**
 * The order locked (`lockedOrderColumns`) with its payments and operations: those of `known` (read earlier,
 * e.g. in the transaction that wrote a journal row) when the row locked is the very version `known` was read
 * at, else read now. Every write to an order's payments or operations updates its row in the same
 * transaction (see `selectWholeOrder`), so the same row version (xmin), operation count and update time mean
 * nothing was added since. Saves loading the whole order twice on the refund and subsequent-payment paths.
 */
export async function lockedOrderFromRow(
  q: Queryable,
  row: LockedOrderRow,
  known: KnownOrder,
): Promise<WholeOrder> {
  const order = rowToOrder(row);
  const unchanged =
    known.version === row.locked_version &&
    known.order.orderId === order.orderId &&
    known.order.operationCount === order.operationCount &&
    known.order.updatedAt === order.updatedAt;
  if (unchanged) {
    return {
      order,
      payments: [...known.payments],
      operations: [...known.operations],
      version: row.locked_version,
    };
  }
  return { order, ...(await selectPaymentsAndOperations(q, order.orderId)), version: row.locked_version };
}

export type WholeOrderRow = OrderRow &
  PaymentsAndOperationsJson & { locked_version?: string; seen_version?: string };

const BY_ID = 'FROM orders o WHERE o.id = $1 AND o.merchant_id = $2';
const BY_PAYMENT =
  'FROM payments pp JOIN orders o ON o.id = pp.order_id WHERE pp.id = $1 AND pp.merchant_id = $2';
const WHOLE_ORDER_SQL = {
  orderId: {
    read: `SELECT ${wholeOrderColumns(false)} ${BY_ID}`,
    lock: `SELECT ${wholeOrderColumns(true)} ${BY_ID} FOR UPDATE OF o`,
  },
  paymentId: {
    read: `SELECT ${wholeOrderColumns(false)} ${BY_PAYMENT}`,
    lock: `SELECT ${wholeOrderColumns(true)} ${BY_PAYMENT} FOR UPDATE OF o`,
  },
};

export interface WholeOrder {
  order: OrderRecord;
  payments: PaymentRecord[];
  operations: StoredOperation[];
  /** The order row's version (xmin) its payments and operations were read at, when the load said. */
  version?: string;
}

/**
 * An order with its payments and operations in one statement: one round trip, one snapshot, so the three
 * agree with each other. `by` names the order or one of its payments.
 *
 * With `forUpdate` it also takes the order row lock, which serialises the order's writers. Every write to an
 * order's payments or operations updates its row in the same transaction (`insertOperation` moves
 * `op_count`; `recordUnknownPaymentInTx` touches `updated_at`), so when the lock had to wait for a writer
 * that committed after this statement's snapshot, the row version locked differs from the one the snapshot
 * saw, and the rest is read again in a statement of its own, which sees everything committed before the lock
 * was granted (READ COMMITTED). Without contention that is one round trip instead of two.
 */
export async function selectWholeOrder(
  q: Queryable,
  merchantId: string,
  by: { orderId: string } | { paymentId: string },
  forUpdate = false,
): Promise<WholeOrder | null> {
  const sql = 'orderId' in by ? WHOLE_ORDER_SQL.orderId : WHOLE_ORDER_SQL.paymentId;
  const rows = await q.query<WholeOrderRow>(forUpdate ? sql.lock : sql.read, [
    'orderId' in by ? by.orderId : by.paymentId,
    merchantId,
  ]);
  return rows[0] ? wholeOrderFromRow(q, rows[0]) : null;
}

/** A row selected with `wholeOrderColumns`; in the locked variant, read again when the lock waited. */
export async function wholeOrderFromRow(q: Queryable, row: WholeOrderRow): Promise<WholeOrder> {
  const order = rowToOrder(row);
  if (row.locked_version !== undefined && row.locked_version !== row.seen_version) {
    return {
      order,
      ...(await selectPaymentsAndOperations(q, order.orderId)),
      version: row.locked_version,
    };
  }
  return { order, ...fromJson(row), version: row.locked_version ?? row.seen_version };
}

/**
 * The order's ledger state from its stored operations, grouped by payment in `order_seq` order. Every stored
 * operation passed `applyOperation` when it was appended (under the order lock), so loading does not replay
 * the rules again: replaying costs O(n²) in the number of operations, and the hot path (a refund on a busy
 * order) loads the whole order. `verifyOrderHistory` replays them, for checks and tests.
 */
export function orderStateFrom(order: OrderRecord, operations: readonly StoredOperation[]): OrderState {
  const payments = new Map<string, { paymentId: PaymentId; channel: Channel; operations: Operation[] }>();
  for (const s of operations) {
    const op = s.operation;
    let p = payments.get(op.paymentId);
    if (!p) {
      p = { paymentId: op.paymentId, channel: op.channel, operations: [] };
      payments.set(op.paymentId, p);
    }
    p.operations.push(op);
  }
  return {
    orderId: order.orderId,
    currency: order.currency,
    total: order.total,
    payments: [...payments.values()],
  };
}

/** Replays the stored history with the shared rules; an error means the rows were changed behind the core. */
export function verifyOrderHistory(
  order: OrderRecord,
  operations: readonly StoredOperation[],
): string | null {
  const empty = createOrder({ orderId: order.orderId, currency: order.currency, total: order.total });
  if (!empty.ok) return empty.error.message;
  const replayed = replayOperations(
    empty.value,
    operations.map((s) => s.operation),
  );
  return replayed.ok ? null : `operation ${replayed.error.operationId}: ${replayed.error.message}`;
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

export async function insertPayment(tx: Queryable, p: NewPaymentRow): Promise<PaymentRecord> {
  const rows = await tx.query<PaymentRow>(
    `INSERT INTO payments (${PAYMENT_INSERT_COLUMNS})
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
       $22, $23, $24)
     RETURNING ${PAYMENT_COLUMNS}`,
    paymentParams(p),
  );
  return rowToPayment(rows[0] as PaymentRow);
}

/**
 * The same, written only if `onlyIf` returns a row as the statement runs (its CTE `held`, as an append's
 * `onlyIf`): null when it did not, and nothing was written.
 */
export async function insertPaymentIf(
  tx: Queryable,
  p: NewPaymentRow,
  onlyIf: SqlFragment,
): Promise<PaymentRecord | null> {
  const params = paymentParams(p);
  const held = onlyIf((value) => `$${params.push(value)}`);
  const rows = await tx.query<PaymentRow>(
    `WITH held AS (${held})
     INSERT INTO payments (${PAYMENT_INSERT_COLUMNS})
     SELECT $1, $2, $3, $4, $5, $6, $7, $8::bigint, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18::int, $19,
       $20, $21, $22, $23::timestamptz, $24::timestamptz
     WHERE ${WHEN_HELD}
     RETURNING ${PAYMENT_COLUMNS}`,
    params,
  );
  return rows[0] ? rowToPayment(rows[0]) : null;
}

const PAYMENT_INSERT_COLUMNS = `id, order_id, merchant_id, channel, terminal_id, outcome, requested_mode,
       requested_amount_minor, currency, card_brand, card_bin, card_last4, card_expiry, card_ref, token_id,
       card_on_file, cof_requestor, payment_product_id, authorisation_code, acquirer_reference,
       merchant_reference, initiated_by_payment_id, occurred_at, recorded_at`;

function paymentParams(p: NewPaymentRow): SqlValue[] {
  return [
    p.paymentId,
    p.orderId,
    p.merchantId,
    p.channel,
    p.terminalId,
    p.outcome,
    p.requestedMode,
    p.requestedAmountMinor,
    p.currency,
    p.card?.brand ?? null,
    p.card?.bin ?? null,
    p.card?.last4 ?? null,
    p.card?.expiry ?? null,
    p.card?.cardRef ?? null,
    p.card?.tokenId ?? null,
    p.cardOnFile,
    p.cofRequestor,
    p.card?.paymentProductId ?? null,
    p.authorisationCode,
    p.acquirerReference,
    p.merchantReference,
    p.initiatedByPaymentId,
    p.occurredAt,
    p.recordedAt,
  ];
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
  const param = (value: SqlValue) => `$${params.push(value)}`;
  // With a condition, it is evaluated (and what it locks locked) first: `bumped` reads it before it updates
  // the order row, and the insert reads `bumped`; when it returns no row, nothing is written.
  const held = o.onlyIf ? `held AS (${o.onlyIf(param)}), ` : '';
  const ifHeld = o.onlyIf ? ` AND ${WHEN_HELD}` : '';
  // Data-modifying CTEs run to completion whether or not the INSERT reads them (PostgreSQL "WITH").
  const also = (o.also ?? []).map((write, i) => `, also${i} AS (${write(param)})`).join('');
  const rows = await tx.query<OperationRow>(
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
     RETURNING ${OPERATION_COLUMNS}`,
    params,
  );
  const row = rows[0];
  if (!row && o.onlyIf) return null;
  return rowToStoredOperation(row as OperationRow);
}
