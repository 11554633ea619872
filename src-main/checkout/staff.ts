/**
 * Staff: cashier and manager roles, PINs hashed with scrypt (slow on purpose: a stolen database must not
 * give up 4-digit PINs in a second), lockout after repeated failures.
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { domainError, err, ok, type DomainError, type Result } from '../../src-shared';
import {
  appendAudit,
  getStaff,
  recordPinFailure,
  recordPinSuccess,
  upsertStaff,
  type StaffRecord,
  type StaffRole,
} from '../store';
import type { CheckoutDeps } from './context';

// N = 2^15 takes ~50-100 ms per check: negligible at a counter, costly for anyone guessing offline.
const SCRYPT = { N: 1 << 15, r: 8, p: 1, keyLength: 32 };

export function hashPin(pin: string, salt = randomBytes(16)): string {
  const key = scryptSync(pin, salt, SCRYPT.keyLength, {
    N: SCRYPT.N,
    r: SCRYPT.r,
    p: SCRYPT.p,
    maxmem: 64 * 1024 * 1024,
  });
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export function verifyPinHash(pin: string, stored: string): boolean {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = scryptSync(pin, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: 64 * 1024 * 1024,
  });
  return timingSafeEqual(actual, expected);
}

const PIN_PATTERN = /^\d{4,8}$/;

export function enrollStaff(
  deps: CheckoutDeps,
  input: { staffId: string; name: string; role: StaffRole; pin: string; by?: string | null },
): Result<StaffRecord, DomainError> {
  if (!PIN_PATTERN.test(input.pin)) {
    return err(domainError('CHECKOUT_INVALID', { reason: 'a PIN has 4 to 8 digits' }));
  }
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(input.staffId)) {
    return err(
      domainError('CHECKOUT_INVALID', { reason: 'a staff id is letters, digits, dot, dash or underscore' }),
    );
  }
  const now = deps.clock();
  const record: StaffRecord = {
    staffId: input.staffId,
    name: input.name,
    role: input.role,
    pinHash: hashPin(input.pin),
    failedAttempts: 0,
    lockedUntil: null,
    active: true,
    createdAt: now.toISOString(),
  };
  deps.db.tx(() => {
    upsertStaff(deps.db, record);
    appendAudit(deps.db, {
      at: now,
      actor: input.by ?? null,
      action: 'STAFF_ENROLLED',
      subject: input.staffId,
      details: { role: input.role },
    });
  });
  return ok(record);
}

/**
 * Checks a PIN. A wrong one counts towards the lockout; the right one resets the count. The counting and
 * the lockout are committed whatever the answer, so restarting the host does not reset them.
 */
export function verifyStaff(
  deps: CheckoutDeps,
  staffId: string,
  pin: string,
  requiredRole?: StaffRole,
): Result<StaffRecord, DomainError> {
  const now = deps.clock();
  const staff = getStaff(deps.db, staffId);
  if (!staff || !staff.active) return err(domainError('STAFF_NOT_FOUND', { staffId }));
  if (staff.lockedUntil && staff.lockedUntil > now.toISOString()) {
    return err(domainError('STAFF_LOCKED_OUT', { staffId, until: staff.lockedUntil }));
  }
  if (!verifyPinHash(pin, staff.pinHash)) {
    const failures = staff.failedAttempts + 1;
    const max = deps.policy.pinMaxFailures;
    const lockedUntil =
      failures >= max ? new Date(now.getTime() + deps.policy.pinLockoutMinutes * 60_000).toISOString() : null;
    deps.db.tx(() => {
      recordPinFailure(deps.db, staffId, lockedUntil);
      appendAudit(deps.db, {
        at: now,
        actor: staffId,
        action: lockedUntil ? 'PIN_LOCKOUT' : 'PIN_FAILED',
        subject: staffId,
        details: { failures },
      });
    });
    if (lockedUntil) return err(domainError('STAFF_LOCKED_OUT', { staffId, until: lockedUntil }));
    return err(domainError('STAFF_PIN_INVALID', { staffId, remaining: max - failures }));
  }
  if (staff.failedAttempts > 0 || staff.lockedUntil) recordPinSuccess(deps.db, staffId);
  if (requiredRole === 'MANAGER' && staff.role !== 'MANAGER') {
    return err(domainError('MANAGER_REQUIRED', { action: 'This' }));
  }
  return ok({ ...staff, failedAttempts: 0, lockedUntil: null });
}

/** A manager lifts a lockout. */
export function unlockStaff(
  deps: CheckoutDeps,
  input: { staffId: string; managerId: string; managerPin: string },
): Result<void, DomainError> {
  const m = verifyStaff(deps, input.managerId, input.managerPin, 'MANAGER');
  if (!m.ok) return m;
  if (!getStaff(deps.db, input.staffId))
    return err(domainError('STAFF_NOT_FOUND', { staffId: input.staffId }));
  deps.db.tx(() => {
    recordPinSuccess(deps.db, input.staffId);
    appendAudit(deps.db, {
      at: deps.clock(),
      actor: input.managerId,
      action: 'STAFF_UNLOCKED',
      subject: input.staffId,
    });
  });
  return ok(undefined);
}

/** A manager's PIN for an action that needs one; the audit names the action. */
export function requireManager(
  deps: CheckoutDeps,
  approval: { managerId: string; managerPin: string } | undefined,
  action: string,
): Result<StaffRecord, DomainError> {
  if (!approval) return err(domainError('MANAGER_REQUIRED', { action }));
  const m = verifyStaff(deps, approval.managerId, approval.managerPin, 'MANAGER');
  if (!m.ok && m.error.code === 'MANAGER_REQUIRED') return err(domainError('MANAGER_REQUIRED', { action }));
  return m;
}
