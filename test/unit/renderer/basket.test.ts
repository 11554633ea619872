import { describe, expect, it } from 'vitest';
import {
  addItem,
  basketTotal,
  cardPartOfSplit,
  changeDue,
  emptyBasket,
  itemCount,
  MAX_QUANTITY,
  quickCashAmounts,
  setQuantity,
} from '../../../src-renderer/basket';
import { money } from '../../../src-shared/money';

const coffee = { code: '4006381333931', name: 'Coffee', unitPrice: money(399, 'EUR') };
const milk = { code: '4000417025005', name: 'Milk', unitPrice: money(119, 'EUR') };

describe('basket', () => {
  it('scanning the same item twice makes one line with quantity 2, and the total follows', () => {
    let b = addItem(emptyBasket('EUR'), coffee);
    b = addItem(b, milk);
    b = addItem(b, coffee);
    expect(b.lines.map((l) => [l.name, l.quantity])).toEqual([
      ['Coffee', 2],
      ['Milk', 1],
    ]);
    expect(basketTotal(b)).toEqual(money(917, 'EUR'));
    expect(itemCount(b)).toBe(3);
  });

  it('free amounts are separate lines even when equal', () => {
    const free = { code: null, name: 'Amount', unitPrice: money(500, 'EUR') };
    const b = addItem(addItem(emptyBasket('EUR'), free), free);
    expect(b.lines).toHaveLength(2);
    expect(new Set(b.lines.map((l) => l.key)).size).toBe(2);
  });

  it('quantity 0 removes the line; a runaway quantity is held at the maximum', () => {
    const b = addItem(emptyBasket('EUR'), coffee);
    expect(setQuantity(b, coffee.code, 0).lines).toEqual([]);
    expect(setQuantity(b, coffee.code, 100_000).lines[0]?.quantity).toBe(MAX_QUANTITY);
  });

  it('change due is exact, and null when the cash does not cover the total', () => {
    expect(changeDue(money(917, 'EUR'), money(2000, 'EUR'))).toEqual(money(1083, 'EUR'));
    expect(changeDue(money(917, 'EUR'), money(917, 'EUR'))).toEqual(money(0, 'EUR'));
    expect(changeDue(money(917, 'EUR'), money(500, 'EUR'))).toBeNull();
  });

  it('quick cash: exact, 5, 10, 20, 50; notes below the total are shown but cannot be used', () => {
    const q = quickCashAmounts(money(917, 'EUR'));
    expect(q.map((x) => [x.amount.amountMinor, x.enough])).toEqual([
      [917, true],
      [500, false],
      [1000, true],
      [2000, true],
      [5000, true],
    ]);
    expect(quickCashAmounts(money(500, 'JPY')).map((x) => x.amount.amountMinor)).toEqual([
      500, 5, 10, 20, 50,
    ]);
  });

  it('split: the card pays what the cash part leaves; a cash part covering everything is not a split', () => {
    expect(cardPartOfSplit(money(5000, 'EUR'), money(2000, 'EUR'))).toEqual(money(3000, 'EUR'));
    expect(cardPartOfSplit(money(5000, 'EUR'), money(5000, 'EUR'))).toBeNull();
    expect(cardPartOfSplit(money(5000, 'EUR'), money(0, 'EUR'))).toBeNull();
  });
});
