/** Cash-drawer sessions and movements. Expected cash = every IN minus every OUT of the open session. */
import type { CurrencyCode } from '../../src-shared';
import type { StoreDb } from './db';

export type CashReason = 'FLOAT' | 'SALE' | 'REFUND' | 'PAY_IN' | 'PAY_OUT' | 'SAFE_DROP';

export interface CashSessionRecord {
  readonly sessionId: string;
  readonly currency: CurrencyCode;
  readonly openedAt: string;
  readonly openedBy: string;
  readonly closedAt: string | null;
  readonly closedBy: string | null;
  readonly countedMinor: number | null;
  readonly expectedMinor: number | null;
  readonly differenceReason: string | null;
  readonly approvedBy: string | null;
}

interface CashSessionRow {
  session_id: string;
  currency: string;
  opened_at: string;
  opened_by: string;
  closed_at: string | null;
  closed_by: string | null;
  counted_minor: number | null;
  expected_minor: number | null;
  difference_reason: string | null;
  approved_by: string | null;
}

export const rowToCashSession = (r: CashSessionRow): CashSessionRecord => ({
  sessionId: r.session_id,
  currency: r.currency as CurrencyCode,
  openedAt: r.opened_at,
  openedBy: r.opened_by,
  closedAt: r.closed_at,
  closedBy: r.closed_by,
  countedMinor: r.counted_minor,
  expectedMinor: r.expected_minor,
  differenceReason: r.difference_reason,
  approvedBy: r.approved_by,
});

export function openCashSessionRow(
  db: StoreDb,
  s: Pick<CashSessionRecord, 'sessionId' | 'currency' | 'openedAt' | 'openedBy'>,
): void {
  db.prepare(
    'INSERT INTO cash_sessions (session_id, currency, opened_at, opened_by) VALUES (?, ?, ?, ?)',
  ).run(s.sessionId, s.currency, s.openedAt, s.openedBy);
}

export function currentCashSession(db: StoreDb): CashSessionRecord | null {
  const r = db.prepare('SELECT * FROM cash_sessions WHERE closed_at IS NULL').get() as
    CashSessionRow | undefined;
  return r ? rowToCashSession(r) : null;
}

export function getCashSession(db: StoreDb, sessionId: string): CashSessionRecord | null {
  const r = db.prepare('SELECT * FROM cash_sessions WHERE session_id = ?').get(sessionId) as
    CashSessionRow | undefined;
  return r ? rowToCashSession(r) : null;
}

export function insertCashMovement(
  db: StoreDb,
  m: {
    movementId: string;
    sessionId: string;
    direction: 'IN' | 'OUT';
    reason: CashReason;
    amountMinor: number;
    orderId?: string | null;
    note?: string | null;
    operatorId: string | null;
    at: string;
  },
): void {
  db.prepare(
    `INSERT INTO cash_movements (movement_id, session_id, direction, reason, amount_minor, order_id, note,
         operator_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    m.movementId,
    m.sessionId,
    m.direction,
    m.reason,
    m.amountMinor,
    m.orderId ?? null,
    m.note ?? null,
    m.operatorId,
    m.at,
  );
}

export function expectedCash(db: StoreDb, sessionId: string): number {
  const r = db
    .prepare(
      `SELECT COALESCE(SUM(CASE direction WHEN 'IN' THEN amount_minor ELSE -amount_minor END), 0) AS n
       FROM cash_movements WHERE session_id = ?`,
    )
    .get(sessionId) as { n: number };
  return r.n;
}

export function closeCashSessionRow(
  db: StoreDb,
  c: {
    sessionId: string;
    closedAt: string;
    closedBy: string;
    countedMinor: number;
    expectedMinor: number;
    differenceReason: string | null;
    approvedBy: string | null;
  },
): void {
  db.prepare(
    `UPDATE cash_sessions SET closed_at = ?, closed_by = ?, counted_minor = ?, expected_minor = ?,
         difference_reason = ?, approved_by = ? WHERE session_id = ? AND closed_at IS NULL`,
  ).run(
    c.closedAt,
    c.closedBy,
    c.countedMinor,
    c.expectedMinor,
    c.differenceReason,
    c.approvedBy,
    c.sessionId,
  );
}
