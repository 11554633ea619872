/**
 * Chargebacks and their reversals are what the acquirer notified, not calls we make: recorded on the payment
 * under the ledger's rules (a chargeback cannot exceed what the payment collected net of refunds), with no
 * acquirer call and no refund lock.
 */
import type { Money } from '../../src-shared';
import type { LedgerService } from '../ledger/service';
import { failure, type PaymentRequest, type PaymentResult } from './outcome';

export async function recordChargeback(
  ledger: LedgerService,
  req: Omit<PaymentRequest, 'holder'> & { kind: 'CHARGEBACK' | 'CHARGEBACK_REVERSAL'; amount: Money },
): Promise<PaymentResult> {
  // Not journaled (nothing is sent to the acquirer), so the request's idempotence key ties it to nothing.
  const r = await ledger.recordNotification({
    merchantId: req.merchantId,
    paymentId: req.paymentId,
    channel: req.channel,
    operatorId: req.operatorId ?? null,
    merchantReference: req.merchantReference ?? null,
    body: { kind: req.kind, amount: req.amount },
  });
  return r.ok ? r : failure(r.error, 'CHECK');
}
