/**
 * Finding orders for a refund or a balance: by order id, payment id, customer name/contact, business day
 * or card token (the card presented at the terminal). Every branch uses an index (see migrations), so a
 * search stays fast with 100,000 orders.
 */
import type { StoreDb } from './db';
import { rowToOrder, type OrderRecord } from './orders';

export interface OrderQuery {
  readonly orderId?: string;
  readonly paymentId?: string;
  /** Part of the customer's name, or the exact contact. */
  readonly customer?: string;
  /** YYYY-MM-DD */
  readonly businessDay?: string;
  readonly cardToken?: string;
  readonly limit?: number;
}

export function searchOrders(db: StoreDb, q: OrderQuery): OrderRecord[] {
  const limit = Math.min(Math.max(q.limit ?? 50, 1), 500);
  const where: string[] = [];
  const params: unknown[] = [];
  if (q.orderId) {
    where.push('o.order_id = ?');
    params.push(q.orderId.toLowerCase());
  }
  if (q.paymentId) {
    where.push('o.order_id IN (SELECT order_id FROM payments WHERE payment_id = ?)');
    params.push(q.paymentId);
  }
  if (q.cardToken) {
    where.push('o.order_id IN (SELECT order_id FROM payments WHERE card_token = ?)');
    params.push(q.cardToken);
  }
  if (q.customer) {
    where.push(
      `o.customer_id IN (SELECT customer_id FROM customers WHERE name LIKE ? ESCAPE '\\' COLLATE NOCASE OR contact = ?)`,
    );
    params.push(`${q.customer.replace(/[\\%_]/g, (c) => `\\${c}`)}%`, q.customer);
  }
  if (q.businessDay) {
    where.push('o.business_day = ?');
    params.push(q.businessDay);
  }
  const sql =
    `SELECT o.* FROM orders o ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ` +
    `ORDER BY o.created_at DESC LIMIT ${limit}`;
  return (db.prepare(sql).all(...params) as Parameters<typeof rowToOrder>[0][]).map(rowToOrder);
}
