/**
 * Refunds and payouts: money going back to the customer through the acquirer, for the online API and the back
 * office alike (a refund the counter made on its card terminal is recorded by counter-refunds.ts). A retry
 * with the same idempotence key answers from its journal row; otherwise the order's refund lock, the ledger's
 * checks and the journal row commit together before the acquirer is called (money-back.ts).
 */
import { money, orderBalances, type Money } from '../../src-shared';
import type { AcquirerJournal } from '../journal/journal';
import { sendMoneyBack } from './money-back';
import {
  everythingOrOne,
  failure,
  movementOutcome,
  paymentToActOn,
  resumedOutcome,
  type PaymentRequest,
  type PaymentResult,
} from './outcome';

/**
 * A refund on a payment, capped by what that payment collected and by the order. Without an amount, all
 * that is refundable on the payment (reconciled first, so an outcome just learnt counts).
 */
export async function refund(
  journal: AcquirerJournal,
  req: PaymentRequest & { amount: Money | null },
): Promise<PaymentResult> {
  const resumed = await resumedOutcome(journal, req.merchantId, req.requestKey);
  if (resumed) return resumed;
  let amount = req.amount;
  if (!amount) {
    const found = await paymentToActOn(journal, req.merchantId, req.paymentId);
    if (!found.ok) return found;
    const { loaded } = found.value;
    const balances = orderBalances(loaded.state).payments.get(req.paymentId);
    amount = everythingOrOne(balances?.refundable ?? money(0, loaded.order.currency));
  }
  return sendAndRecord(journal, { ...req, kind: 'REFUND', amount });
}

/** A payout: money back beyond one payment, capped by what the order collected. */
export async function payout(
  journal: AcquirerJournal,
  req: PaymentRequest & { amount: Money },
): Promise<PaymentResult> {
  const resumed = await resumedOutcome(journal, req.merchantId, req.requestKey);
  if (resumed) return resumed;
  return sendAndRecord(journal, { ...req, kind: 'PAYOUT' });
}

async function sendAndRecord(
  journal: AcquirerJournal,
  req: PaymentRequest & { kind: 'REFUND' | 'PAYOUT'; amount: Money },
): Promise<PaymentResult> {
  const run = await sendMoneyBack(journal, req);
  if (!run.ok) return failure(run.error, 'CHECK');
  return movementOutcome(journal, run.value);
}
