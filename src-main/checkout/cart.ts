/**
 * The cart, pure: lines from catalogue items or free amounts, the total, and tax per rate. Prices are gross
 * (tax included, as shelf prices in the EU); the tax of each rate is taken from that rate's gross sum, so it
 * is rounded once per rate as on a receipt, and each line's share is allocated from it by largest
 * remainder so that line taxes add up to the rate's tax exactly.
 */
import {
  allocate,
  domainError,
  err,
  ok,
  type CurrencyCode,
  type DomainError,
  type Result,
} from '../../src-shared';
import type { OrderLineRecord } from '../store';
import type { CatalogueItem } from '../store';

/** `discountMinor`: off the line's gross (quantity × unit price); the tax is on what remains. */
export type CartEntry =
  | {
      readonly kind: 'item';
      readonly item: CatalogueItem;
      readonly quantity: number;
      readonly discountMinor?: number;
    }
  | {
      readonly kind: 'free';
      readonly description: string;
      readonly amountMinor: number;
      readonly taxRateBp: number;
      readonly quantity?: number;
      readonly discountMinor?: number;
    };

/** A discount on the whole basket: an amount, or a percentage (basis points, 1000 = 10 %) of its total. */
export type BasketDiscount = { readonly amountMinor: number } | { readonly percentBp: number };

export interface TaxTotal {
  readonly rateBp: number;
  readonly grossMinor: number;
  readonly taxMinor: number;
  readonly netMinor: number;
}

export interface Cart {
  readonly currency: CurrencyCode;
  readonly lines: readonly OrderLineRecord[];
  readonly totalMinor: number;
  readonly taxMinor: number;
  readonly taxes: readonly TaxTotal[];
  /** The basket discount in minor units (spread over the lines' discountMinor; 0 without one). */
  readonly basketDiscountMinor: number;
}

/** Tax contained in a gross amount at `rateBp` basis points, rounded half up. */
export function taxOfGross(grossMinor: number, rateBp: number): number {
  return Math.floor((grossMinor * rateBp * 2 + (10_000 + rateBp)) / (2 * (10_000 + rateBp)));
}

/** `bp` basis points of an amount, rounded half up to the minor unit (as the sale screen computes it). */
export const percentOf = (amountMinor: number, bp: number): number =>
  Math.floor((amountMinor * bp + 5_000) / 10_000);

/**
 * A basket discount spread over the lines in proportion to what each charges after its own discount, by
 * largest remainder (src-shared allocate): the shares are whole minor units and add up to the discount
 * exactly, so each rate's tax is taken from what its lines really charge.
 */
export function spreadBasketDiscount(
  lineNets: readonly number[],
  discount: BasketDiscount,
  currency: CurrencyCode,
): Result<{ totalMinor: number; shares: number[] }, DomainError> {
  const bad = (reason: string) => err(domainError('CHECKOUT_INVALID', { reason }));
  const subtotal = lineNets.reduce((a, n) => a + n, 0);
  let off: number;
  if ('percentBp' in discount) {
    if (!Number.isInteger(discount.percentBp) || discount.percentBp <= 0 || discount.percentBp >= 10_000)
      return bad('a basket discount in percent is more than 0 and less than 100');
    off = percentOf(subtotal, discount.percentBp);
  } else {
    if (!Number.isSafeInteger(discount.amountMinor) || discount.amountMinor <= 0)
      return bad('a basket discount must be more than zero');
    off = discount.amountMinor;
  }
  if (off >= subtotal) return bad("the basket discount must be less than the basket's total");
  if (off === 0) return ok({ totalMinor: 0, shares: lineNets.map(() => 0) });
  const shares = allocate({ amountMinor: off, currency }, [...lineNets]).map((m) => m.amountMinor);
  return ok({ totalMinor: off, shares });
}

export function buildCart(
  entries: readonly CartEntry[],
  currency: CurrencyCode,
  basketDiscount?: BasketDiscount | null,
): Result<Cart, DomainError> {
  const bad = (reason: string) => err(domainError('CHECKOUT_INVALID', { reason }));
  if (entries.length === 0) return bad('the cart is empty');
  const raw: (Omit<OrderLineRecord, 'taxMinor' | 'basketDiscountMinor'> & {
    discountMinor: number;
    basketDiscountMinor?: number;
  })[] = [];
  for (const [i, e] of entries.entries()) {
    const quantity = e.quantity ?? 1;
    if (!Number.isSafeInteger(quantity) || quantity < 1) return bad(`line ${i + 1} has quantity ${quantity}`);
    const discountMinor = e.discountMinor ?? 0;
    if (!Number.isSafeInteger(discountMinor) || discountMinor < 0)
      return bad(`line ${i + 1}: a discount must be zero or more`);
    if (e.kind === 'item') {
      if (e.item.currency !== currency) {
        return bad(`${e.item.sku} is priced in ${e.item.currency}, the counter sells in ${currency}`);
      }
      raw.push({
        lineNo: i + 1,
        sku: e.item.sku,
        description: e.item.name,
        quantity,
        unitPriceMinor: e.item.priceMinor,
        taxRateBp: e.item.taxRateBp,
        lineTotalMinor: e.item.priceMinor * quantity,
        discountMinor,
      });
    } else {
      if (!Number.isSafeInteger(e.amountMinor) || e.amountMinor <= 0) {
        return bad(`line ${i + 1}: a free amount must be more than zero`);
      }
      if (!Number.isInteger(e.taxRateBp) || e.taxRateBp < 0 || e.taxRateBp > 10_000) {
        return bad(`line ${i + 1}: tax rate must be between 0 and 100 %`);
      }
      const description = e.description.trim() || 'Amount';
      raw.push({
        lineNo: i + 1,
        sku: null,
        description: description.slice(0, 200),
        quantity,
        unitPriceMinor: e.amountMinor,
        taxRateBp: e.taxRateBp,
        lineTotalMinor: e.amountMinor * quantity,
        discountMinor,
      });
    }
    const last = raw[raw.length - 1]!;
    if (last.discountMinor >= last.lineTotalMinor && last.lineTotalMinor > 0)
      return bad(`line ${i + 1}: the discount must be less than the line's amount`);
  }
  // A basket discount: each line's share joins its discount (and is kept apart for the receipt).
  let basketDiscountMinor = 0;
  if (basketDiscount) {
    const spread = spreadBasketDiscount(
      raw.map((l) => l.lineTotalMinor - l.discountMinor),
      basketDiscount,
      currency,
    );
    if (!spread.ok) return spread;
    basketDiscountMinor = spread.value.totalMinor;
    raw.forEach((l, k) => {
      const share = spread.value.shares[k] ?? 0;
      l.discountMinor += share;
      l.basketDiscountMinor = share;
    });
  }
  // What each line charges: its gross less its discount. Tax is on that, per rate.
  const net = (l: (typeof raw)[number]) => l.lineTotalMinor - l.discountMinor;
  const totalMinor = raw.reduce((s, l) => s + net(l), 0);
  if (!Number.isSafeInteger(totalMinor) || totalMinor <= 0) return bad('the total must be more than zero');
  const rates = [...new Set(raw.map((l) => l.taxRateBp))].sort((a, b) => a - b);
  const lineTax = new Map<number, number>();
  const taxes: TaxTotal[] = rates.map((rateBp) => {
    const group = raw.filter((l) => l.taxRateBp === rateBp);
    const grossMinor = group.reduce((s, l) => s + net(l), 0);
    const taxMinor = taxOfGross(grossMinor, rateBp);
    const shares =
      grossMinor > 0
        ? allocate(
            { amountMinor: taxMinor, currency },
            group.map((l) => net(l)),
          )
        : group.map(() => ({ amountMinor: 0, currency }));
    group.forEach((l, k) => lineTax.set(l.lineNo, shares[k]?.amountMinor ?? 0));
    return { rateBp, grossMinor, taxMinor, netMinor: grossMinor - taxMinor };
  });
  const lines = raw.map((l) => ({ ...l, taxMinor: lineTax.get(l.lineNo) ?? 0 }));
  return ok({
    currency,
    lines,
    totalMinor,
    taxMinor: taxes.reduce((s, t) => s + t.taxMinor, 0),
    taxes,
    basketDiscountMinor,
  });
}
