/**
 * Orders, lines, payments and ledger operations. Rows map to the shared ledger's types (src-shared/ledger.ts),
 * whose rules derive every balance; nothing here stores a balance. Query functions never open a transaction:
 * the use case that calls them owns it.
 */
import type { CurrencyCode, Operation, OrderState, PaymentId, PaymentState } from '../../src-shared';
import type { StoreDb } from './db';

export type OrderKind = 'SALE' | 'DEPOSIT' | 'REMOTE';
export type Origin = 'LOCAL' | 'SYNC';
export type TenderMethod = 'CARD' | 'CASH';

export interface OrderRecord {
  readonly orderId: string;
  readonly kind: OrderKind;
  readonly currency: CurrencyCode;
  readonly totalMinor: number | null;
  readonly taxMinor: number;
  readonly customerId: string | null;
  readonly merchantReference: string | null;
  readonly operatorId: string | null;
  readonly origin: Origin;
  readonly createdAt: string;
  readonly businessDay: string;
}

interface OrderRow {
  order_id: string;
  kind: string;
  currency: string;
  total_minor: number | null;
  tax_minor: number;
  customer_id: string | null;
  merchant_reference: string | null;
  operator_id: string | null;
  origin: string;
  created_at: string;
  business_day: string;
}

export const rowToOrder = (r: OrderRow): OrderRecord => ({
  orderId: r.order_id,
  kind: r.kind as OrderKind,
  currency: r.currency as CurrencyCode,
  totalMinor: r.total_minor,
  taxMinor: r.tax_minor,
  customerId: r.customer_id,
  merchantReference: r.merchant_reference,
  operatorId: r.operator_id,
  origin: r.origin as Origin,
  createdAt: r.created_at,
  businessDay: r.business_day,
});

export const orderToRow = (o: OrderRecord): OrderRow => ({
  order_id: o.orderId,
  kind: o.kind,
  currency: o.currency,
  total_minor: o.totalMinor,
  tax_minor: o.taxMinor,
  customer_id: o.customerId,
  merchant_reference: o.merchantReference,
  operator_id: o.operatorId,
  origin: o.origin,
  created_at: o.createdAt,
  business_day: o.businessDay,
});

export interface OrderLineRecord {
  readonly lineNo: number;
  readonly sku: string | null;
  readonly description: string;
  readonly quantity: number;
  readonly unitPriceMinor: number;
  readonly taxRateBp: number;
  readonly lineTotalMinor: number;
  readonly taxMinor: number;
  /** Off lineTotalMinor (the gross); the line charges lineTotalMinor - discountMinor, taxed on that. */
  readonly discountMinor?: number;
  /** The part of discountMinor that is this line's share of a discount on the whole basket. */
  readonly basketDiscountMinor?: number;
}

interface LineRow {
  order_id: string;
  line_no: number;
  sku: string | null;
  description: string;
  quantity: number;
  unit_price_minor: number;
  tax_rate_bp: number;
  line_total_minor: number;
  tax_minor: number;
  discount_minor?: number;
  basket_discount_minor?: number;
}

export const rowToLine = (r: LineRow): OrderLineRecord => ({
  lineNo: r.line_no,
  sku: r.sku,
  description: r.description,
  quantity: r.quantity,
  unitPriceMinor: r.unit_price_minor,
  taxRateBp: r.tax_rate_bp,
  lineTotalMinor: r.line_total_minor,
  taxMinor: r.tax_minor,
  discountMinor: r.discount_minor ?? 0,
  basketDiscountMinor: r.basket_discount_minor ?? 0,
});

export const lineToRow = (orderId: string, l: OrderLineRecord): LineRow => ({
  order_id: orderId,
  line_no: l.lineNo,
  sku: l.sku,
  description: l.description,
  quantity: l.quantity,
  unit_price_minor: l.unitPriceMinor,
  tax_rate_bp: l.taxRateBp,
  line_total_minor: l.lineTotalMinor,
  tax_minor: l.taxMinor,
  discount_minor: l.discountMinor ?? 0,
  basket_discount_minor: l.basketDiscountMinor ?? 0,
});

export interface PaymentRecord {
  readonly paymentId: PaymentId;
  readonly orderId: string;
  readonly channel: Operation['channel'];
  readonly method: TenderMethod | null;
  readonly collectedHere: boolean;
  readonly cardBrand: string | null;
  readonly cardLast4: string | null;
  readonly cardToken: string | null;
  readonly terminalReference: string | null;
  readonly authorisationCode: string | null;
  readonly createdAt: string;
}

interface PaymentRow {
  payment_id: string;
  order_id: string;
  channel: string;
  method: string | null;
  collected_here: number;
  card_brand: string | null;
  card_last4: string | null;
  card_token: string | null;
  terminal_reference: string | null;
  authorisation_code: string | null;
  created_at: string;
}

export const rowToPayment = (r: PaymentRow): PaymentRecord => ({
  paymentId: r.payment_id as PaymentId,
  orderId: r.order_id,
  channel: r.channel as Operation['channel'],
  method: r.method as TenderMethod | null,
  collectedHere: r.collected_here === 1,
  cardBrand: r.card_brand,
  cardLast4: r.card_last4,
  cardToken: r.card_token,
  terminalReference: r.terminal_reference,
  authorisationCode: r.authorisation_code,
  createdAt: r.created_at,
});

export const paymentToRow = (p: PaymentRecord): PaymentRow => ({
  payment_id: p.paymentId,
  order_id: p.orderId,
  channel: p.channel,
  method: p.method,
  collected_here: p.collectedHere ? 1 : 0,
  card_brand: p.cardBrand,
  card_last4: p.cardLast4,
  card_token: p.cardToken,
  terminal_reference: p.terminalReference,
  authorisation_code: p.authorisationCode,
  created_at: p.createdAt,
});

interface OperationRow {
  operation_id: string;
  order_id: string;
  payment_id: string;
  order_seq: number;
  kind: string;
  amount_minor: number | null;
  method: string | null;
  channel: string;
  body: string;
  origin: string;
  occurred_at: string;
}

export const rowToOperation = (r: Pick<OperationRow, 'body'>): Operation => JSON.parse(r.body) as Operation;

export function operationToRow(
  orderId: string,
  orderSeq: number,
  op: Operation,
  method: TenderMethod | null,
  origin: Origin,
): OperationRow {
  return {
    operation_id: op.id,
    order_id: orderId,
    payment_id: op.paymentId,
    order_seq: orderSeq,
    kind: op.kind,
    amount_minor: 'amount' in op ? op.amount.amountMinor : null,
    method,
    channel: op.channel,
    body: JSON.stringify(op),
    origin,
    occurred_at: op.occurredAt,
  };
}

// ── Writers (called inside the use case's transaction) ───────────────────────────────────────────

export function insertOrder(db: StoreDb, o: OrderRecord, lines: readonly OrderLineRecord[] = []): void {
  db.prepare(
    `INSERT INTO orders (order_id, kind, currency, total_minor, tax_minor, customer_id, merchant_reference,
         operator_id, origin, created_at, business_day)
       VALUES (@order_id, @kind, @currency, @total_minor, @tax_minor, @customer_id, @merchant_reference,
         @operator_id, @origin, @created_at, @business_day)`,
  ).run(orderToRow(o));
  const ins = db.prepare(
    `INSERT INTO order_lines (order_id, line_no, sku, description, quantity, unit_price_minor, tax_rate_bp,
       line_total_minor, tax_minor, discount_minor, basket_discount_minor)
     VALUES (@order_id, @line_no, @sku, @description, @quantity, @unit_price_minor, @tax_rate_bp,
       @line_total_minor, @tax_minor, @discount_minor, @basket_discount_minor)`,
  );
  for (const l of lines) ins.run(lineToRow(o.orderId, l));
}

export function insertPayment(db: StoreDb, p: PaymentRecord): void {
  db.prepare(
    `INSERT INTO payments (payment_id, order_id, channel, method, collected_here, card_brand, card_last4,
         card_token, terminal_reference, authorisation_code, created_at)
       VALUES (@payment_id, @order_id, @channel, @method, @collected_here, @card_brand, @card_last4,
         @card_token, @terminal_reference, @authorisation_code, @created_at)`,
  ).run(paymentToRow(p));
}

/** Appends one operation at the order's next local sequence. */
export function appendOperation(
  db: StoreDb,
  orderId: string,
  op: Operation,
  method: TenderMethod | null,
  origin: Origin,
): void {
  const next = db
    .prepare('SELECT COALESCE(MAX(order_seq), 0) + 1 AS n FROM operations WHERE order_id = ?')
    .get(orderId) as { n: number };
  db.prepare(
    `INSERT INTO operations (operation_id, order_id, payment_id, order_seq, kind, amount_minor, method, channel,
         body, origin, occurred_at)
       VALUES (@operation_id, @order_id, @payment_id, @order_seq, @kind, @amount_minor, @method, @channel,
         @body, @origin, @occurred_at)`,
  ).run(operationToRow(orderId, next.n, op, method, origin));
}

// ── Readers ──────────────────────────────────────────────────────────────────────────────────────

export function getOrder(db: StoreDb, orderId: string): OrderRecord | null {
  const r = db.prepare('SELECT * FROM orders WHERE order_id = ?').get(orderId) as OrderRow | undefined;
  return r ? rowToOrder(r) : null;
}

export function orderLines(db: StoreDb, orderId: string): OrderLineRecord[] {
  const rows = db
    .prepare('SELECT * FROM order_lines WHERE order_id = ? ORDER BY line_no')
    .all(orderId) as LineRow[];
  return rows.map(rowToLine);
}

export function orderPayments(db: StoreDb, orderId: string): PaymentRecord[] {
  const rows = db
    .prepare('SELECT * FROM payments WHERE order_id = ? ORDER BY created_at, payment_id')
    .all(orderId) as PaymentRow[];
  return rows.map(rowToPayment);
}

export function getPayment(db: StoreDb, paymentId: string): PaymentRecord | null {
  const r = db.prepare('SELECT * FROM payments WHERE payment_id = ?').get(paymentId) as
    PaymentRow | undefined;
  return r ? rowToPayment(r) : null;
}

export function hasOperation(db: StoreDb, operationId: string): boolean {
  return db.prepare('SELECT 1 FROM operations WHERE operation_id = ?').get(operationId) !== undefined;
}

/** The order as the shared ledger sees it: payments in order of their first operation. */
export function loadOrderState(db: StoreDb, orderId: string): OrderState | null {
  const order = getOrder(db, orderId);
  if (!order) return null;
  const rows = db
    .prepare('SELECT body FROM operations WHERE order_id = ? ORDER BY order_seq')
    .all(orderId) as { body: string }[];
  const byPayment = new Map<string, Operation[]>();
  for (const r of rows) {
    const op = rowToOperation(r);
    const list = byPayment.get(op.paymentId) ?? [];
    list.push(op);
    byPayment.set(op.paymentId, list);
  }
  const payments: PaymentState[] = [...byPayment].map(([paymentId, operations]) => ({
    paymentId: paymentId as PaymentId,
    channel: operations[0]?.channel ?? 'IN_STORE',
    operations,
  }));
  return {
    orderId,
    currency: order.currency,
    total: order.totalMinor === null ? null : { amountMinor: order.totalMinor, currency: order.currency },
    payments,
  };
}

/** Operations of one order with how they moved money here (CASH/CARD at this counter, null elsewhere). */
export function orderOperationsWithMethod(
  db: StoreDb,
  orderId: string,
): { op: Operation; method: TenderMethod | null; origin: Origin }[] {
  const rows = db
    .prepare('SELECT body, method, origin FROM operations WHERE order_id = ? ORDER BY order_seq')
    .all(orderId) as { body: string; method: string | null; origin: string }[];
  return rows.map((r) => ({
    op: rowToOperation(r),
    method: r.method as TenderMethod | null,
    origin: r.origin as Origin,
  }));
}
