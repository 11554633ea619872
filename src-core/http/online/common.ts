/** Pieces the online handlers share: finding a payment (reconciling an unknown outcome), card facts. */
import { domainError, parsePaymentId, type PaymentId } from '../../../src-shared';
import type { PaymentRecord } from '../../ledger/rows';
export { cardFacts } from '../../acquirer/card-facts';
import { loadOrderInTx, type LoadedOrder } from '../../ledger/service';
import { selectPayment } from '../../ledger/store';
import { ApiFailure, fail } from '../api-error';
import type { OnlineDeps } from './routes';

export function paymentIdFromPath(text: string | undefined, propertyName = 'paymentId'): PaymentId {
  const r = parsePaymentId(text ?? '');
  if (!r.ok) throw new ApiFailure(r.error, propertyName);
  return r.value;
}

export interface FoundPayment {
  payment: PaymentRecord;
  loaded: LoadedOrder;
}

/**
 * The payment and its whole order. A payment whose outcome is not recorded yet (the acquirer timed out, or
 * the process that called it died before recording) is reconciled first (src-core/journal/), so a merchant
 * who checks sees the outcome as soon as the acquirer knows it.
 */
export async function findPayment(
  deps: OnlineDeps,
  merchantId: string,
  paymentId: PaymentId,
  options: { askAcquirer?: boolean } = {},
): Promise<FoundPayment> {
  let payment = await selectPayment(deps.db, merchantId, paymentId);
  if ((!payment || payment.outcome === 'UNKNOWN') && options.askAcquirer !== false) {
    await deps.journal.reconcilePayment(merchantId, paymentId);
    payment = await selectPayment(deps.db, merchantId, paymentId);
  }
  if (!payment) throw fail('PAYMENT_NOT_FOUND', { paymentId });
  const loaded = await loadOrderInTx(deps.db, merchantId, payment.orderId);
  if (!loaded) throw new Error(`payment ${paymentId} without its order`);
  return { payment, loaded };
}

export const notOnFile = (paymentId: string) =>
  new ApiFailure(domainError('CARD_NOT_ON_FILE', { paymentId }));
