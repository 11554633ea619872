/**
 * The order/payment ledger, pure (no I/O), shared by the terminal and the core (architecture.md "The ledger").
 *
 * An order has a currency, an optional total and a chain of payments: the initial one (in store or online)
 * and subsequent ones. Each payment is a list of operations. Balances are *derived* from the operations,
 * never stored. `applyOperation` is the one way to change an order: it returns the new state or a typed
 * error, and it never lets an invariant break:
 *
 *   captured ≤ authorised · reversed + captured ≤ authorised · refunds on a payment ≤ what it collected ·
 *   refunds + payouts + chargebacks on an order ≤ what the order collected · nothing after cancel (except
 *   deleting a token) · no operation on a declined payment · one currency per order.
 *
 * Semantics chosen where payment platforms differ (docs/ledger.md has the full table):
 * - SALE is authorised and captured at once. PRE_AUTHORIZATION and FINAL_AUTHORIZATION hold an amount
 *   (`remainingFloat`) that captures (partial, multiple, final) and reversals draw down. A final capture
 *   releases whatever is left.
 * - CANCEL cancels the whole payment: it releases the remaining float and voids what was captured (a void
 *   before settlement, like ZVT Reversal 06 30). It is refused once money went back (refund, payout,
 *   chargeback) or was added (rebill); after it, nothing but a token deletion is possible. To release only the
 *   rest of a partly captured authorisation, reverse the remaining float instead.
 * - "Collected" = captured + rebilled − voided. Payouts belong to the order (they may exceed any one
 *   payment) but are booked on the payment the caller names, for the audit trail.
 * - A chargeback can take back at most what the payment (and the order) still holds; a chargeback reversal
 *   restores at most what is charged back.
 * - Orders with a total refuse new authorisations or sales above the balance due; an order without a total
 *   (the online API's orders, which grow with every subsequent payment) has no balance due.
 */
import type { CurrencyCode } from './currencies';
import { DomainException, domainError, type DomainError, type ErrorCode } from './errors';
import type { PaymentId, Uuid } from './ids';
import { add, subtract, toDecimalString, zero, type Money } from './money';
import { err, ok, type Result } from './result';

export type Channel = 'IN_STORE' | 'ONLINE' | 'BACK_OFFICE';

export type AuthorisationMode = 'SALE' | 'PRE_AUTHORIZATION' | 'FINAL_AUTHORIZATION';

/** What happened, without the bookkeeping fields. */
export type OperationBody =
  | { kind: 'AUTHORISATION'; mode: 'PRE_AUTHORIZATION' | 'FINAL_AUTHORIZATION'; amount: Money }
  | { kind: 'SALE'; amount: Money }
  /** An attempt the acquirer or terminal declined; it opens a payment that holds no money. */
  | { kind: 'DECLINE'; amount: Money; reason: ErrorCode }
  | { kind: 'CAPTURE'; amount: Money; isFinal: boolean }
  | { kind: 'AUTHORISATION_REVERSAL'; amount: Money }
  | { kind: 'CANCEL' }
  | { kind: 'REFUND'; amount: Money }
  | { kind: 'PAYOUT'; amount: Money }
  | { kind: 'CHARGEBACK'; amount: Money }
  | { kind: 'CHARGEBACK_REVERSAL'; amount: Money }
  | { kind: 'REBILL'; amount: Money }
  | { kind: 'TOKEN_CREATE'; tokenId: string }
  | { kind: 'TOKEN_USE'; tokenId: string }
  | { kind: 'TOKEN_DELETE'; tokenId: string };

export type OperationKind = OperationBody['kind'];

/** The kinds that open a payment; they are only ever its first operation. */
export const OPENING_KINDS = ['AUTHORISATION', 'SALE', 'DECLINE'] as const satisfies readonly OperationKind[];

/** The bookkeeping fields of an operation: which it is, on which payment, where and when it happened. */
export interface OperationHead {
  /** UUIDv7 minted where the operation happened. */
  readonly id: Uuid;
  readonly paymentId: PaymentId;
  readonly channel: Channel;
  /** Wall-clock time (ISO 8601) where it happened: the terminal's or the core's. */
  readonly occurredAt: string;
}

export type Operation = OperationBody & OperationHead;

/** An operation made of what happened and its bookkeeping fields, typed (never `{…} as Operation`). */
export function operationOf(body: OperationBody, head: OperationHead): Operation {
  return { ...body, ...head };
}

export interface PaymentState {
  readonly paymentId: PaymentId;
  /** Channel of the opening operation. */
  readonly channel: Channel;
  readonly operations: readonly Operation[];
}

export interface OrderState {
  readonly orderId: string;
  readonly currency: CurrencyCode;
  /** What the order is worth; null for an open order that grows with each payment. */
  readonly total: Money | null;
  readonly payments: readonly PaymentState[];
}

export type PaymentStatus =
  | 'DECLINED'
  | 'CANCELLED'
  | 'AUTHORISED'
  | 'PARTIALLY_CAPTURED'
  | 'CAPTURED'
  | 'REVERSED'
  | 'PARTIALLY_REFUNDED'
  | 'REFUNDED'
  | 'CHARGEBACKED';

export interface TokenState {
  readonly tokenId: string;
  readonly deleted: boolean;
}

export interface PaymentBalances {
  readonly status: PaymentStatus;
  readonly mode: AuthorisationMode | null;
  readonly authorised: Money;
  readonly captured: Money;
  readonly reversed: Money;
  /** Authorised − captured − reversed: what can still be captured or reversed. */
  readonly remainingFloat: Money;
  readonly refunded: Money;
  readonly paidOut: Money;
  /** Chargebacks minus chargeback reversals. */
  readonly chargedBack: Money;
  readonly rebilled: Money;
  readonly voided: Money;
  /** Captured + rebilled − voided. */
  readonly collected: Money;
  /** What a refund on this payment may take now: its own remainder, capped by the order's. */
  readonly refundable: Money;
  readonly cancelled: boolean;
  readonly declined: boolean;
  /** A final capture was made: no more captures. */
  readonly closed: boolean;
}

export interface OrderBalances {
  readonly authorised: Money;
  readonly captured: Money;
  readonly reversed: Money;
  /** Authorisations still open (uncaptured, unreversed) across the chain. */
  readonly openAuthorisations: Money;
  readonly refunded: Money;
  readonly paidOut: Money;
  readonly chargedBack: Money;
  readonly collected: Money;
  /** Collected − refunded − paid out − charged back: the ceiling for any further refund or payout. */
  readonly refundable: Money;
  /** Total − collected − open authorisations, never below zero; null for an open order. */
  readonly balanceDue: Money | null;
  readonly initialPaymentId: PaymentId | null;
  readonly payments: ReadonlyMap<PaymentId, PaymentBalances>;
}

// ── Creating an order ────────────────────────────────────────────────────────────────────────────

export function createOrder(input: {
  orderId: string;
  currency: CurrencyCode;
  total: Money | null;
}): Result<OrderState, DomainError> {
  if (input.total) {
    const bad = checkAmount(input.total, input.currency);
    if (bad) return err(bad);
  }
  return ok({ orderId: input.orderId, currency: input.currency, total: input.total, payments: [] });
}

// ── Deriving balances ────────────────────────────────────────────────────────────────────────────

interface Tally {
  mode: AuthorisationMode | null;
  authorised: Money;
  captured: Money;
  reversed: Money;
  refunded: Money;
  paidOut: Money;
  chargedBack: Money;
  rebilled: Money;
  voided: Money;
  cancelled: boolean;
  declined: boolean;
  closed: boolean;
}

/** What is still authorised and neither captured nor reversed. */
const uncaptured = (t: Tally): Money => subtract(subtract(t.authorised, t.captured), t.reversed);

function tallyPayment(payment: PaymentState, currency: CurrencyCode): Tally {
  const t: Tally = {
    mode: null,
    authorised: zero(currency),
    captured: zero(currency),
    reversed: zero(currency),
    refunded: zero(currency),
    paidOut: zero(currency),
    chargedBack: zero(currency),
    rebilled: zero(currency),
    voided: zero(currency),
    cancelled: false,
    declined: false,
    closed: false,
  };
  for (const op of payment.operations) {
    switch (op.kind) {
      case 'AUTHORISATION':
        t.mode = op.mode;
        t.authorised = op.amount;
        break;
      case 'SALE':
        t.mode = 'SALE';
        t.authorised = op.amount;
        t.captured = op.amount;
        t.closed = true;
        break;
      case 'DECLINE':
        t.declined = true;
        break;
      case 'CAPTURE':
        t.captured = add(t.captured, op.amount);
        if (op.isFinal) {
          t.reversed = add(t.reversed, uncaptured(t));
          t.closed = true;
        }
        break;
      case 'AUTHORISATION_REVERSAL':
        t.reversed = add(t.reversed, op.amount);
        break;
      case 'CANCEL':
        t.reversed = add(t.reversed, uncaptured(t));
        t.voided = t.captured;
        t.cancelled = true;
        t.closed = true;
        break;
      case 'REFUND':
        t.refunded = add(t.refunded, op.amount);
        break;
      case 'PAYOUT':
        t.paidOut = add(t.paidOut, op.amount);
        break;
      case 'CHARGEBACK':
        t.chargedBack = add(t.chargedBack, op.amount);
        break;
      case 'CHARGEBACK_REVERSAL':
        t.chargedBack = subtract(t.chargedBack, op.amount);
        break;
      case 'REBILL':
        t.rebilled = add(t.rebilled, op.amount);
        break;
      case 'TOKEN_CREATE':
      case 'TOKEN_USE':
      case 'TOKEN_DELETE':
        break;
    }
  }
  return t;
}

function statusOf(t: Tally, remainingFloat: Money, ownRefundable: Money): PaymentStatus {
  if (t.declined) return 'DECLINED';
  if (t.cancelled) return 'CANCELLED';
  if (t.chargedBack.amountMinor > 0) return 'CHARGEBACKED';
  if (t.refunded.amountMinor > 0) return ownRefundable.amountMinor === 0 ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
  if (t.captured.amountMinor === 0) return remainingFloat.amountMinor > 0 ? 'AUTHORISED' : 'REVERSED';
  return remainingFloat.amountMinor > 0 && !t.closed ? 'PARTIALLY_CAPTURED' : 'CAPTURED';
}

/** Every balance of the order and of each of its payments, derived from the operations. */
export function orderBalances(order: OrderState): OrderBalances {
  const c = order.currency;
  const tallies = order.payments.map((p) => ({ payment: p, tally: tallyPayment(p, c) }));
  let authorised = zero(c);
  let captured = zero(c);
  let reversed = zero(c);
  let openAuthorisations = zero(c);
  let refunded = zero(c);
  let paidOut = zero(c);
  let chargedBack = zero(c);
  let collected = zero(c);
  let initialPaymentId: PaymentId | null = null;
  for (const { payment, tally: t } of tallies) {
    if (t.declined) continue;
    initialPaymentId ??= payment.paymentId;
    authorised = add(authorised, t.authorised);
    captured = add(captured, t.captured);
    reversed = add(reversed, t.reversed);
    openAuthorisations = add(openAuthorisations, uncaptured(t));
    refunded = add(refunded, t.refunded);
    paidOut = add(paidOut, t.paidOut);
    chargedBack = add(chargedBack, t.chargedBack);
    collected = add(collected, subtract(add(t.captured, t.rebilled), t.voided));
  }
  const refundable = subtract(subtract(subtract(collected, refunded), paidOut), chargedBack);
  const payments = new Map<PaymentId, PaymentBalances>();
  for (const { payment, tally: t } of tallies) {
    const remainingFloat = uncaptured(t);
    const paymentCollected = subtract(add(t.captured, t.rebilled), t.voided);
    const ownRefundable = subtract(subtract(paymentCollected, t.refunded), t.chargedBack);
    const usable = t.declined || t.cancelled ? zero(c) : ownRefundable;
    payments.set(payment.paymentId, {
      status: statusOf(t, remainingFloat, ownRefundable),
      mode: t.mode,
      authorised: t.authorised,
      captured: t.captured,
      reversed: t.reversed,
      remainingFloat,
      refunded: t.refunded,
      paidOut: t.paidOut,
      chargedBack: t.chargedBack,
      rebilled: t.rebilled,
      voided: t.voided,
      collected: paymentCollected,
      refundable: usable.amountMinor < refundable.amountMinor ? usable : refundable,
      cancelled: t.cancelled,
      declined: t.declined,
      closed: t.closed,
    });
  }
  let balanceDue: Money | null = null;
  if (order.total) {
    const due = subtract(subtract(order.total, collected), openAuthorisations);
    balanceDue = due.amountMinor > 0 ? due : zero(c);
  }
  return {
    authorised,
    captured,
    reversed,
    openAuthorisations,
    refunded,
    paidOut,
    chargedBack,
    collected,
    refundable,
    balanceDue,
    initialPaymentId,
    payments,
  };
}

export function paymentBalances(order: OrderState, paymentId: PaymentId): PaymentBalances | undefined {
  return orderBalances(order).payments.get(paymentId);
}

/** Tokens created, used or deleted on this order, with whether each is deleted. */
export function orderTokens(order: OrderState): TokenState[] {
  const tokens = new Map<string, boolean>();
  for (const p of order.payments) {
    for (const op of p.operations) {
      if (op.kind === 'TOKEN_CREATE' || op.kind === 'TOKEN_USE')
        tokens.set(op.tokenId, tokens.get(op.tokenId) ?? false);
      if (op.kind === 'TOKEN_DELETE') tokens.set(op.tokenId, true);
    }
  }
  return [...tokens].map(([tokenId, deleted]) => ({ tokenId, deleted }));
}

export function findPayment(order: OrderState, paymentId: PaymentId): PaymentState | undefined {
  return order.payments.find((p) => p.paymentId === paymentId);
}

// ── Applying an operation ────────────────────────────────────────────────────────────────────────

function checkAmount(amount: Money, currency: CurrencyCode): DomainError | null {
  if (!Number.isSafeInteger(amount.amountMinor)) {
    return domainError('AMOUNT_NOT_SAFE_INTEGER', { amount: amount.amountMinor });
  }
  if (amount.amountMinor <= 0) return domainError('AMOUNT_NOT_POSITIVE', { amount: show(amount) });
  if (amount.currency !== currency) {
    return domainError('CURRENCY_MISMATCH', { expected: currency, actual: amount.currency });
  }
  return null;
}

const show = (m: Money) => `${toDecimalString(m)} ${m.currency}`;

/**
 * Applies one operation to the order. Checks run in this order, and the first that fails is the answer:
 * 1. the amount (safe integer, > 0, the order's currency);
 * 2. the payment: an opening kind needs a new payment id, any other kind an existing one;
 * 3. the payment's state: declined, then cancelled (only TOKEN_DELETE passes a cancel);
 * 4. the rules of the operation's kind.
 */
export function applyOperation(order: OrderState, op: Operation): Result<OrderState, DomainError> {
  try {
    const r = applyChecked(order, op);
    // Deriving the new balances proves no sum left the safe-integer range (that throws, caught below).
    if (r.ok) orderBalances(r.value);
    return r;
  } catch (e) {
    // Only a sum beyond the safe-integer range gets here (each amount was checked on its own).
    if (e instanceof DomainException) return err(domainError(e.code, e.params));
    throw e;
  }
}

function applyChecked(order: OrderState, op: Operation): Result<OrderState, DomainError> {
  if ('amount' in op) {
    const bad = checkAmount(op.amount, order.currency);
    if (bad) return err(bad);
  }
  const paymentId = op.paymentId;
  const existing = findPayment(order, paymentId);
  const opening = (OPENING_KINDS as readonly string[]).includes(op.kind);
  if (opening && existing) return err(domainError('PAYMENT_ALREADY_EXISTS', { paymentId }));
  if (!opening && !existing) return err(domainError('PAYMENT_NOT_FOUND', { paymentId }));

  const before = orderBalances(order);
  const appended: OrderState = existing
    ? {
        ...order,
        payments: order.payments.map((p) =>
          p === existing ? { ...p, operations: [...p.operations, op] } : p,
        ),
      }
    : { ...order, payments: [...order.payments, { paymentId, channel: op.channel, operations: [op] }] };

  if (op.kind === 'DECLINE') return ok(appended);
  if (op.kind === 'AUTHORISATION' || op.kind === 'SALE') {
    if (before.balanceDue && op.amount.amountMinor > before.balanceDue.amountMinor) {
      return err(
        domainError('ORDER_AMOUNT_EXCEEDED', {
          amount: show(op.amount),
          total: show(order.total ?? op.amount),
          balanceDue: show(before.balanceDue),
        }),
      );
    }
    return ok(appended);
  }

  const p = before.payments.get(paymentId);
  if (!p) return err(domainError('PAYMENT_NOT_FOUND', { paymentId }));
  if (p.declined) return err(domainError('PAYMENT_NOT_SUCCESSFUL', { paymentId }));
  if (p.cancelled && op.kind !== 'TOKEN_DELETE') return err(domainError('PAYMENT_CANCELLED', { paymentId }));

  switch (op.kind) {
    case 'CAPTURE':
    case 'AUTHORISATION_REVERSAL': {
      if (p.mode === 'SALE') return err(domainError('NOT_AN_AUTHORISATION', { paymentId }));
      if (p.closed || p.remainingFloat.amountMinor === 0) {
        return err(domainError('AUTHORISATION_CLOSED', { paymentId }));
      }
      if (op.amount.amountMinor > p.remainingFloat.amountMinor) {
        const code = op.kind === 'CAPTURE' ? 'CAPTURE_EXCEEDS_AUTHORISED' : 'REVERSAL_EXCEEDS_REMAINING';
        return err(
          domainError(code, { paymentId, amount: show(op.amount), remaining: show(p.remainingFloat) }),
        );
      }
      return ok(appended);
    }
    case 'CANCEL': {
      const what =
        p.refunded.amountMinor > 0
          ? 'refunds'
          : p.paidOut.amountMinor > 0
            ? 'payouts'
            : p.chargedBack.amountMinor > 0 || hasKind(order, paymentId, 'CHARGEBACK')
              ? 'chargebacks'
              : p.rebilled.amountMinor > 0
                ? 'a rebill'
                : null;
      if (what) return err(domainError('CANCEL_NOT_POSSIBLE', { paymentId, what }));
      // Voiding this payment's capture must leave enough collected for the rest of the order's payouts.
      if (p.collected.amountMinor > before.refundable.amountMinor) {
        return err(
          domainError('CANCEL_NOT_POSSIBLE', { paymentId, what: 'payouts on the order that use its money' }),
        );
      }
      return ok(appended);
    }
    case 'REFUND': {
      if (p.collected.amountMinor === 0) return err(domainError('NOTHING_CAPTURED', { paymentId }));
      if (op.amount.amountMinor > p.refundable.amountMinor) {
        return err(
          domainError('REFUND_EXCEEDS_REFUNDABLE', {
            paymentId,
            amount: show(op.amount),
            refundable: show(p.refundable),
          }),
        );
      }
      return ok(appended);
    }
    case 'PAYOUT': {
      if (op.amount.amountMinor > before.refundable.amountMinor) {
        return err(
          domainError('PAYOUT_EXCEEDS_COLLECTED', {
            orderId: order.orderId,
            amount: show(op.amount),
            available: show(before.refundable),
          }),
        );
      }
      return ok(appended);
    }
    case 'CHARGEBACK': {
      if (op.amount.amountMinor > p.refundable.amountMinor) {
        return err(
          domainError('CHARGEBACK_EXCEEDS_AVAILABLE', {
            paymentId,
            amount: show(op.amount),
            available: show(p.refundable),
          }),
        );
      }
      return ok(appended);
    }
    case 'CHARGEBACK_REVERSAL': {
      if (op.amount.amountMinor > p.chargedBack.amountMinor) {
        return err(
          domainError('CHARGEBACK_REVERSAL_EXCEEDS_CHARGEBACK', {
            paymentId,
            amount: show(op.amount),
            available: show(p.chargedBack),
          }),
        );
      }
      return ok(appended);
    }
    case 'REBILL': {
      if (p.captured.amountMinor === 0) return err(domainError('REBILL_NOT_POSSIBLE', { paymentId }));
      return ok(appended);
    }
    case 'TOKEN_CREATE':
    case 'TOKEN_USE':
    case 'TOKEN_DELETE': {
      const known = orderTokens(order).find((t) => t.tokenId === op.tokenId);
      if (known?.deleted) return err(domainError('TOKEN_DELETED', { tokenId: op.tokenId }));
      if (op.kind === 'TOKEN_CREATE' && known)
        return err(domainError('TOKEN_ALREADY_EXISTS', { tokenId: op.tokenId }));
      return ok(appended);
    }
  }
}

function hasKind(order: OrderState, paymentId: PaymentId, kind: OperationKind): boolean {
  return findPayment(order, paymentId)?.operations.some((o) => o.kind === kind) ?? false;
}

/** Replays operations from an empty order (e.g. rows loaded from a database), stopping at the first error. */
export function replayOperations(
  order: OrderState,
  operations: readonly Operation[],
): Result<OrderState, DomainError & { operationId: string }> {
  let state = order;
  for (const op of operations) {
    const r = applyOperation(state, op);
    if (!r.ok) return err({ ...r.error, operationId: op.id });
    state = r.value;
  }
  return ok(state);
}
