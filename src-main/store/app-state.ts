/**
 * What the counter app keeps beside the ledger (migration 3): the open basket, the checkout ids the UI
 * minted (so a retried checkout answers the first one's result), and the terminal's receipt text per card
 * payment.
 */
import type { StoreDb } from './db';

// ── The open basket ───────────────────────────────────────────────────────────────────────────────

export interface OpenCartLine {
  readonly lineId: string;
  readonly sku: string | null;
  readonly name: string;
  readonly unitMinor: number;
  readonly quantity: number;
  readonly taxRateBp: number;
  readonly discountMinor: number;
  /** A percentage discount kept as one (basis points); discountMinor is that share of the line. */
  readonly discountBp?: number;
}

/** Off the whole basket (migration 4): an amount, or a percentage in basis points. */
export type OpenCartDiscount = { readonly amountMinor: number } | { readonly percentBp: number };

export interface OpenCart {
  readonly lines: readonly OpenCartLine[];
  readonly basketDiscount: OpenCartDiscount | null;
  readonly updatedAt: string | null;
}

export function getOpenCart(db: StoreDb): OpenCart {
  const r = db.prepare('SELECT lines, basket_discount, updated_at FROM open_cart WHERE id = 1').get() as
    { lines: string; basket_discount: string | null; updated_at: string } | undefined;
  return r
    ? {
        lines: JSON.parse(r.lines) as OpenCartLine[],
        basketDiscount: r.basket_discount ? (JSON.parse(r.basket_discount) as OpenCartDiscount) : null,
        updatedAt: r.updated_at,
      }
    : emptyCart;
}

const emptyCart: OpenCart = { lines: [], basketDiscount: null, updatedAt: null };

export function putOpenCart(
  db: StoreDb,
  lines: readonly OpenCartLine[],
  at: string,
  basketDiscount: OpenCartDiscount | null = null,
): OpenCart {
  if (lines.length === 0) {
    clearOpenCart(db);
    return emptyCart;
  }
  db.prepare(
    `INSERT INTO open_cart (id, lines, basket_discount, updated_at) VALUES (1, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET lines = excluded.lines, basket_discount = excluded.basket_discount,
       updated_at = excluded.updated_at`,
  ).run(JSON.stringify(lines), basketDiscount ? JSON.stringify(basketDiscount) : null, at);
  return { lines, basketDiscount, updatedAt: at };
}

export function clearOpenCart(db: StoreDb): void {
  db.prepare('DELETE FROM open_cart WHERE id = 1').run();
}

// ── Checkout ids ─────────────────────────────────────────────────────────────────────────────────

export interface CheckoutRecord {
  readonly checkoutId: string;
  readonly command: string;
  readonly requestHash: string;
  readonly orderId: string;
  readonly clearsCart: boolean;
  /** The answer given, once the checkout has ended; null while it runs (or if the host died meanwhile). */
  readonly answer: unknown;
  readonly createdAt: string;
  readonly finishedAt: string | null;
}

interface CheckoutRow {
  checkout_id: string;
  command: string;
  request_hash: string;
  order_id: string;
  clears_cart: number;
  answer: string | null;
  created_at: string;
  finished_at: string | null;
}

const rowToCheckout = (r: CheckoutRow): CheckoutRecord => ({
  checkoutId: r.checkout_id,
  command: r.command,
  requestHash: r.request_hash,
  orderId: r.order_id,
  clearsCart: r.clears_cart === 1,
  answer: r.answer === null ? null : JSON.parse(r.answer),
  createdAt: r.created_at,
  finishedAt: r.finished_at,
});

export function getCheckout(db: StoreDb, checkoutId: string): CheckoutRecord | null {
  const r = db.prepare('SELECT * FROM checkouts WHERE checkout_id = ?').get(checkoutId) as
    CheckoutRow | undefined;
  return r ? rowToCheckout(r) : null;
}

export function insertCheckout(db: StoreDb, c: Omit<CheckoutRecord, 'answer' | 'finishedAt'>): void {
  db.prepare(
    `INSERT INTO checkouts (checkout_id, command, request_hash, order_id, clears_cart, answer, created_at)
     VALUES (?, ?, ?, ?, ?, NULL, ?)`,
  ).run(c.checkoutId, c.command, c.requestHash, c.orderId, c.clearsCart ? 1 : 0, c.createdAt);
}

export function finishCheckout(db: StoreDb, checkoutId: string, answer: unknown, at: string): void {
  db.prepare('UPDATE checkouts SET answer = ?, finished_at = ? WHERE checkout_id = ?').run(
    JSON.stringify(answer),
    at,
    checkoutId,
  );
}

/** The checkout that sold this order from the open basket, if any. */
export function cartCheckoutOfOrder(db: StoreDb, orderId: string): CheckoutRecord | null {
  const r = db
    .prepare('SELECT * FROM checkouts WHERE order_id = ? AND clears_cart = 1 LIMIT 1')
    .get(orderId) as CheckoutRow | undefined;
  return r ? rowToCheckout(r) : null;
}

// ── The terminal's receipt text ─────────────────────────────────────────────────────────────────

/** Which of the terminal's receipts: 06 D3 says it (1F07); lines printed by 06 D1 are 'unspecified'. */
export type TerminalReceiptCopy = 'customer' | 'merchant' | 'administration' | 'unspecified';

export interface TerminalReceiptRecord {
  readonly attemptId: string;
  readonly orderId: string;
  readonly paymentId: string;
  /** Every line as printed, in order (the receipts below joined). */
  readonly lines: readonly string[];
  /** The same lines per receipt, in the order printed; one 'unspecified' receipt for rows stored before. */
  readonly receipts?: readonly { readonly type: TerminalReceiptCopy; readonly lines: readonly string[] }[];
  readonly createdAt: string;
}

export function saveTerminalReceipt(db: StoreDb, r: TerminalReceiptRecord): void {
  db.prepare(
    `INSERT OR REPLACE INTO terminal_receipts (attempt_id, order_id, payment_id, lines, created_at)
     VALUES (?, ?, ?, ?, ?)`,
  ).run(
    r.attemptId,
    r.orderId,
    r.paymentId,
    // An object with the receipts since the copies are told apart; rows from before hold the bare array.
    JSON.stringify(r.receipts ? { lines: r.lines, receipts: r.receipts } : r.lines),
    r.createdAt,
  );
}

export function terminalReceiptsOfOrder(db: StoreDb, orderId: string): TerminalReceiptRecord[] {
  const rows = db
    .prepare('SELECT * FROM terminal_receipts WHERE order_id = ? ORDER BY created_at, attempt_id')
    .all(orderId) as {
    attempt_id: string;
    order_id: string;
    payment_id: string;
    lines: string;
    created_at: string;
  }[];
  return rows.map((r) => {
    const stored = JSON.parse(r.lines) as
      string[] | Required<Pick<TerminalReceiptRecord, 'lines' | 'receipts'>>;
    const lines = Array.isArray(stored) ? stored : stored.lines;
    return {
      attemptId: r.attempt_id,
      orderId: r.order_id,
      paymentId: r.payment_id,
      lines,
      receipts: Array.isArray(stored) ? [{ type: 'unspecified' as const, lines }] : stored.receipts,
      createdAt: r.created_at,
    };
  });
}

// ── Card payments not yet with the core ──────────────────────────────────────────────────────────

/** Card payments taken here whose PAYMENT_RECORDED message still waits in the queue, oldest first. */
export function queuedCardPayments(
  db: StoreDb,
): { paymentId: string; orderId: string; amountMinor: number; takenAt: string }[] {
  const rows = db
    .prepare(
      `SELECT message FROM outbox WHERE state = 'QUEUED' AND kind = 'PAYMENT_RECORDED' ORDER BY seq LIMIT 500`,
    )
    .all() as { message: string }[];
  return rows
    .map(
      (r) =>
        JSON.parse(r.message) as {
          method?: string;
          paymentId: string;
          orderId: string;
          occurredAt: string;
          result?: { amount?: { amountMinor: number } };
        },
    )
    .filter((m) => m.method === 'CARD')
    .map((m) => ({
      paymentId: m.paymentId,
      orderId: m.orderId,
      amountMinor: m.result?.amount?.amountMinor ?? 0,
      takenAt: m.occurredAt,
    }));
}

/**
 * What the offline card policy reads (checkout/offline-policy.ts): how many card payments taken here still
 * wait in the queue, what they add up to, and the oldest of them.
 */
export function offlineCardQueue(db: StoreDb): {
  count: number;
  totalMinor: number;
  oldest: { paymentId: string; takenAt: string } | null;
} {
  const where = `state = 'QUEUED' AND kind = 'PAYMENT_RECORDED' AND json_extract(message, '$.method') = 'CARD'`;
  const sum = db
    .prepare(
      `SELECT COUNT(*) AS n, COALESCE(SUM(json_extract(message, '$.result.amount.amountMinor')), 0) AS total
       FROM outbox WHERE ${where}`,
    )
    .get() as { n: number; total: number };
  const first = db
    .prepare(
      `SELECT json_extract(message, '$.paymentId') AS paymentId, json_extract(message, '$.occurredAt') AS takenAt
       FROM outbox WHERE ${where} ORDER BY seq LIMIT 1`,
    )
    .get() as { paymentId: string; takenAt: string } | undefined;
  return { count: sum.n, totalMinor: sum.total, oldest: first ?? null };
}
