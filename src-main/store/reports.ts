/** Stored end-of-day (Z) reports: the JSON the report use case built, kept as printed. */
import type { StoreDb } from './db';

export function insertEndOfDayReport(
  db: StoreDb,
  r: { reportId: string; businessDay: string; createdAt: string; report: unknown },
): void {
  db.prepare(
    'INSERT INTO end_of_day_reports (report_id, business_day, created_at, report) VALUES (?, ?, ?, ?)',
  ).run(r.reportId, r.businessDay, r.createdAt, JSON.stringify(r.report));
}

export function endOfDayReports(
  db: StoreDb,
  limit = 30,
): { reportId: string; businessDay: string; createdAt: string; report: unknown }[] {
  const rows = db.prepare('SELECT * FROM end_of_day_reports ORDER BY created_at DESC LIMIT ?').all(limit) as {
    report_id: string;
    business_day: string;
    created_at: string;
    report: string;
  }[];
  return rows.map((r) => ({
    reportId: r.report_id,
    businessDay: r.business_day,
    createdAt: r.created_at,
    report: JSON.parse(r.report) as unknown,
  }));
}

export interface LocalTotalsRow {
  readonly kind: string;
  readonly method: string | null;
  readonly origin: string;
  readonly channel: string;
  readonly count: number;
  readonly amountMinor: number;
}

/** Operation totals since a moment, grouped by kind, tender and origin (for the Z report). */
export function operationTotalsSince(db: StoreDb, sinceIso: string): LocalTotalsRow[] {
  return db
    .prepare(
      `SELECT kind, method, origin, channel, COUNT(*) AS count, COALESCE(SUM(amount_minor), 0) AS amountMinor
       FROM operations WHERE occurred_at > ? GROUP BY kind, method, origin, channel`,
    )
    .all(sinceIso) as LocalTotalsRow[];
}

/** Voided amounts since a moment: a CANCEL carries no amount, so it is the voided payment's sale. */
export function voidTotalsSince(db: StoreDb, sinceIso: string): { count: number; amountMinor: number } {
  return db
    .prepare(
      `SELECT COUNT(*) AS count, COALESCE(SUM(s.amount_minor), 0) AS amountMinor
       FROM operations c JOIN operations s ON s.payment_id = c.payment_id AND s.kind = 'SALE'
       WHERE c.kind = 'CANCEL' AND c.origin = 'LOCAL' AND c.occurred_at > ?`,
    )
    .get(sinceIso) as { count: number; amountMinor: number };
}

export function coreCardRefundsSince(db: StoreDb, sinceIso: string): { count: number; amountMinor: number } {
  return db
    .prepare(
      `SELECT COUNT(*) AS count, COALESCE(SUM(amount_minor), 0) AS amountMinor FROM refund_requests
       WHERE method = 'CORE_CARD' AND state IN ('CLAIM_QUEUED', 'DONE') AND updated_at > ?`,
    )
    .get(sinceIso) as { count: number; amountMinor: number };
}

export function duplicatesSuppressedSince(db: StoreDb, sinceIso: string): number {
  return (
    db
      .prepare(
        `SELECT COUNT(*) AS n FROM outbox
         WHERE acknowledged_at > ? AND json_extract(result, '$.status') = 'duplicate'`,
      )
      .get(sinceIso) as { n: number }
  ).n;
}

export function lastReportAt(db: StoreDb): string | null {
  const r = db.prepare('SELECT MAX(created_at) AS at FROM end_of_day_reports').get() as {
    at: string | null;
  };
  return r.at;
}

/** Orders that may still owe money: deposits taken here and orders learnt from the core with a total. */
export function ordersWithTotal(
  db: StoreDb,
): { orderId: string; customerName: string | null; contact: string | null }[] {
  return db
    .prepare(
      `SELECT o.order_id AS orderId, c.name AS customerName, c.contact AS contact FROM orders o
       LEFT JOIN customers c ON c.customer_id = o.customer_id
       WHERE o.kind IN ('DEPOSIT', 'REMOTE') AND o.total_minor IS NOT NULL`,
    )
    .all() as { orderId: string; customerName: string | null; contact: string | null }[];
}

/** Deposits taken here since a moment: count and the first payment of each deposit order. */
export function depositsSince(db: StoreDb, since: string): { count: number; depositsMinor: number } {
  const r = db
    .prepare(
      `SELECT COUNT(*) AS count, COALESCE(SUM(op.amount_minor), 0) AS depositsMinor FROM orders o
       JOIN operations op ON op.order_id = o.order_id AND op.kind = 'SALE' AND op.origin = 'LOCAL'
       WHERE o.kind = 'DEPOSIT' AND o.created_at > ? AND op.order_seq = (
         SELECT MIN(order_seq) FROM operations WHERE order_id = o.order_id AND kind = 'SALE')`,
    )
    .get(since) as { count: number; depositsMinor: number };
  return r;
}
