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
}

/** Tax contained in a gross amount at `rateBp` basis points, rounded half up. */
export function taxOfGross(grossMinor: number, rateBp: number): number {
  return Math.floor((grossMinor * rateBp * 2 + (10_000 + rateBp)) / (2 * (10_000 + rateBp)));
}

export function buildCart(entries: readonly CartEntry[], currency: CurrencyCode): Result<Cart, DomainError> {
  const bad = (reason: string) => err(domainError('CHECKOUT_INVALID', { reason }));
  if (entries.length === 0) return bad('the cart is empty');
  const raw: (Omit<OrderLineRecord, 'taxMinor'> & { discountMinor: number })[] = [];
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
  return ok({ currency, lines, totalMinor, taxMinor: taxes.reduce((s, t) => s + t.taxMinor, 0), taxes });
}
