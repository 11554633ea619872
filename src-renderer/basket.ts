/**
 * The basket as the cashier sees it while building a sale: lines with quantities, the total, and what a
 * cash tender means (change due, quick cash amounts). Pure and exact (src-shared money); the host re-prices
 * and records the sale, so these numbers are a view the host's answer replaces, never the record.
 */
import { currencyExponent, type CurrencyCode } from '../src-shared/currencies';
import { add, compare, money, subtract, zero, type Money } from '../src-shared/money';

export interface BasketLine {
  /** Stable key for the screen: the item's code for scanned/searched items, a generated one for free amounts. */
  readonly key: string;
  readonly code: string | null;
  readonly name: string;
  readonly unitPrice: Money;
  readonly quantity: number;
  /** Tax rate in basis points (1900 = 19 %); a free amount gets DEFAULT_FREE_AMOUNT_TAX_BP. */
  readonly taxRateBp?: number;
  /** Off the line's gross, in minor units (the host taxes what remains). */
  readonly discountMinor?: number;
  /**
   * A percentage discount in basis points (1000 = 10 %), kept so a change of quantity recomputes the amount;
   * the host keeps it too (cart.put), so it is still a percentage after a reload.
   */
  readonly discountBp?: number;
}

/** Off the whole basket: an amount (minor units) or a percentage (basis points) of what the lines charge. */
export type BasketDiscount = { readonly amountMinor: number } | { readonly percentBp: number };

/** The tax rate of an amount keyed on the keypad (the standard rate; decision in docs/app.md). */
export const DEFAULT_FREE_AMOUNT_TAX_BP = 1900;

export interface Basket {
  readonly currency: CurrencyCode;
  readonly lines: readonly BasketLine[];
  /** A discount on the whole basket; the host spreads it over the lines for tax. */
  readonly discount?: BasketDiscount | null;
}

export const MAX_QUANTITY = 999;

export const emptyBasket = (currency: CurrencyCode): Basket => ({ currency, lines: [] });

/** A scanned or searched item: a second scan of the same code adds one to its line instead of a new line. */
export function addItem(basket: Basket, item: Omit<BasketLine, 'quantity' | 'key'>, quantity = 1): Basket {
  const existing = item.code === null ? undefined : basket.lines.find((l) => l.code === item.code);
  if (existing) return setQuantity(basket, existing.key, existing.quantity + quantity);
  let key = item.code ?? `free-${basket.lines.length}`;
  for (let n = basket.lines.length + 1; basket.lines.some((l) => l.key === key); n += 1) key = `free-${n}`;
  return { ...basket, lines: [...basket.lines, { ...item, key, quantity: clampQuantity(quantity) }] };
}

const clampQuantity = (q: number): number => Math.min(MAX_QUANTITY, Math.max(1, Math.trunc(q)));

/**
 * Quantity 0 removes the line; anything above MAX_QUANTITY is held at it (a key held down is not a sale). A
 * percentage discount follows the new quantity; an amount discount stays unless the line became too small
 * for it, and then it goes (never a line at or below zero).
 */
export function setQuantity(basket: Basket, key: string, quantity: number): Basket {
  if (quantity <= 0) return removeLine(basket, key);
  return fitDiscount({
    ...basket,
    lines: basket.lines.map((l) => {
      if (l.key !== key) return l;
      const next = { ...l, quantity: clampQuantity(quantity) };
      if (l.discountBp) return { ...next, discountMinor: percentOf(grossMinor(next), l.discountBp) };
      if ((l.discountMinor ?? 0) >= grossMinor(next)) return { ...next, discountMinor: 0 };
      return next;
    }),
  });
}

/** A basket discount as an amount that no longer leaves something to pay (lines removed) goes. */
function fitDiscount(basket: Basket): Basket {
  const d = basket.discount;
  if (!d || !('amountMinor' in d) || d.amountMinor < subtotalMinor(basket)) return basket;
  return { ...basket, discount: null };
}

/** What the lines charge, each after its own discount, before a basket discount. */
export const subtotalMinor = (basket: Basket): number =>
  basket.lines.reduce((n, l) => n + l.unitPrice.amountMinor * l.quantity - (l.discountMinor ?? 0), 0);

/** The basket discount in minor units now (a percentage of the subtotal, rounded half up as the host does). */
export function basketDiscountMinor(basket: Basket): number {
  const d = basket.discount;
  if (!d || basket.lines.length === 0) return 0;
  return 'percentBp' in d ? percentOf(subtotalMinor(basket), d.percentBp) : d.amountMinor;
}

export type BasketEditError =
  { reason: 'empty' } | { reason: 'tooBig'; subtotalMinor: number } | { reason: 'percent' };

/**
 * The keypad's number as a discount on the whole basket: an amount, or a percentage (up to two decimals,
 * less than 100). 0 removes it. It must leave something to pay.
 */
export function setBasketDiscount(
  basket: Basket,
  kind: 'amount' | 'percent',
  value: Money,
): { ok: true; basket: Basket } | { ok: false; error: BasketEditError } {
  if (basket.lines.length === 0) return { ok: false, error: { reason: 'empty' } };
  const unit = 10 ** currencyExponent(value.currency);
  const n = value.amountMinor;
  const sub = subtotalMinor(basket);
  if (n === 0) return { ok: true, basket: { ...basket, discount: null } };
  if (kind === 'amount') {
    if (n >= sub) return { ok: false, error: { reason: 'tooBig', subtotalMinor: sub } };
    return { ok: true, basket: { ...basket, discount: { amountMinor: n } } };
  }
  const bp = (n * 100) / unit;
  if (!Number.isInteger(bp) || bp <= 0 || bp >= 10_000) return { ok: false, error: { reason: 'percent' } };
  if (percentOf(sub, bp) >= sub) return { ok: false, error: { reason: 'tooBig', subtotalMinor: sub } };
  return { ok: true, basket: { ...basket, discount: { percentBp: bp } } };
}

/** Quantity × unit price, before the discount. */
export const grossMinor = (line: Pick<BasketLine, 'unitPrice' | 'quantity'>): number =>
  line.unitPrice.amountMinor * line.quantity;

/** `bp` basis points of an amount, rounded half up to the minor unit (10 % of €0.05 is €0.01). */
export const percentOf = (amountMinor: number, bp: number): number =>
  Math.floor((amountMinor * bp + 5_000) / 10_000);

export type LineEdit = { kind: 'quantity' | 'discount' | 'percent'; value: Money };
export type LineEditError =
  | { reason: 'noLine' }
  | { reason: 'quantity' }
  | { reason: 'discountTooBig'; lineMinor: number }
  | { reason: 'percent' };

/**
 * What the keypad's number does to a line: the quantity (a whole number, 1–MAX_QUANTITY), an amount off the
 * line, or a percentage off it (more than 0, less than 100, up to two decimals). 0 as a discount removes it.
 * A discount must leave something to pay (the host refuses a line at zero or below).
 */
export function editLine(
  basket: Basket,
  key: string | null,
  edit: LineEdit,
): { ok: true; basket: Basket } | { ok: false; error: LineEditError } {
  const line = basket.lines.find((l) => l.key === key);
  if (!line) return { ok: false, error: { reason: 'noLine' } };
  const unit = 10 ** currencyExponent(edit.value.currency);
  const n = edit.value.amountMinor;
  const put = (next: BasketLine) => ({
    ok: true as const,
    basket: { ...basket, lines: basket.lines.map((l) => (l.key === key ? next : l)) },
  });
  if (edit.kind === 'quantity') {
    if (n % unit !== 0 || n <= 0 || n / unit > MAX_QUANTITY)
      return { ok: false, error: { reason: 'quantity' } };
    return { ok: true, basket: setQuantity(basket, line.key, n / unit) };
  }
  const gross = grossMinor(line);
  if (edit.kind === 'discount') {
    if (n >= gross) return { ok: false, error: { reason: 'discountTooBig', lineMinor: gross } };
    return put({ ...line, discountMinor: n, discountBp: undefined });
  }
  // The keypad's number as a percentage with two decimals: 12,5 → 1250 bp.
  const bp = (n * 100) / unit;
  if (!Number.isInteger(bp) || bp < 0 || bp >= 10_000) return { ok: false, error: { reason: 'percent' } };
  if (bp === 0) return put({ ...line, discountMinor: 0, discountBp: undefined });
  const off = percentOf(gross, bp);
  if (off >= gross) return { ok: false, error: { reason: 'discountTooBig', lineMinor: gross } };
  return put({ ...line, discountMinor: off, discountBp: bp });
}

export function removeLine(basket: Basket, key: string): Basket {
  const lines = basket.lines.filter((l) => l.key !== key);
  return fitDiscount({ ...basket, lines, discount: lines.length === 0 ? null : basket.discount });
}

export function lineTotal(line: BasketLine): Money {
  return money(
    line.unitPrice.amountMinor * line.quantity - (line.discountMinor ?? 0),
    line.unitPrice.currency,
  );
}

/** The basket as the host keeps it (cart.put). */
export function toCartLines(basket: Basket): {
  lineId: string;
  sku: string | null;
  name: string;
  unitMinor: number;
  quantity: number;
  taxRateBp: number;
  discountMinor: number;
  discountBp?: number;
}[] {
  return basket.lines.map((l) => ({
    lineId: l.key,
    sku: l.code,
    name: l.name || 'Amount',
    unitMinor: l.unitPrice.amountMinor,
    quantity: l.quantity,
    taxRateBp: l.taxRateBp ?? DEFAULT_FREE_AMOUNT_TAX_BP,
    discountMinor: l.discountMinor ?? 0,
    ...(l.discountBp && l.discountMinor ? { discountBp: l.discountBp } : {}),
  }));
}

/** The basket from what the host kept (cart.get). */
export function fromCartLines(
  currency: CurrencyCode,
  lines: readonly {
    lineId: string;
    sku: string | null;
    name: string;
    unitMinor: number;
    quantity: number;
    taxRateBp: number;
    discountMinor?: number;
    discountBp?: number;
  }[],
  discount: BasketDiscount | null = null,
): Basket {
  return {
    currency,
    discount,
    lines: lines.map((l) => ({
      key: l.lineId,
      code: l.sku,
      name: l.sku === null && l.name === 'Amount' ? '' : l.name,
      unitPrice: money(l.unitMinor, currency),
      quantity: l.quantity,
      taxRateBp: l.taxRateBp,
      discountMinor: l.discountMinor ?? 0,
      ...(l.discountBp ? { discountBp: l.discountBp } : {}),
    })),
  };
}

/** What the host sells: catalogue lines by SKU (the host prices them), free amounts as they are. */
export function toCheckoutEntries(
  basket: Basket,
): (
  | { sku: string; quantity: number; discountMinor?: number }
  | { description: string; amountMinor: number; taxRateBp: number; quantity: number; discountMinor?: number }
)[] {
  return basket.lines.map((l) => {
    const discount = l.discountMinor ? { discountMinor: l.discountMinor } : {};
    return l.code !== null
      ? { sku: l.code, quantity: l.quantity, ...discount }
      : {
          description: l.name || 'Amount',
          amountMinor: l.unitPrice.amountMinor,
          taxRateBp: l.taxRateBp ?? DEFAULT_FREE_AMOUNT_TAX_BP,
          quantity: l.quantity,
          ...discount,
        };
  });
}

/** What the basket costs: the lines after their discounts, less a basket discount. */
export function basketTotal(basket: Basket): Money {
  const lines = basket.lines.reduce((acc, l) => add(acc, lineTotal(l)), zero(basket.currency));
  return subtract(lines, money(basketDiscountMinor(basket), basket.currency));
}

export function itemCount(basket: Basket): number {
  return basket.lines.reduce((n, l) => n + l.quantity, 0);
}

/** Change to hand back, or null when the cash given does not cover what is due. */
export function changeDue(due: Money, given: Money): Money | null {
  return compare(given, due) < 0 ? null : subtract(given, due);
}

export interface QuickCash {
  readonly label: 'exact' | 'note';
  readonly amount: Money;
  /** A note smaller than what is due cannot pay it; the button stays in place, disabled (no layout shift). */
  readonly enough: boolean;
}

/** Exact, then the notes 5, 10, 20, 50 in the currency's major unit (issue 10). */
export function quickCashAmounts(due: Money, notes: readonly number[] = [5, 10, 20, 50]): QuickCash[] {
  const unit = 10 ** currencyExponent(due.currency);
  return [
    { label: 'exact', amount: due, enough: due.amountMinor > 0 },
    ...notes.map((n) => {
      const amount = money(n * unit, due.currency);
      return { label: 'note' as const, amount, enough: compare(amount, due) >= 0 && due.amountMinor > 0 };
    }),
  ];
}

/** Split tender: what is left for the card after the cash part; null when the cash part is not below the total. */
export function cardPartOfSplit(due: Money, cashPart: Money): Money | null {
  if (cashPart.amountMinor <= 0 || compare(cashPart, due) >= 0) return null;
  return subtract(due, cashPart);
}
