/**
 * Captures and cancels on a payment, for the online API and the back office alike. A capture draws on the
 * open authorisation; a cancel without an amount voids the whole payment (what it captured goes back, so it
 * holds the order's refund lock across the acquirer call like a refund), with an amount it reverses that part
 * of the open authorisation (nothing collected moves). A retry with the same idempotence key answers from its
 * journal row. The payment is reconciled first, so an outcome not recorded yet is learnt before acting on it.
 */
import { money, orderBalances, type Money } from '../../src-shared';
import type { AcquirerJournal } from '../journal/journal';
import { drawOnAuthorisation } from './authorisation-draws';
import { sendMoneyBack } from './money-back';
import {
  amountIn,
  everythingOrOne,
  failure,
  movementOutcome,
  paymentToActOn,
  resumedOutcome,
  type PaymentRequest,
  type PaymentResult,
} from './outcome';

export interface CaptureRequest extends Omit<PaymentRequest, 'holder'> {
  /** In minor units of the order's currency; null: everything still open, as a final capture. */
  amountMinor: number | null;
  /** Null: final when no amount is given. */
  isFinal: boolean | null;
}

export async function capture(journal: AcquirerJournal, req: CaptureRequest): Promise<PaymentResult> {
  const resumed = await resumedOutcome(journal, req.merchantId, req.requestKey);
  if (resumed) return resumed;
  const found = await paymentToActOn(journal, req.merchantId, req.paymentId);
  if (!found.ok) return found;
  const { loaded } = found.value;
  const currency = loaded.order.currency;
  let amount: Money;
  if (req.amountMinor !== null) {
    const given = amountIn(req.amountMinor, currency);
    if (!given.ok) return given;
    amount = given.value;
  } else {
    const balances = orderBalances(loaded.state).payments.get(req.paymentId);
    amount = everythingOrOne(balances?.remainingFloat ?? money(0, currency));
  }
  const run = await drawOnAuthorisation(journal, {
    merchantId: req.merchantId,
    paymentId: req.paymentId,
    channel: req.channel,
    operatorId: req.operatorId ?? null,
    merchantReference: req.merchantReference ?? null,
    body: { kind: 'CAPTURE', amount, isFinal: req.isFinal ?? req.amountMinor === null },
    requestKey: req.requestKey ?? null,
  });
  if (!run.ok) return failure(run.error, 'CHECK');
  return movementOutcome(journal, run.value);
}

/** Cancel: without an amount the whole payment (a void), with one that part of the open authorisation. */
export async function cancel(
  journal: AcquirerJournal,
  req: PaymentRequest & { amount: Money | null },
): Promise<PaymentResult> {
  const resumed = await resumedOutcome(journal, req.merchantId, req.requestKey);
  if (resumed) return resumed;
  const found = await paymentToActOn(journal, req.merchantId, req.paymentId);
  if (!found.ok) return found;
  const { amount, ...rest } = req;
  const run = amount
    ? await drawOnAuthorisation(journal, {
        merchantId: req.merchantId,
        paymentId: req.paymentId,
        channel: req.channel,
        operatorId: req.operatorId ?? null,
        merchantReference: req.merchantReference ?? null,
        body: { kind: 'AUTHORISATION_REVERSAL', amount },
        requestKey: req.requestKey ?? null,
      })
    : await sendMoneyBack(journal, { ...rest, kind: 'CANCEL' });
  if (!run.ok) return failure(run.error, 'CHECK');
  return movementOutcome(journal, run.value);
}
