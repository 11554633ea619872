import { describe, expect, it } from 'vitest';
import {
  emptyEntry,
  entryAmount,
  entryFromMoney,
  keypadKeyFromKeyboard,
  pressKey,
  type AmountEntry,
  type KeypadKey,
} from '../../../src-renderer/input/amount-entry';
import { money } from '../../../src-shared/money';

const press = (entry: AmountEntry, keys: KeypadKey[]) => keys.reduce(pressKey, entry);

describe('amount entry on the keypad', () => {
  it('German cashier types 1 2 , 5 0: the display shows 12,50 and the amount is 1250 cents', () => {
    const e = press(emptyEntry('EUR', 'de-DE'), ['1', '2', 'decimal', '5', '0']);
    expect(e.text).toBe('12,50');
    expect(entryAmount(e)).toEqual({ ok: true, value: money(1250, 'EUR') });
  });

  it('English cashier gets a point as the separator', () => {
    const e = press(emptyEntry('EUR', 'en-GB'), ['decimal', '5']);
    expect(e.text).toBe('0.5');
    expect(entryAmount(e)).toEqual({ ok: true, value: money(50, 'EUR') });
  });

  it('refuses a third decimal in EUR, a second separator, and any decimal in JPY', () => {
    const e = press(emptyEntry('EUR', 'de-DE'), ['1', 'decimal', '2', '5']);
    expect(pressKey(e, '9')).toBe(e);
    expect(pressKey(e, 'decimal')).toBe(e);
    const yen = press(emptyEntry('JPY', 'en-GB'), ['5', '0', '0']);
    expect(pressKey(yen, 'decimal')).toBe(yen);
    expect(entryAmount(yen)).toEqual({ ok: true, value: money(500, 'JPY') });
  });

  it('no leading zeros, 00 adds two zeros, back and clear edit the display', () => {
    expect(press(emptyEntry('EUR', 'en-GB'), ['0', '0', '7']).text).toBe('7');
    expect(press(emptyEntry('EUR', 'en-GB'), ['5', '00']).text).toBe('500');
    expect(press(emptyEntry('EUR', 'en-GB'), ['5', '00', 'back']).text).toBe('50');
    expect(press(emptyEntry('EUR', 'en-GB'), ['5', 'clear']).text).toBe('');
  });

  it('an amount with more digits than a till takes is refused key by key, not overflowed', () => {
    const e = press(emptyEntry('EUR', 'en-GB'), Array<KeypadKey>(20).fill('9'));
    expect(e.text).toBe('999999999999');
  });

  it('an empty entry is an error that says so', () => {
    const r = entryAmount(emptyEntry('EUR', 'de-DE'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('MONEY_INPUT_INVALID');
  });

  it('maps the number block, comma, point, Backspace and Escape', () => {
    expect(['7', ',', '.', 'Backspace', 'Escape', 'a'].map(keypadKeyFromKeyboard)).toEqual([
      '7',
      'decimal',
      'decimal',
      'back',
      'clear',
      null,
    ]);
  });

  it('shows an existing amount in the locale, and it reads back as the same amount', () => {
    const e = entryFromMoney(money(2995, 'EUR'), 'de-DE');
    expect(e.text).toBe('29,95');
    expect(entryAmount(e)).toEqual({ ok: true, value: money(2995, 'EUR') });
  });
});
