/**
 * Money-moving card-terminal commands with the attempt discipline (issue 9 "Card payment"):
 *
 * 1. Before the first byte goes to the terminal, the attempt row is committed (IN_FLIGHT) together with the
 *    ids the result will carry and the terminal's last booked receipt (the recovery baseline). A unique index
 *    allows one unresolved attempt, so no second charge can start while one is in doubt.
 * 2. The terminal's answer closes the attempt and writes the business facts in one transaction.
 * 3. An unknown outcome (line cut, host crash and restart) is recovered through the ZVT session before any
 *    new card command: the terminal's last booked transaction says whether ours went through. Only what the
 *    terminal cannot tell us is parked for a manager, who reads the terminal's receipt roll.
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
  finishAttempt,
  insertAttempt,
  recordTerminalState,
  terminalState,
  unresolvedAttempt,
  type AttemptKind,
  type AttemptRecord,
  type AttemptState,
} from '../store';
import type { RecoveryReport, TransactionDetails, TransactionOutcome } from '../zvt/session/types';
import { statusText, type CardTerminal, type CheckoutDeps } from './context';
import { keptDetails, settleCardPayment, settleTerminalRefund, settleVoid } from './settle';

export interface AttemptPlan {
  readonly kind: AttemptKind;
  readonly orderId: string;
  readonly amountMinor: number;
  readonly operatorId: string | null;
  /** Shown to the cashier while the terminal works ("Card payment 12.50 EUR"). */
  readonly what: string;
  /** Runs inside the transaction that writes the attempt (mint the payment id here, check the balance). */
  prepare(): Result<{ paymentId: PaymentId; intent: object }, DomainError>;
  /** The terminal command. */
  run(terminal: CardTerminal): Promise<TransactionOutcome>;
}

export type AttemptResult =
  | {
      readonly state: 'APPROVED';
      readonly attempt: AttemptRecord;
      readonly details: TransactionDetails | undefined;
    }
  | {
      readonly state: 'DECLINED' | 'NOT_CHARGED';
      readonly attempt: AttemptRecord;
      readonly error: DomainError;
    }
  | { readonly state: 'PARKED'; readonly attempt: AttemptRecord; readonly error: DomainError };

type Verdict =
  | { state: 'APPROVED'; details: TransactionDetails | undefined }
  | { state: 'DECLINED' | 'NOT_CHARGED'; error: DomainError }
  | { state: 'PARKED' | 'IN_FLIGHT'; error: DomainError; basis: string };

function pendingError(a: AttemptRecord): DomainError {
  return domainError('CARD_OUTCOME_PENDING', {
    attemptId: a.attemptId,
    amount: `${toDecimalString({ amountMinor: a.amountMinor, currency: a.currency })} ${a.currency}`,
  });
}

/**
 * What recovery's report means for an attempt whose approval this process never saw (the host restarted, or
 * the session could not decide). The terminal's last booked transaction is compared with the baseline
 * committed with the attempt: unchanged means ours was not booked. A new booking with our amount is ours:
 * this counter never starts a card command while another is unresolved, so nothing else of ours can have
 * been booked since the baseline. Anything else (another amount, no baseline, a refused Repeat Receipt) goes
 * to a manager; a terminal that does not answer keeps the attempt in flight, to be recovered again.
 */
function judgeUnseen(a: AttemptRecord, report: RecoveryReport): Verdict {
  const last = report.lastTransaction;
  const notCharged: Verdict = {
    state: 'NOT_CHARGED',
    error: domainError('TERMINAL_NOT_CHARGED', { command: a.kind.toLowerCase() }),
  };
  if (last) {
    const booked = (last.resultCode ?? 0) === 0 && last.receiptNumber !== undefined;
    if (booked && a.baselineReceipt !== undefined) {
      if (last.receiptNumber === a.baselineReceipt) return notCharged;
      if (last.amount?.amountMinor === a.amountMinor) return { state: 'APPROVED', details: last };
    }
    return { state: 'PARKED', error: pendingError(a), basis: report.basis };
  }
  // The terminal answered that nothing (or nothing new) is booked.
  if (report.verdict === 'did-not-go-through') return notCharged;
  if (report.basis.startsWith('recovery failed'))
    return { state: 'IN_FLIGHT', error: pendingError(a), basis: report.basis };
  return { state: 'PARKED', error: pendingError(a), basis: report.basis };
}

/** The session saw the exchange fail: its verdict stands where it is sure (it knows what it acknowledged). */
function judgeRecovery(
  a: AttemptRecord,
  report: RecoveryReport,
  seen: TransactionDetails | undefined,
): Verdict {
  if (report.verdict === 'went-through')
    return { state: 'APPROVED', details: report.lastTransaction ?? seen };
  if (report.verdict === 'did-not-go-through') {
    return {
      state: 'NOT_CHARGED',
      error: domainError('TERMINAL_NOT_CHARGED', { command: a.kind.toLowerCase() }),
    };
  }
  return judgeUnseen(a, report);
}

function verdictOf(a: AttemptRecord, o: TransactionOutcome): Verdict {
  switch (o.kind) {
    case 'approved':
      return { state: 'APPROVED', details: o.details };
    case 'declined':
      return { state: 'DECLINED', error: o.error };
    case 'aborted':
    case 'failed':
      return { state: 'NOT_CHARGED', error: o.error };
    case 'unknown':
      return judgeRecovery(a, o.recovery, o.details);
  }
}

function settle(deps: CheckoutDeps, a: AttemptRecord, details: TransactionDetails | undefined): void {
  if (a.kind === 'PAYMENT') settleCardPayment(deps, a, details);
  else if (a.kind === 'REVERSAL') settleVoid(deps, a, details);
  else settleTerminalRefund(deps, a, details);
}

/** Closes the attempt as the verdict says, with its business facts, in one transaction. */
function apply(deps: CheckoutDeps, a: AttemptRecord, v: Verdict): AttemptResult | null {
  const at = deps.clock();
  if (v.state === 'IN_FLIGHT') return null;
  deps.db.tx(() => {
    if (v.state === 'APPROVED') {
      settle(deps, a, v.details);
      if (v.details?.receiptNumber) {
        recordTerminalState(
          deps.db,
          { lastReceipt: v.details.receiptNumber, lastTrace: v.details.trace },
          at,
        );
      }
      finishAttempt(deps.db, a.attemptId, 'APPROVED', keptDetails(v.details), null, at);
    } else if (v.state === 'PARKED') {
      finishAttempt(deps.db, a.attemptId, 'PARKED', { basis: v.basis }, v.error.code, at);
      appendAudit(deps.db, {
        at,
        actor: null,
        action: 'ATTEMPT_PARKED',
        subject: a.orderId,
        details: { attemptId: a.attemptId, basis: v.basis },
      });
    } else {
      finishAttempt(deps.db, a.attemptId, v.state, null, v.error.code, at);
    }
  });
  deps.emit({ kind: 'attempt-finished', attemptId: a.attemptId, orderId: a.orderId, state: v.state });
  deps.emit({ kind: 'order-changed', orderId: a.orderId });
  if (v.state === 'APPROVED') return { state: 'APPROVED', attempt: a, details: v.details };
  return { state: v.state, attempt: a, error: v.error };
}

/**
 * Recovers the unresolved attempt left by a crash or a failed recovery, if any. ok(null): nothing pending;
 * ok(result): it is resolved now; err(CARD_OUTCOME_PENDING): it is still in doubt or parked for a manager.
 */
export async function recoverUnresolvedAttempt(
  deps: CheckoutDeps,
): Promise<Result<AttemptResult | null, DomainError>> {
  const a = unresolvedAttempt(deps.db);
  if (!a) return ok(null);
  if (a.state === 'PARKED') return err(pendingError(a));
  deps.terminal.lastKnownReceipt = a.baselineReceipt;
  const report = await deps.terminal.recover({});
  const r = apply(deps, a, judgeUnseen(a, report));
  if (r?.state === 'PARKED') return err(r.error);
  return r ? ok(r) : err(pendingError(a));
}

/**
 * Learns the terminal's last booked receipt when this counter has never recorded one (first start), so
 * every attempt carries a known recovery baseline. Left unknown when the terminal cannot be asked now.
 */
export async function learnTerminalBaseline(deps: CheckoutDeps): Promise<void> {
  if (terminalState(deps.db)) return;
  const r = await deps.terminal.repeatReceipt();
  // 06 1E on Repeat Receipt: the terminal has nothing booked.
  if (!r.ok && r.error.code !== 'TERMINAL_ABORTED') return;
  const receipt = r.ok ? (r.value.details?.receiptNumber ?? null) : null;
  recordTerminalState(
    deps.db,
    { lastReceipt: receipt, lastTrace: r.ok ? r.value.details?.trace : null },
    deps.clock(),
  );
}

/** Runs one money-moving terminal command under the attempt discipline. */
export async function runTerminalAttempt(
  deps: CheckoutDeps,
  plan: AttemptPlan,
): Promise<Result<AttemptResult, DomainError>> {
  const pending = await recoverUnresolvedAttempt(deps);
  if (!pending.ok) return pending;
  const now = deps.clock();
  const baseline = terminalState(deps.db);
  let attempt: AttemptRecord | null = null;
  let refused: DomainError | null = null;
  deps.db.tx(() => {
    const p = plan.prepare();
    if (!p.ok) {
      refused = p.error;
      return;
    }
    attempt = {
      attemptId: deps.newId(),
      kind: plan.kind,
      orderId: plan.orderId,
      paymentId: p.value.paymentId,
      amountMinor: plan.amountMinor,
      currency: deps.currency,
      state: 'IN_FLIGHT' as AttemptState,
      baselineReceipt: baseline ? baseline.lastReceipt : undefined,
      intent: p.value.intent as Record<string, unknown>,
      result: null,
      errorCode: null,
      operatorId: plan.operatorId,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    insertAttempt(deps.db, attempt);
  });
  if (refused) return err(refused);
  const a = attempt as unknown as AttemptRecord;
  // Committed: only now may the terminal hear of it.
  deps.terminal.lastKnownReceipt = a.baselineReceipt;
  deps.emit({
    kind: 'attempt-started',
    attemptId: a.attemptId,
    orderId: a.orderId,
    amount: { amountMinor: a.amountMinor, currency: a.currency },
    what: plan.what,
  });
  const off = deps.terminal.onStatus((e) =>
    deps.emit({
      kind: 'terminal-status',
      attemptId: a.attemptId,
      code: e.code,
      text: statusText(e),
      lines: e.lines,
    }),
  );
  let outcome: TransactionOutcome;
  try {
    outcome = await plan.run(deps.terminal);
  } finally {
    off();
  }
  const r = apply(deps, a, verdictOf(a, outcome));
  return r ? ok(r) : err(pendingError(a));
}

/**
 * A manager settles a parked attempt from the terminal's receipt: charged (with the receipt number) or not.
 * The PIN is checked by the caller (checkout/manager.ts).
 */
export function resolveParkedAttempt(
  deps: CheckoutDeps,
  input: { attemptId: string; charged: boolean; receiptNumber?: string; managerId: string },
): Result<AttemptResult, DomainError> {
  const a = unresolvedAttempt(deps.db);
  if (!a || a.attemptId !== input.attemptId || a.state !== 'PARKED') {
    return err(
      domainError('ATTEMPT_NOT_PARKED', {
        attemptId: input.attemptId,
        state: a?.attemptId === input.attemptId ? a.state : 'not unresolved',
      }),
    );
  }
  const at = deps.clock();
  deps.db.tx(() =>
    appendAudit(deps.db, {
      at,
      actor: input.managerId,
      action: 'ATTEMPT_RESOLVED',
      subject: a.orderId,
      details: { attemptId: a.attemptId, charged: input.charged, receiptNumber: input.receiptNumber ?? null },
    }),
  );
  const details: TransactionDetails | undefined = input.charged
    ? { receiptNumber: input.receiptNumber, amount: { amountMinor: a.amountMinor, currency: a.currency } }
    : undefined;
  const v: Verdict = input.charged
    ? { state: 'APPROVED', details }
    : { state: 'NOT_CHARGED', error: domainError('TERMINAL_NOT_CHARGED', { command: a.kind.toLowerCase() }) };
  return ok(apply(deps, a, v) as AttemptResult);
}
