/**
 * Money going back to a customer through the acquirer: refunds, payouts and voids for the online API and the
 * back office (`sendMoneyBack`, journaled: src-core/journal/). The open journal row is the order's refund lock
 * across the acquirer call (refund-lock.ts). The counter's card-present refunds are counter-refunds.ts.
 */
import {
  domainError,
  err,
  type DomainError,
  type Money,
  type PaymentId,
  type Result,
} from '../../src-shared';
import type { AcquirerAnswer, RequestKey } from '../journal/entries';
import type { AcquirerJournal, RunResult } from '../journal/journal';
import { fitsTheRow, insertMoneyBackEntry, type MoneyBackRow } from '../journal/rows-from-payments';
import { checkOperationOn, type OperationSource } from '../ledger/append';
import type { LedgerContext } from '../ledger/context';
import { loadOrderOfPaymentInTx, type LoadedOrder } from '../ledger/loaded-order';
import type { PaymentRecord } from '../ledger/rows';
import {
  DEFAULT_REFUND_REPEAT_WINDOW_MS,
  refundInProgressError,
  repeatedMoneyBackIn,
  repeatedRefundError,
} from '../ledger/repeat-refund';
import { refundLockFreeWhere } from './refund-lock';

export type MoneyBackRequest = Omit<OperationSource, 'operationId' | 'occurredAt' | 'terminalId'> & {
  merchantId: string;
  paymentId: PaymentId;
  /** Whose refund it is, kept in the journal row (the order's lock): `online:<apiKeyId>`, `back-office:<keyId>`. */
  holder: string;
  /** The API request's idempotence key, so a retry resumes the journal row instead of calling again. */
  requestKey?: RequestKey | null;
} & ({ kind: 'REFUND' | 'PAYOUT'; amount: Money } | { kind: 'CANCEL'; amount?: null });

/**
 * The order is locked, checked and held with the journal row before the acquirer is called, and the answer is
 * recorded after: two commits per refund. While the outcome is unknown the open row keeps the order locked,
 * however long that takes. The row is the order's refund lock: written only while the order has no other
 * open refund, payout or void and no live `refund_locks` row of the counter (REFUND_ORDER_LOCKED otherwise),
 * and at most one such row per order is open (a unique index, schema 9).
 *
 * One round trip before the acquirer (the journal's `runWrittenFirst`): the order row lock, the row (built in
 * SQL from the payment row: journal/rows-from-payments.ts) and COMMIT in one write, the order judged after (the
 * repeat-refund rule, and the ledger would accept the operation); a refusal closes the row as NOT_RECEIVED.
 * An amount the row cannot hold is refused by the same judge without writing anything.
 */
export async function sendMoneyBack(
  journal: AcquirerJournal,
  req: MoneyBackRequest,
): Promise<Result<RunResult, DomainError>> {
  const { ctx } = journal.ledger;
  const { acquirer } = journal;
  const source = {
    channel: req.channel,
    operatorId: req.operatorId ?? null,
    merchantReference: req.merchantReference ?? null,
  };
  const call = (reference: string, { acquirerReference, cardRef }: CallContext): Promise<AcquirerAnswer> =>
    req.kind === 'CANCEL'
      ? acquirer
          .cancel({ reference, acquirerReference, amount: null })
          .then((result) => ({ type: 'MOVEMENT', result }))
      : acquirer[req.kind === 'REFUND' ? 'refund' : 'payout']({
          reference,
          cardRef,
          amount: req.amount,
          paymentId: req.paymentId,
        }).then((result) => ({ type: 'MOVEMENT', result }));
  if (req.kind !== 'CANCEL' && !fitsTheRow(req.amount)) {
    // An amount the row cannot hold (zero, negative) the ledger refuses on any order: judged on the order as
    // loaded, so the answer is the one it always was (an unknown payment first), and nothing is written.
    const loaded = await loadOrderOfPaymentInTx(journal.ledger.db, req.merchantId, req.paymentId, true);
    const judged = judge(loaded, ctx, req);
    if (judged.ok) throw new Error(`sendMoneyBack: the ledger took ${req.amount.amountMinor} as an amount`);
    return judged;
  }
  const row: MoneyBackRow = {
    kind: req.kind,
    merchantId: req.merchantId,
    paymentId: req.paymentId,
    amount: req.amount ?? null,
    source,
    holder: req.holder,
    requestKey: req.requestKey ?? null,
  };
  // Built only when the row was not written (an error's message is formatted when it is made).
  const refusal = () => refundInProgressError({ paymentId: req.paymentId });
  const run = await journal.runWrittenFirst(
    {
      head: row,
      lockOrder: true,
      insert: (q, id, claimId) => insertMoneyBackEntry(q, id, row, refundLockFreeWhere, claimId),
      refusal,
    },
    (loaded) => judge(loaded, ctx, req),
    (entry) =>
      call(entry.id, {
        acquirerReference: entry.request.kind === 'CANCEL' ? entry.request.acquirerReference : null,
        cardRef: entry.cardRef,
      }),
  );
  // Null only when the judge cannot tell, which this one never answers.
  if (!run) throw new Error('sendMoneyBack: the judge of a refund, payout or void answered nothing');
  return run;
}

interface CallContext {
  acquirerReference: string | null;
  cardRef: string | null;
}

/**
 * The rules a refund, payout or void is judged by on its order, loaded under the order row lock: the payment
 * exists, the repeat-refund rule, and the ledger would accept the operation.
 */
function judge(
  loaded: LoadedOrder | null,
  ctx: LedgerContext,
  req: MoneyBackRequest,
): Result<{ order: LoadedOrder; payment: PaymentRecord }, DomainError> {
  if (!loaded) return err(domainError('PAYMENT_NOT_FOUND', { paymentId: req.paymentId }));
  const windowMs = ctx.refundRepeatWindowMs ?? DEFAULT_REFUND_REPEAT_WINDOW_MS;
  const earlier =
    req.kind === 'CANCEL'
      ? null
      : repeatedMoneyBackIn(loaded.operations, req.kind, req.amount, windowMs, loaded.lockedAt!);
  if (earlier) return err(repeatedRefundError(earlier, loaded.order.orderId, windowMs));
  const body = req.kind === 'CANCEL' ? ({ kind: 'CANCEL' } as const) : { kind: req.kind, amount: req.amount };
  return checkOperationOn(loaded, ctx, { ...req, body });
}
