/** The append-only audit log: every manager step, refund, void and drawer difference (triggers refuse edits). */
import type { StoreDb } from './db';

export interface AuditEntry {
  readonly auditId: number;
  readonly at: string;
  readonly actor: string | null;
  readonly action: string;
  readonly subject: string | null;
  readonly details: Record<string, unknown>;
}

interface AuditRow {
  audit_id: number;
  at: string;
  actor: string | null;
  action: string;
  subject: string | null;
  details: string;
}

export const rowToAudit = (r: AuditRow): AuditEntry => ({
  auditId: r.audit_id,
  at: r.at,
  actor: r.actor,
  action: r.action,
  subject: r.subject,
  details: JSON.parse(r.details) as Record<string, unknown>,
});

export function appendAudit(
  db: StoreDb,
  e: { at: Date; actor: string | null; action: string; subject?: string | null; details?: object },
): void {
  db.prepare('INSERT INTO audit_log (at, actor, action, subject, details) VALUES (?, ?, ?, ?, ?)').run(
    e.at.toISOString(),
    e.actor,
    e.action,
    e.subject ?? null,
    JSON.stringify(e.details ?? {}),
  );
}

export function auditTrail(db: StoreDb, filter: { subject?: string; limit?: number } = {}): AuditEntry[] {
  const rows = (
    filter.subject
      ? db
          .prepare('SELECT * FROM audit_log WHERE subject = ? ORDER BY audit_id DESC LIMIT ?')
          .all(filter.subject, filter.limit ?? 200)
      : db.prepare('SELECT * FROM audit_log ORDER BY audit_id DESC LIMIT ?').all(filter.limit ?? 200)
  ) as AuditRow[];
  return rows.map(rowToAudit);
}
