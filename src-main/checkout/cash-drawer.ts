/**
 * The cash drawer: opening float, pay in / pay out, count and close. Expected cash is derived from the
 * session's movements (float + sales − refunds ± pay in/out); a count off by more than the policy's limit
 * needs a manager and a reason. Movements that are not sales reach the core as CASH_MOVEMENT messages.
 */
import { domainError, err, ok, toDecimalString, type DomainError, type Result } from '../../src-shared';
import {
  appendAudit,
  closeCashSessionRow,
  currentCashSession,
  enqueueMessage,
  expectedCash,
  insertCashMovement,
  openCashSessionRow,
  type CashSessionRecord,
} from '../store';
import type { CheckoutDeps } from './context';
import { requireManager } from './staff';

const show = (deps: CheckoutDeps, minor: number) =>
  `${toDecimalString({ amountMinor: minor, currency: deps.currency })} ${deps.currency}`;

export function openDrawer(
  deps: CheckoutDeps,
  input: { floatMinor: number; operatorId: string },
): Result<CashSessionRecord, DomainError> {
  if (!Number.isSafeInteger(input.floatMinor) || input.floatMinor < 0) {
    return err(domainError('CHECKOUT_INVALID', { reason: 'the float must be zero or more' }));
  }
  const open = currentCashSession(deps.db);
  if (open) return err(domainError('CASH_DRAWER_ALREADY_OPEN', { openedAt: open.openedAt }));
  const at = deps.clock().toISOString();
  const sessionId = deps.newId();
  deps.db.tx(() => {
    openCashSessionRow(deps.db, {
      sessionId,
      currency: deps.currency,
      openedAt: at,
      openedBy: input.operatorId,
    });
    if (input.floatMinor > 0) {
      insertCashMovement(deps.db, {
        movementId: deps.newId(),
        sessionId,
        direction: 'IN',
        reason: 'FLOAT',
        amountMinor: input.floatMinor,
        operatorId: input.operatorId,
        at,
      });
      enqueueMessage(deps.db, {
        messageId: deps.newId(),
        occurredAt: at,
        kind: 'CASH_MOVEMENT',
        direction: 'IN',
        reason: 'FLOAT',
        amount: { amountMinor: input.floatMinor, currency: deps.currency },
        operatorId: input.operatorId,
      });
    }
    appendAudit(deps.db, {
      at: deps.clock(),
      actor: input.operatorId,
      action: 'DRAWER_OPENED',
      subject: sessionId,
      details: { floatMinor: input.floatMinor },
    });
  });
  return ok(currentCashSession(deps.db) as CashSessionRecord);
}

/** Cash put in or taken out that is not a sale or refund (petty cash, a safe drop). */
export function moveCash(
  deps: CheckoutDeps,
  input: {
    direction: 'IN' | 'OUT';
    amountMinor: number;
    kind: 'PETTY_CASH' | 'SAFE_DROP';
    note?: string;
    operatorId: string;
  },
): Result<{ expectedMinor: number }, DomainError> {
  if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor <= 0) {
    return err(domainError('AMOUNT_NOT_POSITIVE', { amount: input.amountMinor }));
  }
  const s = currentCashSession(deps.db);
  if (!s) return err(domainError('CASH_DRAWER_CLOSED'));
  if (input.direction === 'OUT' && expectedCash(deps.db, s.sessionId) < input.amountMinor) {
    return err(
      domainError('CHECKOUT_INVALID', {
        reason: `the drawer should hold only ${show(deps, expectedCash(deps.db, s.sessionId))}`,
      }),
    );
  }
  const at = deps.clock().toISOString();
  deps.db.tx(() => {
    insertCashMovement(deps.db, {
      movementId: deps.newId(),
      sessionId: s.sessionId,
      direction: input.direction,
      reason: input.kind === 'SAFE_DROP' ? 'SAFE_DROP' : input.direction === 'IN' ? 'PAY_IN' : 'PAY_OUT',
      amountMinor: input.amountMinor,
      note: input.note ?? null,
      operatorId: input.operatorId,
      at,
    });
    enqueueMessage(deps.db, {
      messageId: deps.newId(),
      occurredAt: at,
      kind: 'CASH_MOVEMENT',
      direction: input.direction,
      reason: input.kind,
      amount: { amountMinor: input.amountMinor, currency: deps.currency },
      note: input.note ?? null,
      operatorId: input.operatorId,
    });
  });
  return ok({ expectedMinor: expectedCash(deps.db, s.sessionId) });
}

export interface DrawerCount {
  readonly sessionId: string;
  readonly expectedMinor: number;
  readonly countedMinor: number;
  readonly differenceMinor: number;
}

/** Counts and closes the drawer. Over the limit, a manager's PIN and a reason are required. */
export function closeDrawer(
  deps: CheckoutDeps,
  input: {
    countedMinor: number;
    operatorId: string;
    reason?: string;
    manager?: { managerId: string; managerPin: string };
  },
): Result<DrawerCount, DomainError> {
  if (!Number.isSafeInteger(input.countedMinor) || input.countedMinor < 0) {
    return err(domainError('CHECKOUT_INVALID', { reason: 'the counted amount must be zero or more' }));
  }
  const s = currentCashSession(deps.db);
  if (!s) return err(domainError('CASH_DRAWER_CLOSED'));
  const expectedMinor = expectedCash(deps.db, s.sessionId);
  const differenceMinor = input.countedMinor - expectedMinor;
  let approvedBy: string | null = null;
  if (Math.abs(differenceMinor) > deps.policy.cashDifferenceLimitMinor) {
    const needs = domainError('CASH_DIFFERENCE_NEEDS_MANAGER', {
      expected: show(deps, expectedMinor),
      difference: show(deps, differenceMinor),
      limit: show(deps, deps.policy.cashDifferenceLimitMinor),
    });
    if (!input.manager || !input.reason || input.reason.trim().length < 3) return err(needs);
    const m = requireManager(deps, input.manager, 'A cash difference over the limit');
    if (!m.ok) return m;
    approvedBy = m.value.staffId;
  }
  const at = deps.clock().toISOString();
  deps.db.tx(() => {
    if (differenceMinor !== 0) {
      // The difference is real money found or missing: the core's cash book must show it too.
      enqueueMessage(deps.db, {
        messageId: deps.newId(),
        occurredAt: at,
        kind: 'CASH_MOVEMENT',
        direction: differenceMinor > 0 ? 'IN' : 'OUT',
        reason: 'CORRECTION',
        amount: { amountMinor: Math.abs(differenceMinor), currency: deps.currency },
        note: input.reason?.slice(0, 200) ?? null,
        operatorId: input.operatorId,
      });
    }
    closeCashSessionRow(deps.db, {
      sessionId: s.sessionId,
      closedAt: at,
      closedBy: input.operatorId,
      countedMinor: input.countedMinor,
      expectedMinor,
      differenceReason: input.reason?.trim() || null,
      approvedBy,
    });
    appendAudit(deps.db, {
      at: deps.clock(),
      actor: input.operatorId,
      action: 'DRAWER_CLOSED',
      subject: s.sessionId,
      details: {
        expectedMinor,
        countedMinor: input.countedMinor,
        differenceMinor,
        reason: input.reason ?? null,
        approvedBy,
      },
    });
  });
  return ok({ sessionId: s.sessionId, expectedMinor, countedMinor: input.countedMinor, differenceMinor });
}

export function drawerStatus(deps: CheckoutDeps): {
  open: CashSessionRecord | null;
  expectedMinor: number | null;
} {
  const s = currentCashSession(deps.db);
  return { open: s, expectedMinor: s ? expectedCash(deps.db, s.sessionId) : null };
}
