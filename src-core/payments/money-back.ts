/**
 * Money going back to a customer through the acquirer with the order's refund lock held across the call
 * (refund-lock.ts): refunds, payouts and voids for the online API and the back office (`sendMoneyBack`,
 * journaled: src-core/journal/). The counter's card-present refunds are counter-refunds.ts.
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
import { claimOwnerOf } from '../idempotence/claim-liveness';
import type { JournalIntent, RequestKey } from '../journal/entries';
import type { AcquirerJournal, RunResult } from '../journal/journal';
import { checkOperationOn, type OperationSource } from '../ledger/append';
import { loadOrderOfPaymentInTx } from '../ledger/loaded-order';
import {
  DEFAULT_REFUND_REPEAT_WINDOW_MS,
  repeatedMoneyBackIn,
  repeatedRefundError,
} from '../ledger/repeat-refund';
import { releaseRefundLock } from '../ledger/refund-lock';
import { acquireRefundLockForPayment, ONLINE_REFUND_LOCK_TTL_MS } from './refund-lock';

export type MoneyBackRequest = Omit<OperationSource, 'operationId' | 'occurredAt' | 'terminalId'> & {
  merchantId: string;
  paymentId: PaymentId;
  /** Recorded in the lock row: `online:<apiKeyId>`, `back-office:<keyId>`. */
  holder: string;
  ttlMs?: number;
  /** The API request's idempotence key, so a retry resumes the journal row instead of calling again. */
  requestKey?: RequestKey | null;
} & ({ kind: 'REFUND' | 'PAYOUT'; amount: Money } | { kind: 'CANCEL'; amount?: null });

/**
 * One transaction before the acquirer is called: take the order's refund lock (REFUND_ORDER_LOCKED if held,
 * while another refund, payout or void of the order has an open journal row, or when this repeats a refund
 * just recorded), check the ledger would accept the operation now, and write the journal row. A refusal rolls
 * all three back. Then the acquirer call, and one more transaction records the operation, frees the lock and
 * closes the row (the journal's run). Two commits per refund; from the first on the journal row owns the lock
 * (freed when the answer is recorded or settled, kept while the outcome is unknown).
 */
export async function sendMoneyBack(
  journal: AcquirerJournal,
  req: MoneyBackRequest,
): Promise<Result<RunResult, DomainError>> {
  const { db, ctx } = journal.ledger;
  const { acquirer } = journal;
  const body = req.kind === 'CANCEL' ? ({ kind: 'CANCEL' } as const) : { kind: req.kind, amount: req.amount };
  let lockId: Uuid | null = null;
  try {
    return await journal.runChecked(
      {
        kind: req.kind,
        merchantId: req.merchantId,
        paymentId: req.paymentId,
        requestKey: req.requestKey ?? null,
      },
      async (tx) => {
        const locking = acquireRefundLockForPayment(tx, ctx, {
          merchantId: req.merchantId,
          paymentId: req.paymentId,
          holder: req.holder,
          channel: req.channel,
          purpose: req.kind === 'PAYOUT' ? 'PAYOUT' : 'REFUND',
          amount: req.amount ?? null,
          ttlMs: req.ttlMs ?? ONLINE_REFUND_LOCK_TTL_MS,
          // Held by this process for this request: free at once if the process dies (claim-liveness.ts).
          holderInstance: claimOwnerOf(db),
          callerChecksRepeat: true,
        });
        // Loaded after the lock was granted, in a statement of its own: it sees every refund or payout of
        // the order that committed before (READ COMMITTED), so the repeat rule and the refundable amount are
        // judged on all of them; none can commit meanwhile. Sent together with the lock's statement without
        // waiting for its answer (pipelined: the database still runs it after the lock's, with a snapshot
        // taken then), and its rows thrown away when the lock is refused.
        const loading = loadOrderOfPaymentInTx(tx, req.merchantId, req.paymentId);
        loading.catch(() => undefined);
        const lock = await locking;
        if (!lock.ok) return lock;
        const loaded = await loading;
        if (!loaded) return err(domainError('PAYMENT_NOT_FOUND', { paymentId: req.paymentId }));
        const windowMs = ctx.refundRepeatWindowMs ?? DEFAULT_REFUND_REPEAT_WINDOW_MS;
        const earlier =
          req.kind === 'CANCEL'
            ? null
            : repeatedMoneyBackIn(loaded.operations, req.kind, req.amount, windowMs, lock.value.acquiredAt);
        if (earlier) return err(repeatedRefundError(earlier, loaded.order.orderId, windowMs));
        const check = checkOperationOn(loaded, ctx, { ...req, body });
        if (!check.ok) return check;
        const { payment, order } = check.value;
        const source = {
          channel: req.channel,
          operatorId: req.operatorId ?? null,
          merchantReference: req.merchantReference ?? null,
        };
        const cardRef = payment.card?.cardRef ?? null;
        lockId = lock.value.lockId;
        const intent: JournalIntent = {
          kind: req.kind,
          merchantId: req.merchantId,
          orderId: order.order.orderId,
          paymentId: req.paymentId,
          amount: req.amount ?? null,
          currency: order.order.currency,
          mode: null,
          cardRef,
          requestKey: req.requestKey ?? null,
          request:
            req.kind === 'CANCEL'
              ? { kind: 'CANCEL', source, acquirerReference: payment.acquirerReference, lockId }
              : { kind: req.kind, source, cardRef, lockId },
        };
        // The order as loaded here goes along: the recording does not load it again if it has not changed.
        return ok({
          intent,
          context: { acquirerReference: payment.acquirerReference, cardRef },
          order: loaded,
        });
      },
      async (reference, { acquirerReference, cardRef }) => ({
        type: 'MOVEMENT',
        result:
          req.kind === 'CANCEL'
            ? await acquirer.cancel({ reference, acquirerReference, amount: null })
            : await acquirer[req.kind === 'REFUND' ? 'refund' : 'payout']({
                reference,
                cardRef,
                amount: req.amount,
                paymentId: req.paymentId,
              }),
      }),
    );
  } catch (e) {
    // Thrown after the lock committed with the journal row: give the lock back (the open row still holds the
    // order). Best effort: when the database is gone the lock expires on its own.
    if (lockId) await releaseRefundLock(db, { lockId }).catch(() => false);
    throw e;
  }
}
