/**
 * Captures and partial reversals of an authorisation, for every channel (online API, back office): the
 * ledger's dry run, then the acquirer call through the write-ahead journal (src-core/journal/). No refund
 * lock: nothing collected goes back to the customer (a whole cancel does, and goes through `sendMoneyBack`).
 */
import { ok, type DomainError, type Money, type PaymentId, type Result } from '../../src-shared';
import type { JournalSource, RequestKey } from '../journal/entries';
import type { AcquirerJournal, RunResult } from '../journal/journal';
import { checkOperation, type OperationSource } from '../ledger/append';

export type AuthorisationDraw = Omit<OperationSource, 'operationId' | 'occurredAt' | 'terminalId'> & {
  merchantId: string;
  paymentId: PaymentId;
  body:
    { kind: 'CAPTURE'; amount: Money; isFinal: boolean } | { kind: 'AUTHORISATION_REVERSAL'; amount: Money };
  /** The API request's idempotence key, so a retry resumes the journal row instead of calling again. */
  requestKey?: RequestKey | null;
};

/** Refused by the ledger before the acquirer is asked; otherwise the journal run's result. */
export async function drawOnAuthorisation(
  journal: AcquirerJournal,
  req: AuthorisationDraw,
): Promise<Result<RunResult, DomainError>> {
  const { db, ctx } = journal.ledger;
  const check = await checkOperation(db, ctx, req);
  if (!check.ok) return check;
  const { payment, order } = check.value;
  const { amount } = req.body;
  const acquirerReference = payment.acquirerReference;
  const source: JournalSource = {
    channel: req.channel,
    operatorId: req.operatorId ?? null,
    merchantReference: req.merchantReference ?? null,
  };
  const intent = {
    merchantId: req.merchantId,
    orderId: order.order.orderId,
    paymentId: req.paymentId,
    amount,
    currency: amount.currency,
    mode: null,
    cardRef: payment.card?.cardRef ?? null,
    requestKey: req.requestKey ?? null,
  };
  if (req.body.kind === 'CAPTURE') {
    const { isFinal } = req.body;
    return ok(
      await journal.run(
        { ...intent, kind: 'CAPTURE', request: { kind: 'CAPTURE', source, acquirerReference, isFinal } },
        async (reference) => ({
          type: 'MOVEMENT',
          result: await journal.acquirer.capture({ reference, acquirerReference, amount, isFinal }),
        }),
      ),
    );
  }
  return ok(
    await journal.run(
      { ...intent, kind: 'REVERSAL', request: { kind: 'REVERSAL', source, acquirerReference } },
      async (reference) => ({
        type: 'MOVEMENT',
        result: await journal.acquirer.cancel({ reference, acquirerReference, amount }),
      }),
    ),
  );
}
