/**
 * Money going back to a customer at the counter, where the card terminal (not the core) moves it, so the core
 * records what happened under the order's refund lock (refund-lock.ts), as the terminal sync API reports it:
 *
 * - a refund or void the counter made and pushes afterwards: `recordCounterMoneyBackInTx` takes the lock for
 *   the push's own transaction and frees it in the same commit (REFUND_ORDER_LOCKED when another channel
 *   holds it: the terminal sends the message again later);
 * - a card-present refund reserved beforehand: `reserveRefund` (the amount is refundable: the lock is held
 *   with purpose RESERVATION) → the terminal refunds → `confirmReservedRefundInTx` (append the REFUND and
 *   free the lock in one transaction) or `releaseReservedRefund`.
 */
import {
  domainError,
  err,
  ok,
  type DomainError,
  type Money,
  type PaymentId,
  type Result,
  type Uuid,
} from '../../src-shared';
import type { Queryable } from '../db/adapter';
import type { LedgerContext } from '../ledger/context';
import { completeRefundLockInTx, releaseRefundLock, type RefundLock } from '../ledger/refund-lock';
import {
  appendOperationInTx,
  checkOperation,
  type Appended,
  type AppendOperation,
  type OperationSource,
} from '../ledger/append';
import { Refused, type LedgerService } from '../ledger/service';
import { selectOperation, selectPayment } from '../ledger/store';
import { acquireRefundLock } from './refund-lock';

/** How long a refund or void pushed by the counter holds the order's lock: only for its own transaction. */
const IN_TX_LOCK_TTL_MS = 30_000;

/**
 * Appends a REFUND or CANCEL made at the counter while holding the order's refund lock for the length of
 * this transaction. A resend of an operation already recorded is answered as recorded, lock or not.
 *
 * Lock order matters, and is the same on every path (refund-lock.ts): the order row first (FOR UPDATE, taken
 * by `acquireRefundLock`), the refund lock row second, the order row again for the append (already ours).
 * Before schema 9 an online refund inserted its lock row first and then locked the order row in that row's
 * foreign-key check, and the counter had to follow that order to avoid a deadlock (seen in the cross-channel
 * test); an online refund now takes the order row first and writes no lock row at all.
 */
export async function recordCounterMoneyBackInTx(
  tx: Queryable,
  ctx: LedgerContext,
  input: AppendOperation & {
    operationId: Uuid;
    terminalId: Uuid;
    body: Extract<AppendOperation['body'], { kind: 'REFUND' | 'CANCEL' }>;
  },
): Promise<Result<Appended, DomainError>> {
  const seen = await selectOperation(tx, input.merchantId, input.operationId);
  if (seen) return appendOperationInTx(tx, ctx, input);
  const payment = await selectPayment(tx, input.merchantId, input.paymentId);
  if (!payment) return err(domainError('PAYMENT_NOT_FOUND', { paymentId: input.paymentId }));
  const lock = await acquireRefundLock(tx, ctx, {
    orderId: payment.orderId,
    holder: `terminal:${input.terminalId}`,
    channel: input.channel,
    purpose: 'REFUND',
    paymentId: input.paymentId,
    amount: input.body.kind === 'REFUND' ? input.body.amount : null,
    ttlMs: IN_TX_LOCK_TTL_MS,
  });
  if (!lock.ok) return lock;
  const r = await appendOperationInTx(tx, ctx, input);
  if (!r.ok) return r;
  await completeRefundLockInTx(tx, lock.value);
  return r;
}

export interface ReserveRefund {
  merchantId: string;
  paymentId: PaymentId;
  amount: Money;
  holder: string;
  /** How long the counter has to refund on the card terminal and confirm. */
  ttlMs: number;
  source: OperationSource;
}

/** Reserves a card-present refund at the counter: holds the order's refund lock if the amount is refundable. */
export async function reserveRefund(
  ledger: LedgerService,
  req: ReserveRefund,
): Promise<Result<RefundLock, DomainError>> {
  const { db, ctx } = ledger;
  const body = { kind: 'REFUND', amount: req.amount } as const;
  const check = await checkOperation(db, ctx, {
    ...req.source,
    merchantId: req.merchantId,
    paymentId: req.paymentId,
    body,
  });
  if (!check.ok) return check;
  const lock = await acquireRefundLock(db, ctx, {
    orderId: check.value.order.order.orderId,
    holder: req.holder,
    channel: req.source.channel,
    purpose: 'RESERVATION',
    paymentId: req.paymentId,
    amount: req.amount,
    ttlMs: req.ttlMs,
  });
  if (!lock.ok) return lock;
  // Re-check under the lock: a refund may have completed between the first check and the lock.
  const again = await checkOperation(db, ctx, {
    ...req.source,
    merchantId: req.merchantId,
    paymentId: req.paymentId,
    body,
  });
  if (!again.ok) {
    await releaseRefundLock(db, lock.value);
    return again;
  }
  return lock;
}

/**
 * Records the refund the terminal made under a reservation (the amount it actually refunded, at most the
 * reserved one) and frees the lock, in the caller's transaction: append first, then free the lock, so a
 * refusal leaves the lock as it was. Works after the reservation expired too, because the money has moved;
 * the ledger still refuses anything beyond the refundable amount. `lockWasHeld` is false when the lock had
 * expired and was taken over (deleting by lock id then frees nothing of the new holder's).
 */
export async function confirmReservedRefundInTx(
  tx: Queryable,
  ctx: LedgerContext,
  req: ConfirmReservedRefund,
): Promise<Result<Appended & { lockWasHeld: boolean }, DomainError>> {
  const appended = await appendOperationInTx(tx, ctx, {
    ...req.source,
    merchantId: req.merchantId,
    paymentId: req.paymentId,
    body: { kind: 'REFUND', amount: req.amount },
  });
  if (!appended.ok) return appended;
  const lockWasHeld = await completeRefundLockInTx(tx, { lockId: req.lockId });
  return ok({ ...appended.value, lockWasHeld });
}

export interface ConfirmReservedRefund {
  merchantId: string;
  lockId: Uuid;
  paymentId: PaymentId;
  amount: Money;
  source: OperationSource;
}

/** `confirmReservedRefundInTx` in a transaction of its own. */
export async function confirmReservedRefund(
  ledger: LedgerService,
  req: ConfirmReservedRefund,
): Promise<Result<Appended & { lockWasHeld: boolean }, DomainError>> {
  try {
    return await ledger.db.transaction(async (tx) => {
      const r = await confirmReservedRefundInTx(tx, ledger.ctx, req);
      if (!r.ok) throw new Refused(r.error);
      return r;
    });
  } catch (e) {
    if (e instanceof Refused) return err(e.error);
    throw e;
  }
}

/** Gives a reservation up (the terminal declined or the cashier aborted). False when it was not held. */
export async function releaseReservedRefund(ledger: LedgerService, lockId: Uuid): Promise<boolean> {
  return releaseRefundLock(ledger.db, { lockId });
}
