/**
 * A deliberately simple reference model of the ledger rules for the property tests: mutable counters per
 * payment, written independently of src-shared/ledger.ts (which folds immutable operation lists). The two must
 * agree on every answer and every balance; where they differ, one of them has a bug.
 *
 * The rules, in the order they are checked (docs/ledger.md):
 * 1. amount: safe integer, > 0, the order's currency
 * 2. payment: opening kinds need a new id, others an existing one
 * 3. state: declined → PAYMENT_NOT_SUCCESSFUL; cancelled → PAYMENT_CANCELLED (TOKEN_DELETE exempt)
 * 4. the kind's own rule
 */
import type { ErrorCode } from '../../src-shared';

export type ModelOp =
  | {
      kind: 'AUTHORISATION';
      pay: string;
      amount: number;
      currency: string;
      mode: 'PRE_AUTHORIZATION' | 'FINAL_AUTHORIZATION';
    }
  | { kind: 'SALE' | 'DECLINE'; pay: string; amount: number; currency: string }
  | { kind: 'CAPTURE'; pay: string; amount: number; currency: string; isFinal: boolean }
  | {
      kind: 'AUTHORISATION_REVERSAL' | 'REFUND' | 'PAYOUT' | 'CHARGEBACK' | 'CHARGEBACK_REVERSAL' | 'REBILL';
      pay: string;
      amount: number;
      currency: string;
    }
  | { kind: 'CANCEL'; pay: string }
  | { kind: 'TOKEN_CREATE' | 'TOKEN_USE' | 'TOKEN_DELETE'; pay: string; token: string };

interface ModelPayment {
  declined: boolean;
  cancelled: boolean;
  sale: boolean;
  closed: boolean;
  authorised: number;
  captured: number;
  reversed: number;
  refunded: number;
  paidOut: number;
  chargedBack: number;
  everChargedBack: boolean;
  rebilled: number;
  voided: number;
}

export class LedgerModel {
  readonly payments = new Map<string, ModelPayment>();
  readonly tokens = new Map<string, boolean>();
  constructor(
    readonly currency: string,
    readonly total: number | null,
  ) {}

  collected(p: ModelPayment): number {
    return p.captured + p.rebilled - p.voided;
  }

  orderCollected(): number {
    let c = 0;
    for (const p of this.payments.values()) if (!p.declined) c += this.collected(p);
    return c;
  }

  orderReturned(): number {
    let r = 0;
    for (const p of this.payments.values()) if (!p.declined) r += p.refunded + p.paidOut + p.chargedBack;
    return r;
  }

  orderRefundable(): number {
    return this.orderCollected() - this.orderReturned();
  }

  openFloat(): number {
    let f = 0;
    for (const p of this.payments.values()) if (!p.declined) f += p.authorised - p.captured - p.reversed;
    return f;
  }

  balanceDue(): number | null {
    if (this.total === null) return null;
    return Math.max(0, this.total - this.orderCollected() - this.openFloat());
  }

  paymentRefundable(p: ModelPayment): number {
    if (p.declined || p.cancelled) return 0;
    return Math.min(this.collected(p) - p.refunded - p.chargedBack, this.orderRefundable());
  }

  /** Applies the op if legal; returns the error code it must be rejected with otherwise. */
  apply(op: ModelOp): ErrorCode | null {
    if ('amount' in op) {
      if (!Number.isSafeInteger(op.amount)) return 'AMOUNT_NOT_SAFE_INTEGER';
      if (op.amount <= 0) return 'AMOUNT_NOT_POSITIVE';
      if (op.currency !== this.currency) return 'CURRENCY_MISMATCH';
    }
    const opening = op.kind === 'AUTHORISATION' || op.kind === 'SALE' || op.kind === 'DECLINE';
    const p = this.payments.get(op.pay);
    if (opening) {
      if (p) return 'PAYMENT_ALREADY_EXISTS';
      const fresh: ModelPayment = {
        declined: op.kind === 'DECLINE',
        cancelled: false,
        sale: op.kind === 'SALE',
        closed: op.kind === 'SALE',
        authorised: op.kind === 'DECLINE' ? 0 : op.amount,
        captured: op.kind === 'SALE' ? op.amount : 0,
        reversed: 0,
        refunded: 0,
        paidOut: 0,
        chargedBack: 0,
        everChargedBack: false,
        rebilled: 0,
        voided: 0,
      };
      if (op.kind !== 'DECLINE') {
        const due = this.balanceDue();
        if (due !== null && op.amount > due) return 'ORDER_AMOUNT_EXCEEDED';
      }
      this.payments.set(op.pay, fresh);
      return null;
    }
    if (!p) return 'PAYMENT_NOT_FOUND';
    if (p.declined) return 'PAYMENT_NOT_SUCCESSFUL';
    if (p.cancelled && op.kind !== 'TOKEN_DELETE') return 'PAYMENT_CANCELLED';
    const float = p.authorised - p.captured - p.reversed;
    switch (op.kind) {
      case 'CAPTURE':
      case 'AUTHORISATION_REVERSAL':
        if (p.sale) return 'NOT_AN_AUTHORISATION';
        if (p.closed || float === 0) return 'AUTHORISATION_CLOSED';
        if (op.amount > float)
          return op.kind === 'CAPTURE' ? 'CAPTURE_EXCEEDS_AUTHORISED' : 'REVERSAL_EXCEEDS_REMAINING';
        if (op.kind === 'CAPTURE') {
          p.captured += op.amount;
          if (op.isFinal) {
            p.reversed += p.authorised - p.captured - p.reversed;
            p.closed = true;
          }
        } else {
          p.reversed += op.amount;
        }
        return null;
      case 'CANCEL':
        if (p.refunded > 0 || p.paidOut > 0 || p.everChargedBack || p.rebilled > 0)
          return 'CANCEL_NOT_POSSIBLE';
        if (this.collected(p) > this.orderRefundable()) return 'CANCEL_NOT_POSSIBLE';
        p.reversed += float;
        p.voided = p.captured;
        p.cancelled = true;
        p.closed = true;
        return null;
      case 'REFUND':
        if (this.collected(p) === 0) return 'NOTHING_CAPTURED';
        if (op.amount > this.paymentRefundable(p)) return 'REFUND_EXCEEDS_REFUNDABLE';
        p.refunded += op.amount;
        return null;
      case 'PAYOUT':
        if (op.amount > this.orderRefundable()) return 'PAYOUT_EXCEEDS_COLLECTED';
        p.paidOut += op.amount;
        return null;
      case 'CHARGEBACK':
        if (op.amount > this.paymentRefundable(p)) return 'CHARGEBACK_EXCEEDS_AVAILABLE';
        p.chargedBack += op.amount;
        p.everChargedBack = true;
        return null;
      case 'CHARGEBACK_REVERSAL':
        if (op.amount > p.chargedBack) return 'CHARGEBACK_REVERSAL_EXCEEDS_CHARGEBACK';
        p.chargedBack -= op.amount;
        return null;
      case 'REBILL':
        if (p.captured === 0) return 'REBILL_NOT_POSSIBLE';
        p.rebilled += op.amount;
        return null;
      case 'TOKEN_CREATE':
      case 'TOKEN_USE':
      case 'TOKEN_DELETE': {
        const deleted = this.tokens.get(op.token);
        if (deleted === true) return 'TOKEN_DELETED';
        if (op.kind === 'TOKEN_CREATE' && deleted === false) return 'TOKEN_ALREADY_EXISTS';
        this.tokens.set(op.token, op.kind === 'TOKEN_DELETE');
        return null;
      }
      case 'SALE':
      case 'DECLINE':
        throw new Error(`opening kind ${op.kind} handled above`);
    }
  }

  /** The model's view of one payment's balances, in the ledger's field names. */
  view(pay: string) {
    const p = this.payments.get(pay);
    if (!p) return undefined;
    return {
      authorised: p.authorised,
      captured: p.captured,
      reversed: p.reversed,
      remainingFloat: p.authorised - p.captured - p.reversed,
      refunded: p.refunded,
      paidOut: p.paidOut,
      chargedBack: p.chargedBack,
      rebilled: p.rebilled,
      voided: p.voided,
      collected: this.collected(p),
      refundable: this.paymentRefundable(p),
      cancelled: p.cancelled,
      declined: p.declined,
    };
  }
}
