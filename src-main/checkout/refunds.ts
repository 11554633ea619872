/**
 * Manager refunds. The refund is authorised by a manager's PIN, or by a manager's approval of a cashier's
 * request bound to that payment, amount and method; the reason is required; every step is audited.
 *
 * Methods:
 * - CORE_CARD: back to the original card through the core. Queued as a refund claim (REFUND without a
 *   reservation) with a printed reference; online it is pushed at once, offline it executes on reconnect.
 * - TERMINAL_CARD: card-present on this terminal, under a refund reservation the core grants first (so no
 *   other channel refunds the same money meanwhile); needs the core online.
 * - CASH: from the drawer. Offline it is capped by what this counter itself collected on the order.
 */
import {
  domainError,
  err,
  ok,
  toDecimalString,
  type DomainError,
  type PaymentId,
  type Result,
} from '../../src-shared';
import {
  appendAudit,
  appendOperation,
  currentCashSession,
  enqueueMessage,
  getPayment,
  getRefundRequest,
  insertCashMovement,
  insertRefundRequest,
  loadOrderState,
  orderOperationsWithMethod,
  orderPayments,
  outboxLastError,
  outboxState,
  updateRefundRequest,
  type RefundMethod,
  type RefundRequestRecord,
} from '../store';
import { counterNotSetUp, type CheckoutDeps } from './context';
import { refundableView, type RefundableView } from './refund-rules';
import type { TerminalRefundIntent } from './settle';
import { requireManager, verifyStaff } from './staff';
import { runTerminalAttempt } from './terminal-attempts';

export function refundableOf(deps: CheckoutDeps, orderId: string): Result<RefundableView, DomainError> {
  const state = loadOrderState(deps.db, orderId);
  if (!state) return err(domainError('ORDER_NOT_FOUND', { orderId }));
  return ok(
    refundableView(state, orderPayments(deps.db, orderId), orderOperationsWithMethod(deps.db, orderId)),
  );
}

/** A printed reference the customer can quote: short, and from the id's random part. */
export function refundReference(requestId: string): string {
  const hex = requestId.replace(/-/g, '').slice(-8).toUpperCase();
  return `R-${hex.slice(0, 4)}-${hex.slice(4)}`;
}

export interface RefundInput {
  readonly paymentId: string;
  readonly amountMinor: number;
  readonly method: RefundMethod;
  readonly reason: string;
  readonly operatorId: string;
}

export type RefundAuthorisation =
  { readonly manager: { managerId: string; managerPin: string } } | { readonly requestId: string };

export interface RefundOutcome {
  /** DONE: money went back; PENDING: queued claim (offline) with its reference; REJECTED/NOT_REFUNDED: no. */
  readonly state: 'DONE' | 'PENDING' | 'REJECTED' | 'NOT_REFUNDED';
  readonly requestId: string;
  readonly reference: string;
  readonly orderId: string;
  readonly paymentId: PaymentId;
  readonly amountMinor: number;
  readonly method: RefundMethod;
  readonly error: DomainError | null;
}

const show = (deps: CheckoutDeps, minor: number) =>
  `${toDecimalString({ amountMinor: minor, currency: deps.currency })} ${deps.currency}`;

interface Checked {
  readonly orderId: string;
  readonly paymentId: PaymentId;
  readonly view: RefundableView;
}

function checkRefund(deps: CheckoutDeps, input: RefundInput): Result<Checked, DomainError> {
  if (input.reason.trim().length < 3) return err(domainError('REFUND_REASON_REQUIRED'));
  if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor <= 0) {
    return err(domainError('AMOUNT_NOT_POSITIVE', { amount: input.amountMinor }));
  }
  const payment = getPayment(deps.db, input.paymentId);
  if (!payment) return err(domainError('PAYMENT_NOT_FOUND', { paymentId: input.paymentId }));
  const view = refundableOf(deps, payment.orderId);
  if (!view.ok) return view;
  const p = view.value.payments.find((x) => x.paymentId === payment.paymentId);
  const refundable = p?.refundableMinor ?? 0;
  if (input.amountMinor > refundable) {
    return err(
      domainError('REFUND_EXCEEDS_REFUNDABLE', {
        amount: show(deps, input.amountMinor),
        paymentId: payment.paymentId,
        refundable: show(deps, refundable),
      }),
    );
  }
  if (input.method !== 'CASH' && payment.method === 'CASH') {
    return err(domainError('CHECKOUT_INVALID', { reason: 'a cash payment is refunded in cash' }));
  }
  if (input.method === 'CASH' && !deps.isOnline() && input.amountMinor > view.value.offlineCashCapMinor) {
    return err(
      domainError('REFUND_CASH_OFFLINE_CAP', {
        cap: show(deps, view.value.offlineCashCapMinor),
        orderId: payment.orderId,
      }),
    );
  }
  return ok({ orderId: payment.orderId, paymentId: payment.paymentId, view: view.value });
}

/** A cashier asks; a manager approves this exact payment, amount and method later (approveRefund). */
export function requestRefund(
  deps: CheckoutDeps,
  input: RefundInput & { operatorPin: string },
): Result<RefundRequestRecord, DomainError> {
  const notSetUp = counterNotSetUp(deps);
  if (notSetUp) return err(notSetUp);
  const who = verifyStaff(deps, input.operatorId, input.operatorPin);
  if (!who.ok) return who;
  const c = checkRefund(deps, input);
  if (!c.ok) return c;
  const now = deps.clock();
  const requestId = deps.newId();
  const record: RefundRequestRecord = {
    requestId,
    reference: refundReference(requestId),
    orderId: c.value.orderId,
    paymentId: c.value.paymentId,
    amountMinor: input.amountMinor,
    currency: deps.currency,
    method: input.method,
    reason: input.reason.trim(),
    requestedBy: input.operatorId,
    approvedBy: null,
    state: 'AWAITING_APPROVAL',
    messageId: null,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  deps.db.tx(() => {
    insertRefundRequest(deps.db, record);
    appendAudit(deps.db, {
      at: now,
      actor: input.operatorId,
      action: 'REFUND_REQUESTED',
      subject: c.value.orderId,
      details: {
        requestId,
        paymentId: c.value.paymentId,
        amountMinor: input.amountMinor,
        method: input.method,
        reason: record.reason,
      },
    });
  });
  return ok(record);
}

export function approveRefund(
  deps: CheckoutDeps,
  input: { requestId: string; managerId: string; managerPin: string },
): Result<RefundRequestRecord, DomainError> {
  const notSetUp = counterNotSetUp(deps);
  if (notSetUp) return err(notSetUp);
  const m = requireManager(deps, input, 'A refund');
  if (!m.ok) return m;
  const q = getRefundRequest(deps.db, input.requestId);
  if (!q || q.state !== 'AWAITING_APPROVAL') {
    return err(
      domainError('REFUND_APPROVAL_MISMATCH', {
        approvalId: input.requestId,
        reason: 'no request is waiting under that id',
      }),
    );
  }
  const now = deps.clock();
  deps.db.tx(() => {
    updateRefundRequest(deps.db, q.requestId, { state: 'APPROVED', approvedBy: m.value.staffId }, now);
    appendAudit(deps.db, {
      at: now,
      actor: m.value.staffId,
      action: 'REFUND_APPROVED',
      subject: q.orderId,
      details: { requestId: q.requestId, amountMinor: q.amountMinor, method: q.method },
    });
  });
  return ok(getRefundRequest(deps.db, q.requestId) as RefundRequestRecord);
}

/** Who authorised it: a manager now, or an approved request for exactly this refund. */
function authorise(
  deps: CheckoutDeps,
  input: RefundInput,
  auth: RefundAuthorisation,
): Result<{ approvedBy: string; request: RefundRequestRecord | null }, DomainError> {
  if ('manager' in auth) {
    const m = requireManager(deps, auth.manager, 'A refund');
    return m.ok ? ok({ approvedBy: m.value.staffId, request: null }) : m;
  }
  const q = getRefundRequest(deps.db, auth.requestId);
  const mismatch = (reason: string) =>
    err(domainError('REFUND_APPROVAL_MISMATCH', { approvalId: auth.requestId, reason }));
  if (!q) return mismatch('there is no such request');
  if (q.state !== 'APPROVED') return mismatch(`the request is ${q.state.toLowerCase().replace('_', ' ')}`);
  if (q.paymentId !== input.paymentId) return mismatch('it is for another payment');
  if (q.amountMinor !== input.amountMinor) return mismatch(`it approves ${show(deps, q.amountMinor)}`);
  if (q.method !== input.method) return mismatch(`it approves a ${q.method} refund`);
  return ok({ approvedBy: q.approvedBy ?? 'unknown', request: q });
}

export async function executeRefund(
  deps: CheckoutDeps,
  input: RefundInput,
  auth: RefundAuthorisation | null,
): Promise<Result<RefundOutcome, DomainError>> {
  const notSetUp = counterNotSetUp(deps);
  if (notSetUp) return err(notSetUp);
  if (!auth) return err(domainError('MANAGER_REQUIRED', { action: 'A refund' }));
  const c = checkRefund(deps, input);
  if (!c.ok) return c;
  const a = authorise(deps, input, auth);
  if (!a.ok) return a;
  if (input.method === 'TERMINAL_CARD') return terminalRefund(deps, input, c.value, a.value);
  if (input.method === 'CASH' && !currentCashSession(deps.db)) return err(domainError('CASH_DRAWER_CLOSED'));
  const now = deps.clock();
  const at = now.toISOString();
  const requestId = a.value.request?.requestId ?? deps.newId();
  const messageId = deps.newId();
  const operationId = deps.newId();
  const amount = { amountMinor: input.amountMinor, currency: deps.currency };
  deps.db.tx(() => {
    appendOperation(
      deps.db,
      c.value.orderId,
      {
        id: operationId,
        paymentId: c.value.paymentId,
        channel: 'IN_STORE',
        occurredAt: at,
        kind: 'REFUND',
        amount,
      },
      input.method === 'CASH' ? 'CASH' : null,
      'LOCAL',
    );
    if (input.method === 'CASH') {
      const drawer = currentCashSession(deps.db);
      if (drawer) {
        insertCashMovement(deps.db, {
          movementId: deps.newId(),
          sessionId: drawer.sessionId,
          direction: 'OUT',
          reason: 'REFUND',
          amountMinor: input.amountMinor,
          orderId: c.value.orderId,
          operatorId: input.operatorId,
          at,
        });
      }
    }
    enqueueMessage(deps.db, {
      messageId,
      occurredAt: at,
      kind: 'REFUND',
      paymentId: c.value.paymentId,
      operationId,
      amount,
      method: input.method === 'CASH' ? 'CASH' : 'CARD',
      operatorId: input.operatorId,
    });
    const state = input.method === 'CASH' ? 'DONE' : 'CLAIM_QUEUED';
    if (a.value.request) updateRefundRequest(deps.db, requestId, { state, messageId }, now);
    else {
      insertRefundRequest(deps.db, {
        requestId,
        reference: refundReference(requestId),
        orderId: c.value.orderId,
        paymentId: c.value.paymentId,
        amountMinor: input.amountMinor,
        currency: deps.currency,
        method: input.method,
        reason: input.reason.trim(),
        requestedBy: input.operatorId,
        approvedBy: a.value.approvedBy,
        state,
        messageId,
        createdAt: at,
        updatedAt: at,
      });
    }
    appendAudit(deps.db, {
      at: now,
      actor: a.value.approvedBy,
      action: input.method === 'CASH' ? 'REFUND_CASH' : 'REFUND_CLAIM_QUEUED',
      subject: c.value.orderId,
      details: {
        requestId,
        paymentId: c.value.paymentId,
        amountMinor: input.amountMinor,
        reason: input.reason.trim(),
        operator: input.operatorId,
      },
    });
  });
  deps.emit({ kind: 'order-changed', orderId: c.value.orderId });
  deps.emit({ kind: 'outbox-changed' });
  // Side effect after commit: push now when online, so a card refund claim executes right away.
  if (deps.isOnline()) await deps.syncNow().catch(() => undefined);
  const pushed = outboxState(deps.db, messageId);
  const base = {
    requestId,
    reference: refundReference(requestId),
    orderId: c.value.orderId,
    paymentId: c.value.paymentId,
    amountMinor: input.amountMinor,
    method: input.method,
  };
  if (input.method === 'CASH') return ok({ ...base, state: 'DONE', error: null });
  if (pushed === 'ACKNOWLEDGED') return ok({ ...base, state: 'DONE', error: null });
  if (pushed === 'REJECTED') {
    return ok({
      ...base,
      state: 'REJECTED',
      error: domainError('REFUND_REFUSED_BY_CORE', {
        reference: base.reference,
        detail: outboxLastError(deps.db, messageId) ?? 'no reason given',
      }),
    });
  }
  return ok({ ...base, state: 'PENDING', error: null });
}

async function terminalRefund(
  deps: CheckoutDeps,
  input: RefundInput,
  c: Checked,
  a: { approvedBy: string; request: RefundRequestRecord | null },
): Promise<Result<RefundOutcome, DomainError>> {
  if (!deps.core || !deps.isOnline()) {
    return err(
      domainError('REFUND_NEEDS_CORE', {
        detail: deps.core ? 'the counter is offline' : 'this counter is not enrolled with a core',
      }),
    );
  }
  const reservationId = deps.newId();
  const reserved = await deps.core.reserveRefund({
    reservationId,
    paymentId: c.paymentId,
    amount: { amountMinor: input.amountMinor, currency: deps.currency },
  });
  if (!reserved.ok) {
    // REFUND_ORDER_LOCKED is retryable on the wire, but it is the core's answer (this repeats a refund another
    // channel just made, or one is in progress), not an unreachable core: show it as it is, so the manager is
    // not told to queue the same refund through the core instead.
    if (reserved.error.kind === 'transient' && reserved.error.error.code !== 'REFUND_ORDER_LOCKED')
      return err(domainError('REFUND_NEEDS_CORE', { detail: reserved.error.error.message }));
    return err(reserved.error.error);
  }
  const requestId = a.request?.requestId ?? null;
  const r = await runTerminalAttempt(deps, {
    kind: 'REFUND',
    orderId: c.orderId,
    amountMinor: input.amountMinor,
    operatorId: input.operatorId,
    what: `Card refund ${show(deps, input.amountMinor)}`,
    prepare: () => {
      const intent: TerminalRefundIntent = {
        operationId: deps.newId(),
        messageId: deps.newId(),
        reservationId,
        requestId,
        approvedBy: a.approvedBy,
        reason: input.reason.trim(),
      };
      return ok({ paymentId: c.paymentId, intent });
    },
    run: (t) => t.refund({ amountMinor: input.amountMinor, currency: deps.currency }),
  });
  const base = {
    requestId: requestId ?? reservationId,
    reference: refundReference(requestId ?? reservationId),
    orderId: c.orderId,
    paymentId: c.paymentId,
    amountMinor: input.amountMinor,
    method: input.method,
  };
  if (r.ok && r.value.state === 'APPROVED') {
    if (deps.isOnline()) await deps.syncNow().catch(() => undefined);
    return ok({ ...base, state: 'DONE', error: null });
  }
  // Nothing refunded (or parked): give the order's refund lock back now instead of at expiry.
  if (!r.ok || r.value.state !== 'PARKED')
    await deps.core.releaseReservation(reservationId).catch(() => undefined);
  if (!r.ok) return r;
  return ok({ ...base, state: 'NOT_REFUNDED', error: r.value.state === 'APPROVED' ? null : r.value.error });
}
