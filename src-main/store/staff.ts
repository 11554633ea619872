/** Staff rows: who may do what. PIN hashing and lockout policy live in checkout/staff.ts. */
import type { StoreDb } from './db';

export type StaffRole = 'CASHIER' | 'MANAGER';

export interface StaffRecord {
  readonly staffId: string;
  readonly name: string;
  readonly role: StaffRole;
  readonly pinHash: string;
  readonly failedAttempts: number;
  readonly lockedUntil: string | null;
  readonly active: boolean;
  readonly createdAt: string;
}

interface StaffRow {
  staff_id: string;
  name: string;
  role: string;
  pin_hash: string;
  failed_attempts: number;
  locked_until: string | null;
  active: number;
  created_at: string;
}

export const rowToStaff = (r: StaffRow): StaffRecord => ({
  staffId: r.staff_id,
  name: r.name,
  role: r.role as StaffRole,
  pinHash: r.pin_hash,
  failedAttempts: r.failed_attempts,
  lockedUntil: r.locked_until,
  active: r.active === 1,
  createdAt: r.created_at,
});

export const staffToRow = (s: StaffRecord): StaffRow => ({
  staff_id: s.staffId,
  name: s.name,
  role: s.role,
  pin_hash: s.pinHash,
  failed_attempts: s.failedAttempts,
  locked_until: s.lockedUntil,
  active: s.active ? 1 : 0,
  created_at: s.createdAt,
});

export function upsertStaff(db: StoreDb, s: StaffRecord): void {
  db.prepare(
    `INSERT INTO staff (staff_id, name, role, pin_hash, failed_attempts, locked_until, active, created_at)
       VALUES (@staff_id, @name, @role, @pin_hash, @failed_attempts, @locked_until, @active, @created_at)
       ON CONFLICT (staff_id) DO UPDATE SET name = excluded.name, role = excluded.role,
         pin_hash = excluded.pin_hash, failed_attempts = excluded.failed_attempts,
         locked_until = excluded.locked_until, active = excluded.active`,
  ).run(staffToRow(s));
}

export function getStaff(db: StoreDb, staffId: string): StaffRecord | null {
  const r = db.prepare('SELECT * FROM staff WHERE staff_id = ?').get(staffId) as StaffRow | undefined;
  return r ? rowToStaff(r) : null;
}

export function listStaff(db: StoreDb): StaffRecord[] {
  return (db.prepare('SELECT * FROM staff ORDER BY staff_id').all() as StaffRow[]).map(rowToStaff);
}

export function recordPinFailure(db: StoreDb, staffId: string, lockedUntil: string | null): void {
  db.prepare(
    'UPDATE staff SET failed_attempts = failed_attempts + 1, locked_until = ? WHERE staff_id = ?',
  ).run(lockedUntil, staffId);
}

export function recordPinSuccess(db: StoreDb, staffId: string): void {
  db.prepare('UPDATE staff SET failed_attempts = 0, locked_until = NULL WHERE staff_id = ?').run(staffId);
}
