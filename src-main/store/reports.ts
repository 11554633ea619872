/** Stored end-of-day (Z) reports: the JSON the report use case built, kept as printed. */
import type { StoreDb } from './db';

export function insertEndOfDayReport(
  db: StoreDb,
  r: { reportId: string; businessDay: string; createdAt: string; report: unknown },
): void {
  db.sql
    .prepare(
      'INSERT INTO end_of_day_reports (report_id, business_day, created_at, report) VALUES (?, ?, ?, ?)',
    )
    .run(r.reportId, r.businessDay, r.createdAt, JSON.stringify(r.report));
}

export function endOfDayReports(
  db: StoreDb,
  limit = 30,
): { reportId: string; businessDay: string; createdAt: string; report: unknown }[] {
  const rows = db.sql
    .prepare('SELECT * FROM end_of_day_reports ORDER BY created_at DESC LIMIT ?')
    .all(limit) as { report_id: string; business_day: string; created_at: string; report: string }[];
  return rows.map((r) => ({
    reportId: r.report_id,
    businessDay: r.business_day,
    createdAt: r.created_at,
    report: JSON.parse(r.report) as unknown,
  }));
}
