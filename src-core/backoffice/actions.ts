/**
 * Back-office operations that change an order: captures, refunds and cancels on an operation (requirement
 * 003), chargebacks, chargeback reversals and rebills on a payment (requirement 002). Every write goes through
 * the ledger service (the shared rules decide); every acquirer call goes through the write-ahead journal
 * (src-core/journal/: journal row → call → record and close), and anything that sends collected money back
 * (refund, cancel of a captured payment) holds the order's refund lock across the acquirer call, like the
 * online API and the counter. A retry with the same idempotence key resumes its journal row.
 */
import { drawOnAuthorisation } from '../payments/authorisation-draws';
import {
  money,
  orderBalances,
  toOrderBalancesDto,
  type DomainError,
  type Money,
  type OperationKind,
  type PaymentId,
  type Result,
  type Uuid,
} from '../../src-shared';
import { orderStatusFromBalances } from '../../src-shared/backoffice-api';
import type { Acquirer } from '../acquirer/acquirer';
import { ApiFailure, fail } from '../routing/api-error';
import type { JournalSource, RequestKey } from '../journal/entries';
import type { AcquirerJournal } from '../journal/journal';
import { movementOutcome } from '../routing/journal-answers';
import { sendMoneyBack } from '../payments/money-back';
import type { StoredOperation } from '../ledger/rows';
import { checkOperation, type Appended, type AppendOperation, type LedgerService } from '../ledger/service';
import { selectOperation } from '../ledger/store';
import { amountFromRequest, operationView } from './views';

export interface ActionDeps {
  ledger: LedgerService;
  acquirer: Acquirer;
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

function unwrap<T>(r: Result<T, DomainError>, prop?: string): T {
  if (!r.ok) throw new ApiFailure(r.error, prop);
  return r.value;
}

export function backOfficeActions(deps: ActionDeps) {
  const { ledger, acquirer, journal } = deps;
  const source = (actor: Actor) => ({
    merchantId: actor.merchantId,
    channel: 'BACK_OFFICE' as const,
    operatorId: actor.operatorId,
    merchantReference: actor.merchantReference,
  });
  const journalSource = (actor: Actor): JournalSource => ({
    channel: 'BACK_OFFICE',
    operatorId: actor.operatorId,
    merchantReference: actor.merchantReference,
  });
  /** The outcome of an earlier run of this very request (same idempotence key and body), if any. */
  async function resumed(actor: Actor, prop?: string) {
    const earlier = actor.requestKey ? await journal.resume(actor.merchantId, actor.requestKey) : null;
    return earlier ? operationResult(await movementOutcome(journal, earlier, prop)) : null;
  }

  async function balancesOf(merchantId: string, paymentId: PaymentId) {
    const loaded = await ledger.loadOrderOfPayment(merchantId, paymentId);
    if (!loaded) throw fail('PAYMENT_NOT_FOUND', { paymentId });
    return { loaded, balances: orderBalances(loaded.state).payments.get(paymentId) };
  }

  /** Capture on an authorisation; without an amount, everything still open, as a final capture. */
  async function capture(
    actor: Actor,
    operationId: Uuid,
    amountMinor: number | undefined,
    isFinal?: boolean,
  ) {
    const prop = amountMinor !== undefined ? 'body.amountMinor' : undefined;
    const target = await targetOperation(deps, actor.merchantId, operationId, 'capture');
    const earlier = await resumed(actor, prop);
    if (earlier) return earlier;
    const paymentId = target.operation.paymentId;
    const { loaded, balances } = await balancesOf(actor.merchantId, paymentId);
    const currency = loaded.order.currency;
    const amount =
      amountMinor !== undefined
        ? amountFromRequest(amountMinor, currency, 'body.amountMinor')
        : positiveOrOne(balances?.remainingFloat ?? money(0, currency));
    const final = isFinal ?? amountMinor === undefined;
    const run = await drawOnAuthorisation(journal, {
      ...source(actor),
      paymentId,
      body: { kind: 'CAPTURE', amount, isFinal: final },
      requestKey: actor.requestKey,
    });
    if (!run.ok) throw new ApiFailure(run.error, prop);
    return operationResult(await movementOutcome(journal, run.value, 'body.amountMinor'));
  }

  /** Refund on the payment of a SALE, CAPTURE or REBILL; without an amount, all that is refundable. */
  async function refund(actor: Actor, operationId: Uuid, requested: Money | null) {
    const prop = requested ? 'body.amount.amountMinor' : undefined;
    const target = await targetOperation(deps, actor.merchantId, operationId, 'refund');
    const earlier = await resumed(actor, prop);
    if (earlier) return earlier;
    const paymentId = target.operation.paymentId;
    const { loaded, balances } = await balancesOf(actor.merchantId, paymentId);
    const amount = requested ?? positiveOrOne(balances?.refundable ?? money(0, loaded.order.currency));
    const r = await sendMoneyBack(journal, {
      ...source(actor),
      paymentId,
      kind: 'REFUND',
      amount,
      holder: `back-office:${actor.keyId}`,
      requestKey: actor.requestKey,
    });
    return operationResult(await movementOutcome(journal, unwrap(r, prop), prop));
  }

  /**
   * Cancel: without an amount the whole payment (voiding what was captured, so it holds the refund lock
   * across the acquirer call); with an amount, that part of the open authorisation (nothing collected moves).
   */
  async function cancel(actor: Actor, operationId: Uuid, amount: Money | null) {
    const prop = amount ? 'body.amount.amountMinor' : undefined;
    const target = await targetOperation(deps, actor.merchantId, operationId, 'cancel');
    const earlier = await resumed(actor, prop);
    if (earlier) return earlier;
    const paymentId = target.operation.paymentId;
    if (!amount) {
      const r = await sendMoneyBack(journal, {
        ...source(actor),
        paymentId,
        kind: 'CANCEL',
        holder: `back-office:${actor.keyId}`,
        requestKey: actor.requestKey,
      });
      return operationResult(await movementOutcome(journal, unwrap(r)));
    }
    const run = await drawOnAuthorisation(journal, {
      ...source(actor),
      paymentId,
      body: { kind: 'AUTHORISATION_REVERSAL', amount },
      requestKey: actor.requestKey,
    });
    if (!run.ok) throw new ApiFailure(run.error, prop);
    return operationResult(await movementOutcome(journal, run.value, prop));
  }

  /** Chargebacks and their reversals are what the acquirer notified: recorded, no acquirer call, no lock. */
  async function adjust(
    actor: Actor,
    paymentId: PaymentId,
    kind: 'CHARGEBACK' | 'CHARGEBACK_REVERSAL',
    amount: Money,
  ) {
    const r = await ledger.append({ ...source(actor), paymentId, body: { kind, amount } });
    return operationResult(unwrap(r, 'body.amount.amountMinor'));
  }

  /**
   * A rebill charges the card of the payment again, on top of what it collected (requirement 002 "Rebill"):
   * journaled like every charge; a decline answers its code and records nothing; an unknown outcome answers
   * ACQUIRER_TIMEOUT and the reconciler records the rebill if the acquirer approved it.
   */
  async function rebill(actor: Actor, paymentId: PaymentId, amount: Money) {
    const prop = 'body.amount.amountMinor';
    const earlier = await resumed(actor, prop);
    if (earlier) return earlier;
    const input: AppendOperation = { ...source(actor), paymentId, body: { kind: 'REBILL', amount } };
    const check = await checkOperation(ledger.db, ledger.ctx, input);
    if (!check.ok) throw new ApiFailure(check.error, prop);
    const payment = check.value.payment;
    const cardRef = payment.card?.cardRef;
    if (!cardRef) throw fail('CARD_NOT_ON_FILE', { paymentId });
    const expiry = payment.card?.expiry ?? null;
    const run = await journal.run(
      {
        kind: 'REBILL',
        merchantId: actor.merchantId,
        orderId: check.value.order.order.orderId,
        paymentId,
        amount,
        currency: amount.currency,
        mode: 'SALE',
        cardRef,
        requestKey: actor.requestKey,
        request: { kind: 'REBILL', source: journalSource(actor), cardRef, expiry },
      },
      async (reference) => ({
        type: 'AUTHORISATION',
        outcome: await acquirer.authorise({
          reference,
          card: { kind: 'ref', cardRef, expiry },
          amount,
          mode: 'SALE',
          paymentId,
          initiator: 'merchant',
        }),
      }),
    );
    return operationResult(await movementOutcome(journal, run, prop));
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

/**
 * Without an amount an action takes everything available; when nothing is, the ledger is asked with one minor
 * unit so the answer is its precise refusal (nothing captured, authorisation closed …).
 */
const positiveOrOne = (available: Money): Money =>
  available.amountMinor > 0 ? available : money(1, available.currency);
