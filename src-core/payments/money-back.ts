/**
 * Money going back to a customer through the acquirer: refunds, payouts and voids for the online API and the
 * back office (`sendMoneyBack`, journaled: src-core/journal/). The open journal row is the order's refund lock
 * across the acquirer call (refund-lock.ts). The counter's card-present refunds are counter-refunds.ts.
 */
import {
  domainError,
  err,
  ok,
  type DomainError,
  type Money,
  type PaymentId,
  type Result,
} from '../../src-shared';
import type { JournalIntent, RequestKey } from '../journal/entries';
import type { AcquirerJournal, RunResult } from '../journal/journal';
import { checkOperationOn, type OperationSource } from '../ledger/append';
import { loadOrderOfPaymentInTx } from '../ledger/loaded-order';
import {
  DEFAULT_REFUND_REPEAT_WINDOW_MS,
  refundInProgressError,
  repeatedMoneyBackIn,
  repeatedRefundError,
} from '../ledger/repeat-refund';
import { refundLockFreeSql } from './refund-lock';

export type MoneyBackRequest = Omit<OperationSource, 'operationId' | 'occurredAt' | 'terminalId'> & {
  merchantId: string;
  paymentId: PaymentId;
  /** Whose refund it is, kept in the journal row (the order's lock): `online:<apiKeyId>`, `back-office:<keyId>`. */
  holder: string;
  /** The API request's idempotence key, so a retry resumes the journal row instead of calling again. */
  requestKey?: RequestKey | null;
} & ({ kind: 'REFUND' | 'PAYOUT'; amount: Money } | { kind: 'CANCEL'; amount?: null });

/**
 * One transaction before the acquirer is called: lock and load the order (its row FOR UPDATE), judge the
 * repeat-refund rule and check the ledger would accept the operation, and write the journal row, which is the
 * order's refund lock: only while the order has no other open refund, payout or void and no live
 * `refund_locks` row of the counter (REFUND_ORDER_LOCKED otherwise), and at most one such row per order is
 * open (a unique index, schema 9). A refusal writes nothing. Then the acquirer call, and one more transaction
 * records the operation and closes the row, which frees the order (the journal's run). Two commits per refund;
 * while the outcome is unknown the open row keeps the order locked, however long that takes.
 */
export async function sendMoneyBack(
  journal: AcquirerJournal,
  req: MoneyBackRequest,
): Promise<Result<RunResult, DomainError>> {
  const { ctx } = journal.ledger;
  const { acquirer } = journal;
  const body = req.kind === 'CANCEL' ? ({ kind: 'CANCEL' } as const) : { kind: req.kind, amount: req.amount };
  return journal.runChecked(
    {
      kind: req.kind,
      merchantId: req.merchantId,
      paymentId: req.paymentId,
      requestKey: req.requestKey ?? null,
    },
    async (tx) => {
      // The order row lock serialises everyone who sends money back on the order (refund-lock.ts); a load that
      // waited for a writer reads the order again, so it sees every refund or payout committed before.
      const loaded = await loadOrderOfPaymentInTx(tx, req.merchantId, req.paymentId, true);
      if (!loaded) return err(domainError('PAYMENT_NOT_FOUND', { paymentId: req.paymentId }));
      const windowMs = ctx.refundRepeatWindowMs ?? DEFAULT_REFUND_REPEAT_WINDOW_MS;
      const earlier =
        req.kind === 'CANCEL'
          ? null
          : repeatedMoneyBackIn(loaded.operations, req.kind, req.amount, windowMs, loaded.lockedAt!);
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
      const orderId = order.order.orderId;
      const intent: JournalIntent = {
        kind: req.kind,
        merchantId: req.merchantId,
        orderId,
        paymentId: req.paymentId,
        amount: req.amount ?? null,
        currency: order.order.currency,
        mode: null,
        cardRef,
        requestKey: req.requestKey ?? null,
        request:
          req.kind === 'CANCEL'
            ? { kind: 'CANCEL', source, acquirerReference: payment.acquirerReference, holder: req.holder }
            : { kind: req.kind, source, cardRef, holder: req.holder },
      };
      return ok({
        intent,
        context: { acquirerReference: payment.acquirerReference, cardRef },
        order: loaded,
        onlyIf: {
          condition: refundLockFreeSql(orderId),
          refusal: refundInProgressError({ paymentId: req.paymentId }),
        },
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
}
