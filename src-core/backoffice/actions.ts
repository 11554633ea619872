/**
 * Back-office operations that change an order: captures, refunds and cancels on an operation (requirement
 * 003), chargebacks, chargeback reversals and rebills on a payment (requirement 002). Each is the use case of
 * src-core/payments/ that the online API calls too (refund lock, write-ahead journal, resume by idempotence
 * key); here: which operation an action may target, and the use case's failures in the back office's shape
 * (the field named is `body.amountMinor` or `body.amount.amountMinor`).
 */
import {
  orderBalances,
  toOrderBalancesDto,
  type Money,
  type OperationKind,
  type PaymentId,
  type Uuid,
} from '../../src-shared';
import { orderStatusFromBalances } from '../../src-shared/backoffice-api';
import type { RequestKey } from '../journal/entries';
import type { AcquirerJournal } from '../journal/journal';
import type { StoredOperation } from '../ledger/rows';
import type { Appended } from '../ledger/append';
import type { LedgerService } from '../ledger/service';
import { selectOperation } from '../ledger/store';
import { cancel as cancelPayment, capture as capturePayment } from '../payments/capture';
import { recordChargeback } from '../payments/chargeback';
import type { PaymentFailure, PaymentResult } from '../payments/outcome';
import { rebill as rebillPayment } from '../payments/rebill';
import { refund as refundPayment } from '../payments/refund';
import { ApiFailure, fail } from '../routing/api-error';
import { operationView } from './views';

export interface ActionDeps {
  ledger: LedgerService;
  journal: AcquirerJournal;
}

export interface Actor {
  merchantId: string;
  /** The API key acting, for the refund lock's holder. */
  keyId: string;
  operatorId: string | null;
  merchantReference: string | null;
  /** The request's idempotence key: a retry resumes the journal row instead of calling the acquirer again. */
  requestKey: RequestKey | null;
}

/** The answer of every action: the new operation and the balances after it. */
export function operationResult(a: Appended) {
  const b = orderBalances(a.state);
  const pb = b.payments.get(a.stored.operation.paymentId);
  if (!pb) throw new Error(`no balances for payment ${a.stored.operation.paymentId}`);
  return {
    operation: operationView(a.stored),
    payment: { paymentId: a.stored.operation.paymentId, balances: pb },
    orderBalances: toOrderBalancesDto(b),
    orderStatus: orderStatusFromBalances(b),
  };
}

const ACTION_TARGETS: Record<'capture' | 'refund' | 'cancel', readonly OperationKind[]> = {
  capture: ['AUTHORISATION'],
  refund: ['SALE', 'CAPTURE', 'REBILL'],
  cancel: ['AUTHORISATION', 'SALE', 'CAPTURE'],
};

/** The operation an action names; the action applies to that operation's payment. */
async function targetOperation(
  deps: ActionDeps,
  merchantId: string,
  operationId: Uuid,
  action: keyof typeof ACTION_TARGETS,
): Promise<StoredOperation> {
  const stored = await selectOperation(deps.ledger.db, merchantId, operationId);
  if (!stored) throw fail('OPERATION_NOT_FOUND', { operationId });
  const allowed = ACTION_TARGETS[action];
  if (!allowed.includes(stored.operation.kind)) {
    throw fail('OPERATION_NOT_APPLICABLE', {
      operationId,
      kind: stored.operation.kind,
      action,
      allowed: allowed.join(', '),
    });
  }
  return stored;
}

/** The use case's answer, or its failure as the back office's error (naming the field at fault). */
function answer(r: PaymentResult, propertyOf: (f: PaymentFailure) => string | undefined) {
  if (!r.ok) throw new ApiFailure(r.error.error, propertyOf(r.error));
  return operationResult(r.value);
}

/** A failure the amount given caused (the ledger's refusal, before or after the acquirer answered). */
const onAmount = (property: string | undefined) => (f: PaymentFailure) =>
  f.step === 'CHECK' || f.step === 'RECORDING' ? property : undefined;

export function backOfficeActions(deps: ActionDeps) {
  const { ledger, journal } = deps;
  const source = (actor: Actor) => ({
    merchantId: actor.merchantId,
    channel: 'BACK_OFFICE' as const,
    operatorId: actor.operatorId,
    merchantReference: actor.merchantReference,
    requestKey: actor.requestKey,
  });
  const holder = (actor: Actor) => `back-office:${actor.keyId}`;

  /** Capture on an authorisation; without an amount, everything still open, as a final capture. */
  async function capture(
    actor: Actor,
    operationId: Uuid,
    amountMinor: number | undefined,
    isFinal?: boolean,
  ) {
    const prop = amountMinor !== undefined ? 'body.amountMinor' : undefined;
    const target = await targetOperation(deps, actor.merchantId, operationId, 'capture');
    const r = await capturePayment(journal, {
      ...source(actor),
      paymentId: target.operation.paymentId,
      amountMinor: amountMinor ?? null,
      isFinal: isFinal ?? null,
    });
    return answer(r, (f) => {
      if (f.step === 'AMOUNT' || (f.step === 'RECORDING' && !f.resumed)) return 'body.amountMinor';
      return f.step === 'CHECK' || f.step === 'RECORDING' ? prop : undefined;
    });
  }

  /** Refund on the payment of a SALE, CAPTURE or REBILL; without an amount, all that is refundable. */
  async function refund(actor: Actor, operationId: Uuid, requested: Money | null) {
    const prop = requested ? 'body.amount.amountMinor' : undefined;
    const target = await targetOperation(deps, actor.merchantId, operationId, 'refund');
    const r = await refundPayment(journal, {
      ...source(actor),
      paymentId: target.operation.paymentId,
      amount: requested,
      holder: holder(actor),
    });
    return answer(r, onAmount(prop));
  }

  /**
   * Cancel: without an amount the whole payment (voiding what was captured, so it holds the refund lock
   * across the acquirer call); with an amount, that part of the open authorisation (nothing collected moves).
   */
  async function cancel(actor: Actor, operationId: Uuid, amount: Money | null) {
    const prop = amount ? 'body.amount.amountMinor' : undefined;
    const target = await targetOperation(deps, actor.merchantId, operationId, 'cancel');
    const r = await cancelPayment(journal, {
      ...source(actor),
      paymentId: target.operation.paymentId,
      amount,
      holder: holder(actor),
    });
    return answer(r, onAmount(prop));
  }

  /** Chargebacks and their reversals are what the acquirer notified: recorded, no acquirer call, no lock. */
  async function adjust(
    actor: Actor,
    paymentId: PaymentId,
    kind: 'CHARGEBACK' | 'CHARGEBACK_REVERSAL',
    amount: Money,
  ) {
    const r = await recordChargeback(ledger, { ...source(actor), paymentId, kind, amount });
    return answer(r, () => 'body.amount.amountMinor');
  }

  /** A rebill charges the card of the payment again (payments/rebill.ts). */
  async function rebill(actor: Actor, paymentId: PaymentId, amount: Money) {
    const r = await rebillPayment(journal, { ...source(actor), paymentId, amount });
    return answer(r, onAmount('body.amount.amountMinor'));
  }

  return {
    capture,
    refund,
    cancel,
    chargeback: (a: Actor, p: PaymentId, m: Money) => adjust(a, p, 'CHARGEBACK', m),
    chargebackReversal: (a: Actor, p: PaymentId, m: Money) => adjust(a, p, 'CHARGEBACK_REVERSAL', m),
    rebill,
  };
}
