/** Pieces the online handlers share: finding a payment, resolving unknown outcomes, card facts. */
import { domainError, parsePaymentId, type CardBrand, type PaymentId } from '../../../src-shared';
import type { AcquiredCard } from '../../acquirer/acquirer';
import type { CardFacts, PaymentRecord } from '../../ledger/rows';
import { loadOrderInTx, resolveUnknownPaymentInTx, Refused, type LoadedOrder } from '../../ledger/service';
import { selectPayment } from '../../ledger/store';
import { ApiFailure, fail } from '../api-error';
import type { OnlineDeps } from './routes';

/** Worldline's payment product ids for the brands the sandbox knows (1 = Visa in the SDK tests). */
const PRODUCT_IDS: Partial<Record<CardBrand, number>> = {
  VISA: 1,
  AMEX: 2,
  MASTERCARD: 3,
  MAESTRO: 117,
  JCB: 125,
  DISCOVER: 128,
};

export function cardFacts(
  card: AcquiredCard,
  tokenId: string | null,
  productId: number | undefined,
): CardFacts {
  return {
    brand: card.brand,
    bin: card.bin,
    last4: card.last4,
    expiry: card.expiry,
    cardRef: card.cardRef,
    tokenId,
    paymentProductId: productId ?? PRODUCT_IDS[card.brand] ?? null,
  };
}

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
 * The payment and its whole order. A payment whose acquirer outcome was unknown is asked about first, so a
 * merchant who checks sees the outcome as soon as the acquirer knows it.
 */
export async function findPayment(
  deps: OnlineDeps,
  merchantId: string,
  paymentId: PaymentId,
  options: { askAcquirer?: boolean } = {},
): Promise<FoundPayment> {
  let payment = await selectPayment(deps.db, merchantId, paymentId);
  if (!payment) throw fail('PAYMENT_NOT_FOUND', { paymentId });
  if (payment.outcome === 'UNKNOWN' && payment.acquirerReference && options.askAcquirer !== false) {
    await resolveUnknown(deps, payment);
    payment = (await selectPayment(deps.db, merchantId, paymentId)) ?? payment;
  }
  const loaded = await loadOrderInTx(deps.db, merchantId, payment.orderId);
  if (!loaded) throw new Error(`payment ${paymentId} without its order`);
  return { payment, loaded };
}

async function resolveUnknown(deps: OnlineDeps, payment: PaymentRecord): Promise<void> {
  const answer = await deps.acquirer.inquire(payment.acquirerReference ?? '');
  if (answer.outcome === 'UNKNOWN') return;
  const opening =
    answer.outcome === 'APPROVED'
      ? payment.requestedMode === 'SALE'
        ? ({ kind: 'SALE', amount: payment.requestedAmount } as const)
        : ({ kind: 'AUTHORISATION', mode: payment.requestedMode, amount: payment.requestedAmount } as const)
      : ({ kind: 'DECLINE', amount: payment.requestedAmount, reason: answer.reason } as const);
  try {
    await deps.db.transaction(async (tx) => {
      const r = await resolveUnknownPaymentInTx(tx, deps.ledger.ctx, {
        merchantId: payment.merchantId,
        paymentId: payment.paymentId,
        opening,
        authorisationCode: answer.outcome === 'APPROVED' ? answer.authorisationCode : null,
      });
      if (!r.ok) throw new Refused(r.error);
    });
  } catch (e) {
    // The ledger refused the late outcome (e.g. the order's balance is now covered): leave it pending for a person.
    if (!(e instanceof Refused)) throw e;
  }
}

export const notOnFile = (paymentId: string) =>
  new ApiFailure(domainError('CARD_NOT_ON_FILE', { paymentId }));
