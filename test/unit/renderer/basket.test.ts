import { describe, expect, it } from 'vitest';
import {
  editLine,
  percentOf,
  addItem,
  basketTotal,
  cardPartOfSplit,
  changeDue,
  emptyBasket,
  itemCount,
  MAX_QUANTITY,
  quickCashAmounts,
  setQuantity,
  lineTotal,
  basketDiscountMinor,
  fromCartLines,
  setBasketDiscount,
  toCartLines,
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

describe('line edits from the keypad', () => {
  const eur = (minor: number) => money(minor, 'EUR');
  const mug = addItem(emptyBasket('EUR'), {
    code: 'MUG',
    name: 'Mug',
    unitPrice: eur(1250),
    taxRateBp: 1900,
  });
  const edited = (b: typeof mug, kind: 'quantity' | 'discount' | 'percent', minor: number, key = 'MUG') => {
    const r = editLine(b, key, { kind, value: eur(minor) });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    return r.basket;
  };

  it('sets the quantity to a whole number from the keypad; a fraction, 0 or too many is refused', () => {
    const b = edited(mug, 'quantity', 300);
    expect(b.lines[0]!.quantity).toBe(3);
    expect(basketTotal(b)).toEqual(eur(3750));
    expect(editLine(mug, 'MUG', { kind: 'quantity', value: eur(250) })).toEqual({
      ok: false,
      error: { reason: 'quantity' },
    });
    expect(editLine(mug, 'MUG', { kind: 'quantity', value: eur(0) }).ok).toBe(false);
    expect(editLine(mug, 'MUG', { kind: 'quantity', value: eur(100_000) }).ok).toBe(false);
    expect(editLine(mug, 'NOPE', { kind: 'quantity', value: eur(100) })).toEqual({
      ok: false,
      error: { reason: 'noLine' },
    });
  });

  it('an amount discount comes off the line; it must leave something to pay; 0 removes it', () => {
    const b = edited(mug, 'discount', 250);
    expect(b.lines[0]!.discountMinor).toBe(250);
    expect(lineTotal(b.lines[0]!)).toEqual(eur(1000));
    expect(editLine(mug, 'MUG', { kind: 'discount', value: eur(1250) })).toEqual({
      ok: false,
      error: { reason: 'discountTooBig', lineMinor: 1250 },
    });
    expect(edited(b, 'discount', 0).lines[0]!.discountMinor).toBe(0);
    // Two mugs, €15 off; back to one mug: the discount no longer fits and goes.
    const two = edited(edited(mug, 'quantity', 200), 'discount', 1500);
    expect(lineTotal(two.lines[0]!)).toEqual(eur(1000));
    expect(setQuantity(two, 'MUG', 1).lines[0]!.discountMinor).toBe(0);
  });

  it('a percentage discount rounds half up to the cent and follows the quantity', () => {
    expect(percentOf(5, 1000)).toBe(1); // 10 % of €0.05 is €0.005 → €0.01
    expect(percentOf(4, 1000)).toBe(0);
    const b = edited(mug, 'percent', 1250); // 12,5 %
    expect(b.lines[0]).toMatchObject({ discountMinor: 156, discountBp: 1250 }); // 156.25 → 156
    expect(lineTotal(b.lines[0]!)).toEqual(eur(1094));
    const three = setQuantity(b, 'MUG', 3);
    expect(three.lines[0]).toMatchObject({ discountMinor: 469, discountBp: 1250 }); // 468.75 → 469
    expect(editLine(mug, 'MUG', { kind: 'percent', value: eur(10_000) }).ok).toBe(false);
    expect(editLine(mug, 'MUG', { kind: 'percent', value: eur(1) }).ok).toBe(true); // 0,01 %
    // An amount discount after a percentage one replaces it (and stops following the quantity).
    expect(edited(b, 'discount', 100).lines[0]).toMatchObject({ discountMinor: 100, discountBp: undefined });
  });

  it('in yen, the keypad number is whole: 10 is 10 %', () => {
    const yen = addItem(emptyBasket('JPY'), { code: 'T', name: 'Tea', unitPrice: money(1000, 'JPY') });
    const r = editLine(yen, 'T', { kind: 'percent', value: money(10, 'JPY') });
    expect(r.ok && r.basket.lines[0]!.discountMinor).toBe(100);
  });
});

describe('a discount on the whole basket', () => {
  const build = () => {
    let b = addItem(emptyBasket('EUR'), coffee); // 3.99
    b = addItem(b, milk, 3); // 3.57
    return b;
  };

  it('an amount or a percentage of what the lines charge comes off the total; 0 removes it', () => {
    const b = build();
    const amount = setBasketDiscount(b, 'amount', money(100, 'EUR'));
    if (!amount.ok) throw new Error('refused');
    expect(basketDiscountMinor(amount.basket)).toBe(100);
    expect(basketTotal(amount.basket)).toEqual(money(656, 'EUR'));
    // 12.5 % of 7.56 = 0.945 → 0.95 (half up, as the host rounds it).
    const pct = setBasketDiscount(b, 'percent', money(1_250, 'EUR'));
    if (!pct.ok) throw new Error('refused');
    expect(pct.basket.discount).toEqual({ percentBp: 1_250 });
    expect(basketTotal(pct.basket)).toEqual(money(661, 'EUR'));
    // It follows the lines: one more coffee, 12.5 % of 11.55 = 1.44375 → 1.44.
    expect(basketDiscountMinor(addItem(pct.basket, coffee))).toBe(144);
    const none = setBasketDiscount(pct.basket, 'percent', money(0, 'EUR'));
    expect(none.ok && none.basket.discount).toBeNull();
  });

  it('must leave something to pay; an amount that no longer fits after a line goes is dropped', () => {
    const b = build();
    expect(setBasketDiscount(b, 'amount', money(756, 'EUR'))).toEqual({
      ok: false,
      error: { reason: 'tooBig', subtotalMinor: 756 },
    });
    expect(setBasketDiscount(b, 'percent', money(10_000, 'EUR'))).toMatchObject({ ok: false });
    expect(setBasketDiscount(emptyBasket('EUR'), 'amount', money(100, 'EUR'))).toEqual({
      ok: false,
      error: { reason: 'empty' },
    });
    const five = setBasketDiscount(b, 'amount', money(500, 'EUR'));
    if (!five.ok) throw new Error('refused');
    const withoutMilk = setQuantity(five.basket, milk.code, 0); // 3.99 left: €5.00 no longer fits
    expect(withoutMilk.discount).toBeNull();
    expect(basketTotal(withoutMilk)).toEqual(money(399, 'EUR'));
  });

  it('the host keeps a line percentage as a percentage and the basket discount (cart.put / cart.get)', () => {
    const b = build();
    const ten = editLine(b, coffee.code, { kind: 'percent', value: money(1_000, 'EUR') });
    if (!ten.ok) throw new Error('refused');
    const withBasket = setBasketDiscount(ten.basket, 'amount', money(50, 'EUR'));
    if (!withBasket.ok) throw new Error('refused');
    const lines = toCartLines(withBasket.basket);
    expect(lines[0]).toMatchObject({ discountMinor: 40, discountBp: 1_000 });
    expect(lines[1]).not.toHaveProperty('discountBp');
    const back = fromCartLines('EUR', lines, withBasket.basket.discount ?? null);
    expect(back.lines[0]).toMatchObject({ discountMinor: 40, discountBp: 1_000 });
    expect(back.discount).toEqual({ amountMinor: 50 });
    // Still a percentage after the reload: the quantity changes, the discount follows.
    expect(setQuantity(back, coffee.code, 2).lines[0]?.discountMinor).toBe(80);
  });
});
