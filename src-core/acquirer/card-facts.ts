/** The card facts the ledger keeps for a card the acquirer described (never a PAN). */
import type { CardBrand } from '../../src-shared';
import type { CardFacts } from '../ledger/rows';
import type { AcquiredCard } from './acquirer';

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
  productId: number | null | undefined,
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
