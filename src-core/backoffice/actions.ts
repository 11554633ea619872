/**
 * Back-office operations that change an order: captures, refunds and cancels on an operation (requirement
 * 003), chargebacks, chargeback reversals and rebills on a payment (requirement 002). Every write goes through
 * the ledger service (the shared rules decide); acquirer calls happen outside database transactions, and
 * anything that sends collected money back (refund, cancel of a captured payment) holds the order's refund
 * lock across the acquirer call, like the online API and the counter.
 */
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
import { ApiFailure, fail } from '../http/api-error';
import { sendMoneyBack } from '../ledger/money-back';
import { acquireRefundLock, completeRefundLockInTx, releaseRefundLock } from '../ledger/refund-lock';
import type { StoredOperation } from '../ledger/rows';
import {
  appendOperationInTx,
  checkOperation,
  Refused,
  type Appended,
  type AppendOperation,
  type LedgerService,
} from '../ledger/service';
import { selectOperation } from '../ledger/store';
import { amountFromRequest, operationView } from './views';

export interface ActionDeps {
  ledger: LedgerService;
  acquirer: Acquirer;
}

export interface Actor {
  merchantId: string;
  /** The API key acting, for the refund lock's holder. */
  keyId: string;
  operatorId: string | null;
  merchantReference: string | null;
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
  const { ledger, acquirer } = deps;
  const source = (actor: Actor) => ({
    merchantId: actor.merchantId,
    channel: 'BACK_OFFICE' as const,
    operatorId: actor.operatorId,
    merchantReference: actor.merchantReference,
  });

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
    const target = await targetOperation(deps, actor.merchantId, operationId, 'capture');
    const paymentId = target.operation.paymentId;
    const { loaded, balances } = await balancesOf(actor.merchantId, paymentId);
    const currency = loaded.order.currency;
    const amount =
      amountMinor !== undefined
        ? amountFromRequest(amountMinor, currency, 'body.amountMinor')
        : positiveOrOne(balances?.remainingFloat ?? money(0, currency));
    const input: AppendOperation = {
      ...source(actor),
      paymentId,
      body: { kind: 'CAPTURE', amount, isFinal: isFinal ?? amountMinor === undefined },
    };
    const check = await checkOperation(ledger.db, ledger.ctx, input);
    if (!check.ok)
      throw new ApiFailure(check.error, amountMinor !== undefined ? 'body.amountMinor' : undefined);
    const atAcquirer = await acquirer.capture({
      acquirerReference: check.value.payment.acquirerReference,
      amount,
      isFinal: isFinal ?? amountMinor === undefined,
    });
    if (!atAcquirer.ok) throw new ApiFailure(atAcquirer.error);
    return operationResult(unwrap(await ledger.append(input), 'body.amountMinor'));
  }

  /** Refund on the payment of a SALE, CAPTURE or REBILL; without an amount, all that is refundable. */
  async function refund(actor: Actor, operationId: Uuid, requested: Money | null) {
    const target = await targetOperation(deps, actor.merchantId, operationId, 'refund');
    const paymentId = target.operation.paymentId;
    const { loaded, balances } = await balancesOf(actor.merchantId, paymentId);
    const amount = requested ?? positiveOrOne(balances?.refundable ?? money(0, loaded.order.currency));
    const r = await sendMoneyBack(
      ledger,
      { ...source(actor), paymentId, kind: 'REFUND', amount, holder: `back-office:${actor.keyId}` },
      async ({ payment }) => acquirer.refund({ cardRef: payment.card?.cardRef ?? null, amount, paymentId }),
    );
    return operationResult(unwrap(r, requested ? 'body.amount.amountMinor' : undefined));
  }

  /**
   * Cancel: without an amount the whole payment (voiding what was captured, so it holds the refund lock
   * across the acquirer call); with an amount, that part of the open authorisation (nothing collected moves).
   */
  async function cancel(actor: Actor, operationId: Uuid, amount: Money | null) {
    const target = await targetOperation(deps, actor.merchantId, operationId, 'cancel');
    const paymentId = target.operation.paymentId;
    const input: AppendOperation = {
      ...source(actor),
      paymentId,
      body: amount ? { kind: 'AUTHORISATION_REVERSAL', amount } : { kind: 'CANCEL' },
    };
    const prop = amount ? 'body.amount.amountMinor' : undefined;
    if (amount) {
      const check = await checkOperation(ledger.db, ledger.ctx, input);
      if (!check.ok) throw new ApiFailure(check.error, prop);
      const atAcquirer = await acquirer.cancel({
        acquirerReference: check.value.payment.acquirerReference,
        amount,
      });
      if (!atAcquirer.ok) throw new ApiFailure(atAcquirer.error);
      return operationResult(unwrap(await ledger.append(input), prop));
    }
    const lock = unwrap(
      await acquireRefundLock(ledger.db, ledger.ctx, {
        orderId: target.orderId,
        holder: `back-office:${actor.keyId}`,
        channel: 'BACK_OFFICE',
        purpose: 'REFUND',
        paymentId,
        ttlMs: 60_000,
      }),
    );
    let done = false;
    try {
      const check = await checkOperation(ledger.db, ledger.ctx, input);
      if (!check.ok) throw new ApiFailure(check.error);
      const atAcquirer = await acquirer.cancel({
        acquirerReference: check.value.payment.acquirerReference,
        amount: null,
      });
      if (!atAcquirer.ok) throw new ApiFailure(atAcquirer.error);
      const appended = await ledger.db
        .transaction(async (tx) => {
          const r = await appendOperationInTx(tx, ledger.ctx, input);
          if (!r.ok) throw new Refused(r.error);
          await completeRefundLockInTx(tx, lock);
          return r.value;
        })
        .catch((e: unknown) => {
          if (e instanceof Refused) throw new ApiFailure(e.error);
          throw e;
        });
      done = true;
      return operationResult(appended);
    } finally {
      if (!done) await releaseRefundLock(ledger.db, lock);
    }
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
   * the acquirer is asked first (a merchant-initiated charge of the card on file), then it is recorded.
   */
  async function rebill(actor: Actor, paymentId: PaymentId, amount: Money) {
    const input: AppendOperation = { ...source(actor), paymentId, body: { kind: 'REBILL', amount } };
    const check = await checkOperation(ledger.db, ledger.ctx, input);
    if (!check.ok) throw new ApiFailure(check.error, 'body.amount.amountMinor');
    const payment = check.value.payment;
    const cardRef = payment.card?.cardRef;
    if (!cardRef) throw fail('CARD_NOT_ON_FILE', { paymentId });
    const outcome = await acquirer.authorise({
      card: { kind: 'ref', cardRef, expiry: payment.card?.expiry ?? null },
      amount,
      mode: 'SALE',
      paymentId,
      initiator: 'merchant',
    });
    if (outcome.outcome === 'DECLINED') throw fail(outcome.reason, { reason: 'declined by the acquirer' });
    // Nothing is recorded while the acquirer has not answered: the merchant checks the order before retrying.
    if (outcome.outcome === 'UNKNOWN') throw fail('ACQUIRER_TIMEOUT');
    return operationResult(unwrap(await ledger.append(input), 'body.amount.amountMinor'));
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
