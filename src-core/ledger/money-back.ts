/**
 * Refunds and payouts with the refund lock held across the acquirer call (refund-lock.ts), for every channel:
 * the online API (`sendMoneyBack`), and card-present refunds at the counter through the terminal sync API
 * (`reserveRefund` → the terminal refunds → `confirmReservedRefund` or `releaseReservedRefund`).
 */
import {
  err,
  ok,
  type DomainError,
  type Money,
  type PaymentId,
  type Result,
  type Uuid,
} from '../../src-shared';
import type { LoadedOrder, LedgerService, OperationSource, Appended } from './service';
import { appendOperationInTx, checkOperation, Refused } from './service';
import {
  acquireRefundLock,
  acquireRefundLockForPayment,
  completeRefundLockInTx,
  findRefundLock,
  releaseRefundLock,
  ONLINE_REFUND_LOCK_TTL_MS,
  type RefundLock,
} from './refund-lock';
import type { PaymentRecord } from './rows';

export interface MoneyBackRequest extends OperationSource {
  merchantId: string;
  paymentId: PaymentId;
  kind: 'REFUND' | 'PAYOUT';
  amount: Money;
  /** Recorded in the lock row: `online:<apiKeyId>`, `terminal:<terminalId>`, `back-office:<user>`. */
  holder: string;
  ttlMs?: number;
}

/** What the acquirer said about sending the money back; a refusal is a value. */
export type AcquirerMoneyBack =
  { ok: true; acquirerReference: string | null } | { ok: false; error: DomainError };

export type AcquirerMoneyBackStep = (input: {
  payment: PaymentRecord;
  order: LoadedOrder;
  lock: RefundLock;
}) => Promise<AcquirerMoneyBack>;

/** Raised when the acquirer sent money back but the ledger could not record it: needs a person. */
export class UnrecordedMoneyBack extends Error {
  constructor(
    readonly paymentId: string,
    readonly reason: DomainError,
  ) {
    super(
      `the acquirer executed a ${reason.code} on payment ${paymentId} that the ledger refused: ${reason.message}`,
    );
    this.name = 'UnrecordedMoneyBack';
  }
}

/**
 * 1. take the order's refund lock (REFUND_ORDER_LOCKED if held); 2. check the ledger would accept the
 * operation now; 3. call the acquirer; 4. record the operation and free the lock in one transaction.
 * Any failure before 4 releases the lock.
 */
export async function sendMoneyBack(
  ledger: LedgerService,
  req: MoneyBackRequest,
  atAcquirer: AcquirerMoneyBackStep,
): Promise<Result<Appended, DomainError>> {
  const { db, ctx } = ledger;
  const body = { kind: req.kind, amount: req.amount } as const;
  const lock = await acquireRefundLockForPayment(db, ctx, {
    merchantId: req.merchantId,
    paymentId: req.paymentId,
    holder: req.holder,
    channel: req.channel,
    purpose: req.kind,
    amount: req.amount,
    ttlMs: req.ttlMs ?? ONLINE_REFUND_LOCK_TTL_MS,
  });
  if (!lock.ok) return lock;
  let done = false;
  try {
    const check = await checkOperation(db, ctx, { ...req, body });
    if (!check.ok) return check;
    const acquirer = await atAcquirer({
      payment: check.value.payment,
      order: check.value.order,
      lock: lock.value,
    });
    if (!acquirer.ok) return acquirer;
    try {
      const recorded = await db.transaction(async (tx) => {
        const r = await appendOperationInTx(tx, ctx, { ...req, body });
        if (!r.ok) throw new Refused(r.error);
        await completeRefundLockInTx(tx, lock.value);
        return r.value;
      });
      done = true;
      return ok(recorded);
    } catch (e) {
      if (e instanceof Refused) throw new UnrecordedMoneyBack(req.paymentId, e.error);
      throw e;
    }
  } finally {
    if (!done) await releaseRefundLock(db, lock.value);
  }
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
 * reserved one) and frees the lock, in one transaction. Works after the reservation expired too, because
 * the money has moved; the ledger still refuses anything beyond the refundable amount.
 */
export async function confirmReservedRefund(
  ledger: LedgerService,
  req: { merchantId: string; lockId: Uuid; paymentId: PaymentId; amount: Money; source: OperationSource },
): Promise<Result<Appended & { lockWasHeld: boolean }, DomainError>> {
  const { db, ctx } = ledger;
  try {
    const r = await db.transaction(async (tx) => {
      const appended = await appendOperationInTx(tx, ctx, {
        ...req.source,
        merchantId: req.merchantId,
        paymentId: req.paymentId,
        body: { kind: 'REFUND', amount: req.amount },
      });
      if (!appended.ok) throw new Refused(appended.error);
      const lockWasHeld = await completeRefundLockInTx(tx, { lockId: req.lockId });
      return { ...appended.value, lockWasHeld };
    });
    return ok(r);
  } catch (e) {
    if (e instanceof Refused) return err(e.error);
    throw e;
  }
}

/** Gives a reservation up (the terminal declined or the cashier aborted). False when it was not held. */
export async function releaseReservedRefund(ledger: LedgerService, lockId: Uuid): Promise<boolean> {
  return releaseRefundLock(ledger.db, { lockId });
}

export { findRefundLock };
