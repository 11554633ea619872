/**
 * An order read whole: the order row with its payments and operations as JSON, in one statement (one snapshot,
 * so they agree), with or without the order row lock; an order locked again reusing what an earlier read of
 * the same row version loaded (`lockedOrderFromRow`); and the ledger state its operations make.
 */
import {
  createOrder,
  replayOperations,
  type Channel,
  type OrderState,
  type PaymentId,
} from '../../src-shared';
import { toIso, type Queryable } from '../db/adapter';
import {
  OPERATION_COLUMNS,
  ORDER_COLUMNS,
  PAYMENT_COLUMNS,
  rowToOrder,
  rowToPayment,
  rowToStoredOperation,
  type OperationRow,
  type OrderRecord,
  type OrderRow,
  type PaymentRecord,
  type PaymentRow,
  type StoredOperation,
} from './rows';
import type { Operation } from '../../src-shared';

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
  return {
    payments: jsonArray(row?.payments_json).map((r) => rowToPayment(r as PaymentRow)),
    operations: jsonArray(row?.operations_json).map((r) => rowToStoredOperation(r as OperationRow)),
  };
}

const jsonArray = (v: unknown): unknown[] =>
  typeof v === 'string' ? (JSON.parse(v) as unknown[]) : ((v ?? []) as unknown[]);

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
  wholeOrderFields(forUpdate)
    .map(([name, expr]) => (expr === `o.${name}` ? expr : `${expr} AS ${name}`))
    .join(', ');

/** The fields of `wholeOrderColumns`, each a name and its expression. */
function wholeOrderFields(forUpdate: boolean): [name: string, expr: string][] {
  const fields: [string, string][] = ORDER_COLUMNS.split(', ').map((c) => [c, `o.${c}`]);
  fields.push(['payments_json', PAYMENTS_JSON('o.id')], ['operations_json', OPERATIONS_JSON('o.id')]);
  if (forUpdate) {
    fields.push(
      ['locked_version', 'o.xmin::text'],
      ['seen_version', '(SELECT s.xmin::text FROM orders s WHERE s.id = o.id)'],
      ['locked_at', 'statement_timestamp()'],
    );
  } else fields.push(['seen_version', 'o.xmin::text']);
  return fields;
}

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
  PaymentsAndOperationsJson & { locked_version?: string; seen_version?: string; locked_at?: unknown };

const BY_ID = 'FROM orders o WHERE o.id = $1 AND o.merchant_id = $2';
const BY_PAYMENT =
  'FROM payments pp JOIN orders o ON o.id = pp.order_id WHERE pp.id = $1 AND pp.merchant_id = $2';
/**
 * `wholeOrderColumns` as one JSON object with the columns' names as keys, in the column `whole`: the driver
 * describes and reads one field instead of eighteen, and the timestamps stay text (`toIso` reads them as it
 * reads the operations'), where each column would be a field description, a parser and, for a timestamp, a
 * `Date` made only to be formatted again: a whole-order read is on every money path.
 */
const wholeOrderJson = (forUpdate: boolean) =>
  `json_build_object(${wholeOrderFields(forUpdate)
    .map(([name, expr]) => `'${name}', ${expr}`)
    .join(', ')}) AS whole`;

const WHOLE_ORDER_SQL = {
  orderId: {
    read: `SELECT ${wholeOrderJson(false)} ${BY_ID}`,
    lock: `SELECT ${wholeOrderJson(true)} ${BY_ID} FOR UPDATE OF o`,
  },
  paymentId: {
    read: `SELECT ${wholeOrderJson(false)} ${BY_PAYMENT}`,
    lock: `SELECT ${wholeOrderJson(true)} ${BY_PAYMENT} FOR UPDATE OF o`,
  },
};

export interface WholeOrder {
  order: OrderRecord;
  payments: PaymentRecord[];
  operations: StoredOperation[];
  /** The order row's version (xmin) its payments and operations were read at, when the load said. */
  version?: string;
  /**
   * The database's clock when the locking load began (its statement's start, before any wait for the lock):
   * the "now" of rules judged under the lock, e.g. the repeat-refund window. Only on a locking load.
   */
  lockedAt?: string;
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
  const row = await selectWholeOrderRow(q, merchantId, by, forUpdate);
  return row ? wholeOrderFromRow(q, row) : null;
}

/**
 * The statement of `selectWholeOrder` alone, its row not yet read into an order: for a transaction that sends
 * it together with later statements and COMMIT in one write (the journal's `runWrittenFirst`), and then reads
 * the row with `wholeOrderFromRow` against the database (a load whose lock waited reads the rest again,
 * after the COMMIT: see there).
 */
export async function selectWholeOrderRow(
  q: Queryable,
  merchantId: string,
  by: { orderId: string } | { paymentId: string },
  forUpdate: boolean,
): Promise<WholeOrderRow | null> {
  const sql = 'orderId' in by ? WHOLE_ORDER_SQL.orderId : WHOLE_ORDER_SQL.paymentId;
  const rows = await q.query<{ whole: WholeOrderRow | string }>(forUpdate ? sql.lock : sql.read, [
    'orderId' in by ? by.orderId : by.paymentId,
    merchantId,
  ]);
  const whole = rows[0]?.whole;
  if (whole === undefined) return null;
  return typeof whole === 'string' ? (JSON.parse(whole) as WholeOrderRow) : whole;
}

/** A row selected with `wholeOrderColumns`; in the locked variant, read again when the lock waited. */
export async function wholeOrderFromRow(q: Queryable, row: WholeOrderRow): Promise<WholeOrder> {
  const order = rowToOrder(row);
  const lockedAt = row.locked_at === undefined ? {} : { lockedAt: toIso(row.locked_at, 'locked_at') };
  if (row.locked_version !== undefined && row.locked_version !== row.seen_version) {
    return {
      order,
      ...(await selectPaymentsAndOperations(q, order.orderId)),
      version: row.locked_version,
      ...lockedAt,
    };
  }
  return { order, ...fromJson(row), version: row.locked_version ?? row.seen_version, ...lockedAt };
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
