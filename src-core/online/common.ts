/** Pieces the online handlers share: finding a payment (reconciling an unknown outcome), card facts. */
import { domainError, parsePaymentId, type PaymentId } from '../../src-shared';
import type { PaymentRecord } from '../ledger/rows';
export { cardFacts } from '../acquirer/card-facts';
import { loadOrderOfPaymentInTx, type LoadedOrder } from '../ledger/service';
import { ApiFailure, fail } from '../routing/api-error';
import type { OnlineDeps } from './deps';

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
export async function loadReconciledPayment(
  deps: OnlineDeps,
  merchantId: string,
  paymentId: PaymentId,
  options: { askAcquirer?: boolean } = {},
): Promise<FoundPayment> {
  // The payment with its whole order in one statement (one snapshot): it is one of the order's payments.
  const load = async () => {
    const loaded = await loadOrderOfPaymentInTx(deps.db, merchantId, paymentId);
    const payment = loaded?.payments.find((p) => p.paymentId === paymentId);
    if (loaded && !payment) throw new Error(`payment ${paymentId} is not among its order's payments`);
    return loaded && payment ? { payment, loaded } : null;
  };
  let found = await load();
  if ((!found || found.payment.outcome === 'UNKNOWN') && options.askAcquirer !== false) {
    await deps.journal.reconcilePayment(merchantId, paymentId);
    found = await load();
  }
  if (!found) throw fail('PAYMENT_NOT_FOUND', { paymentId });
  return found;
}

export const notOnFile = (paymentId: string) =>
  new ApiFailure(domainError('CARD_NOT_ON_FILE', { paymentId }));
