/**
 * List queries of the back office: orders and operations with filters, newest first, paged by a keyset
 * cursor on `(recorded_at, id)`. A keyset cursor (not an offset) keeps pages stable while new orders arrive:
 * new rows are recorded "now", so they sort before the first page and never shift the pages after a cursor.
 */
import type { z } from 'zod';
import { money, type CurrencyCode } from '../../src-shared';
import type {
  OperationsQuerySchema,
  OrdersQuerySchema,
  OrderStatus,
  OrderSummary,
} from '../../src-shared/backoffice-api';
import { toIso, toSafeInteger, type Queryable, type SqlValue } from '../db/adapter';
import { fail } from '../routing/api-error';
import {
  OPERATION_COLUMNS,
  ORDER_COLUMNS,
  rowToOrder,
  rowToStoredOperation,
  type OperationRow,
  type OrderRow,
  type StoredOperation,
} from '../ledger/rows';

interface Cursor {
  recordedAt: string;
  id: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.recordedAt, c.id]), 'utf8').toString('base64url');
}

export function decodeCursor(text: string): Cursor {
  const bad = () =>
    fail(
      'REQUEST_INVALID',
      { propertyName: 'query.cursor', reason: 'it is not a cursor this API gave out; start without one' },
      'query.cursor',
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    typeof parsed[0] !== 'string' ||
    Number.isNaN(Date.parse(parsed[0])) ||
    typeof parsed[1] !== 'string' ||
    !/^[0-9a-f-]{36}$/.test(parsed[1])
  ) {
    throw bad();
  }
  return { recordedAt: parsed[0], id: parsed[1] };
}

/** Collects `AND …` conditions with numbered parameters. */
class Where {
  readonly params: SqlValue[] = [];
  private readonly parts: string[] = [];
  add(sql: (p: (value: SqlValue) => string) => string): void {
    this.parts.push(sql((value) => `$${this.params.push(value)}`));
  }
  toString(): string {
    return this.parts.join(' AND ');
  }
}

function checkAmountFilter(q: {
  currency?: string;
  minAmount?: number;
  maxAmount?: number;
  from?: string;
  to?: string;
}) {
  if ((q.minAmount !== undefined || q.maxAmount !== undefined) && !q.currency) {
    throw fail(
      'REQUEST_INVALID',
      {
        propertyName: 'query.currency',
        reason: 'minAmount and maxAmount need a currency: amounts of different currencies do not compare',
      },
      'query.currency',
    );
  }
  if (q.minAmount !== undefined && q.maxAmount !== undefined && q.minAmount > q.maxAmount) {
    throw fail(
      'REQUEST_INVALID',
      { propertyName: 'query.minAmount', reason: 'it is above maxAmount' },
      'query.minAmount',
    );
  }
  if (q.from && q.to && Date.parse(q.from) >= Date.parse(q.to)) {
    throw fail(
      'REQUEST_INVALID',
      { propertyName: 'query.from', reason: 'it is not before to' },
      'query.from',
    );
  }
}

type OrdersQuery = z.output<typeof OrdersQuerySchema>;

interface OrderListRow extends OrderRow {
  status: string;
  authorised_minor: string | number;
  collected_minor: string | number;
  refundable_minor: string | number;
}

function rowToSummary(row: OrderListRow): OrderSummary {
  const order = rowToOrder(row);
  const c = order.currency;
  const m = (v: string | number, column: string) => money(toSafeInteger(v, column), c);
  const authorised = m(row.authorised_minor, 'orders.authorised_minor');
  return {
    orderId: order.orderId,
    status: row.status as OrderStatus,
    channel: order.channel,
    storeId: order.storeId,
    terminalId: order.terminalId,
    customerId: order.customerRef,
    merchantReference: order.merchantReference,
    currency: c as CurrencyCode,
    total: order.total,
    amount: order.total ?? authorised,
    collected: m(row.collected_minor, 'orders.collected_minor'),
    refundable: m(row.refundable_minor, 'orders.refundable_minor'),
    operationCount: order.operationCount,
    occurredAt: order.occurredAt,
    recordedAt: order.recordedAt,
    updatedAt: order.updatedAt,
  };
}

export async function listOrders(
  q: Queryable,
  merchantId: string,
  query: OrdersQuery,
): Promise<{ orders: OrderSummary[]; nextCursor: string | null }> {
  checkAmountFilter(query);
  const w = new Where();
  w.add((p) => `o.merchant_id = ${p(merchantId)}`);
  if (query.from) w.add((p) => `o.recorded_at >= ${p(new Date(query.from!))}`);
  if (query.to) w.add((p) => `o.recorded_at < ${p(new Date(query.to!))}`);
  if (query.status) w.add((p) => `o.status = ${p(query.status!)}`);
  if (query.storeId) w.add((p) => `o.store_id = ${p(query.storeId!)}`);
  if (query.customerId) w.add((p) => `o.customer_ref = ${p(query.customerId!)}`);
  if (query.currency) w.add((p) => `o.currency = ${p(query.currency!)}`);
  if (query.minAmount !== undefined) {
    w.add((p) => `COALESCE(o.total_minor, o.authorised_minor) >= ${p(query.minAmount!)}`);
  }
  if (query.maxAmount !== undefined) {
    w.add((p) => `COALESCE(o.total_minor, o.authorised_minor) <= ${p(query.maxAmount!)}`);
  }
  if (query.channel) {
    w.add((p) => {
      const ch = p(query.channel!);
      return `(o.channel = ${ch} OR EXISTS (SELECT 1 FROM operations x WHERE x.order_id = o.id AND x.channel = ${ch}))`;
    });
  }
  if (query.cursor) {
    const c = decodeCursor(query.cursor);
    w.add((p) => `(o.recorded_at, o.id) < (${p(new Date(c.recordedAt))}::timestamptz, ${p(c.id)}::uuid)`);
  }
  const columns = ORDER_COLUMNS.split(', ')
    .map((c) => `o.${c}`)
    .join(', ');
  const rows = await q.query<OrderListRow>(
    `SELECT ${columns}, o.status, o.authorised_minor, o.collected_minor, o.refundable_minor
     FROM orders o WHERE ${w} ORDER BY o.recorded_at DESC, o.id DESC LIMIT ${query.limit + 1}`,
    w.params,
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    orders: page.map(rowToSummary),
    nextCursor:
      rows.length > query.limit && last
        ? encodeCursor({ recordedAt: toIso(last.recorded_at, 'orders.recorded_at'), id: last.id })
        : null,
  };
}

type OperationsQuery = z.output<typeof OperationsQuerySchema>;

export async function listOperations(
  q: Queryable,
  merchantId: string,
  query: OperationsQuery,
): Promise<{ operations: StoredOperation[]; nextCursor: string | null }> {
  checkAmountFilter(query);
  const w = new Where();
  w.add((p) => `merchant_id = ${p(merchantId)}`);
  if (query.from) w.add((p) => `recorded_at >= ${p(new Date(query.from!))}`);
  if (query.to) w.add((p) => `recorded_at < ${p(new Date(query.to!))}`);
  if (query.orderId) w.add((p) => `order_id = ${p(query.orderId!)}`);
  if (query.paymentId) w.add((p) => `payment_id = ${p(query.paymentId!)}`);
  if (query.kind) w.add((p) => `kind = ${p(query.kind!)}`);
  if (query.channel) w.add((p) => `channel = ${p(query.channel!)}`);
  if (query.storeId) w.add((p) => `store_id = ${p(query.storeId!)}`);
  if (query.terminalId) w.add((p) => `terminal_id = ${p(query.terminalId!)}`);
  if (query.currency) w.add((p) => `currency = ${p(query.currency!)}`);
  if (query.minAmount !== undefined) w.add((p) => `amount_minor >= ${p(query.minAmount!)}`);
  if (query.maxAmount !== undefined) w.add((p) => `amount_minor <= ${p(query.maxAmount!)}`);
  if (query.cursor) {
    const c = decodeCursor(query.cursor);
    w.add((p) => `(recorded_at, id) < (${p(new Date(c.recordedAt))}::timestamptz, ${p(c.id)}::uuid)`);
  }
  const rows = await q.query<OperationRow>(
    `SELECT ${OPERATION_COLUMNS} FROM operations WHERE ${w}
     ORDER BY recorded_at DESC, id DESC LIMIT ${query.limit + 1}`,
    w.params,
  );
  const page = rows.slice(0, query.limit).map(rowToStoredOperation);
  const last = page.at(-1);
  return {
    operations: page,
    nextCursor:
      rows.length > query.limit && last
        ? encodeCursor({ recordedAt: last.recordedAt, id: last.operation.id })
        : null,
  };
}
