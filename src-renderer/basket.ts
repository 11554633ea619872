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
}

/** The tax rate of an amount keyed on the keypad (the standard rate; decision in docs/app.md). */
export const DEFAULT_FREE_AMOUNT_TAX_BP = 1900;

export interface Basket {
  readonly currency: CurrencyCode;
  readonly lines: readonly BasketLine[];
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

/** Quantity 0 removes the line; anything above MAX_QUANTITY is held at it (a key held down is not a sale). */
export function setQuantity(basket: Basket, key: string, quantity: number): Basket {
  if (quantity <= 0) return removeLine(basket, key);
  return {
    ...basket,
    lines: basket.lines.map((l) => (l.key === key ? { ...l, quantity: clampQuantity(quantity) } : l)),
  };
}

export function removeLine(basket: Basket, key: string): Basket {
  return { ...basket, lines: basket.lines.filter((l) => l.key !== key) };
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
}[] {
  return basket.lines.map((l) => ({
    lineId: l.key,
    sku: l.code,
    name: l.name || 'Amount',
    unitMinor: l.unitPrice.amountMinor,
    quantity: l.quantity,
    taxRateBp: l.taxRateBp ?? DEFAULT_FREE_AMOUNT_TAX_BP,
    discountMinor: l.discountMinor ?? 0,
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
  }[],
): Basket {
  return {
    currency,
    lines: lines.map((l) => ({
      key: l.lineId,
      code: l.sku,
      name: l.sku === null && l.name === 'Amount' ? '' : l.name,
      unitPrice: money(l.unitMinor, currency),
      quantity: l.quantity,
      taxRateBp: l.taxRateBp,
      discountMinor: l.discountMinor ?? 0,
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

export function basketTotal(basket: Basket): Money {
  return basket.lines.reduce((acc, l) => add(acc, lineTotal(l)), zero(basket.currency));
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
