/**
 * A rebill charges the card of a payment again, on top of what it collected (requirement 002 "Rebill"):
 * journaled like every charge; a decline answers its code and records nothing; an unknown outcome answers
 * ACQUIRER_TIMEOUT and the reconciler records the rebill if the acquirer approved it.
 */
import { domainError, type Money } from '../../src-shared';
import type { AcquirerJournal } from '../journal/journal';
import { checkOperation } from '../ledger/append';
import { failure, movementOutcome, resumedOutcome, type PaymentRequest, type PaymentResult } from './outcome';

export async function rebill(
  journal: AcquirerJournal,
  req: Omit<PaymentRequest, 'holder'> & { amount: Money },
): Promise<PaymentResult> {
  const resumed = await resumedOutcome(journal, req.merchantId, req.requestKey);
  if (resumed) return resumed;
  const { db, ctx } = journal.ledger;
  const { amount, paymentId } = req;
  const source = {
    channel: req.channel,
    operatorId: req.operatorId ?? null,
    merchantReference: req.merchantReference ?? null,
  };
  const check = await checkOperation(db, ctx, {
    ...source,
    merchantId: req.merchantId,
    paymentId,
    body: { kind: 'REBILL', amount },
  });
  if (!check.ok) return failure(check.error, 'CHECK');
  const { payment, order } = check.value;
  const cardRef = payment.card?.cardRef;
  if (!cardRef) return failure(domainError('CARD_NOT_ON_FILE', { paymentId }));
  const expiry = payment.card?.expiry ?? null;
  const run = await journal.run(
    {
      kind: 'REBILL',
      merchantId: req.merchantId,
      orderId: order.order.orderId,
      paymentId,
      amount,
      currency: amount.currency,
      mode: 'SALE',
      cardRef,
      requestKey: req.requestKey ?? null,
      request: { kind: 'REBILL', source, cardRef, expiry },
    },
    async (reference) => ({
      type: 'AUTHORISATION',
      outcome: await journal.acquirer.authorise({
        reference,
        card: { kind: 'ref', cardRef, expiry },
        amount,
        mode: 'SALE',
        paymentId,
        initiator: 'merchant',
      }),
    }),
  );
  return movementOutcome(journal, run);
}
