/** Pieces the online handlers share: a payment id from the path, finding a payment (reconciling an unknown outcome). */
import { parsePaymentId, type PaymentId } from '../../src-shared';
import { findPayment, type FoundPayment } from '../payments/outcome';
import { ApiFailure, fail } from '../routing/api-error';
import type { OnlineDeps } from './deps';

export function paymentIdFromPath(text: string | undefined, propertyName = 'paymentId'): PaymentId {
  const r = parsePaymentId(text ?? '');
  if (!r.ok) throw new ApiFailure(r.error, propertyName);
  return r.value;
}

/**
 * The payment and its whole order, reconciled first when its outcome is not recorded yet
 * (payments/outcome.ts `findPayment`), so a merchant who checks sees the outcome as soon as the acquirer knows
 * it; PAYMENT_NOT_FOUND otherwise.
 */
export async function loadReconciledPayment(
  deps: OnlineDeps,
  merchantId: string,
  paymentId: PaymentId,
  options: { askAcquirer?: boolean } = {},
): Promise<FoundPayment> {
  const found = await findPayment(deps.journal, merchantId, paymentId, options);
  if (!found) throw fail('PAYMENT_NOT_FOUND', { paymentId });
  return found;
}
