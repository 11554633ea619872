/**
 * Money typed on the counter's numeric keypad (on screen or the keyboard's number block). The entry is the
 * text the cashier sees, in the display locale ("12,50" in German, "12.50" in English); its value comes from
 * src-shared's parseMoney on that text, so the amount is exact (never parseFloat) and the same rules apply
 * as everywhere else. Keys that would make the text invalid (a second decimal separator, a third decimal
 * place in EUR, more digits than an amount can have) are refused here, so the display never shows an amount
 * the till would not take.
 */
import { currencyExponent, type CurrencyCode } from '../../src-shared/currencies';
import type { DomainError } from '../../src-shared/errors';
import { parseMoney, toDecimalString, type Money } from '../../src-shared/money';
import type { Result } from '../../src-shared/result';

export type KeypadKey =
  '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '00' | 'decimal' | 'back' | 'clear';

export interface AmountEntry {
  readonly text: string;
  readonly currency: CurrencyCode;
  readonly locale: string;
}

/** Twelve integer digits (a billion in EUR) is more than any counter sale; longer is a key held down. */
const MAX_INTEGER_DIGITS = 12;

export function emptyEntry(currency: CurrencyCode, locale: string): AmountEntry {
  return { text: '', currency, locale };
}

export function decimalSeparator(locale: string): string {
  return new Intl.NumberFormat(locale).formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.';
}

/** Applies one key; returns the same object when the key is refused, so callers can signal it. */
export function pressKey(entry: AmountEntry, key: KeypadKey): AmountEntry {
  const sep = decimalSeparator(entry.locale);
  const exponent = currencyExponent(entry.currency);
  const [integer = '', fraction] = entry.text.split(sep);
  if (key === 'clear') return entry.text === '' ? entry : { ...entry, text: '' };
  if (key === 'back') return entry.text === '' ? entry : { ...entry, text: entry.text.slice(0, -1) };
  if (key === 'decimal') {
    if (exponent === 0 || fraction !== undefined) return entry;
    return { ...entry, text: (integer === '' ? '0' : integer) + sep };
  }
  const digits = key;
  if (fraction !== undefined) {
    if (fraction.length + digits.length > exponent) return entry;
    return { ...entry, text: entry.text + digits };
  }
  // No leading zeros in the integer part: "0" then "5" is "5", and "00" on an empty entry is "0".
  const nextInteger = (integer === '0' ? '' : integer) + digits;
  const normalised = nextInteger.replace(/^0+(?=\d)/, '');
  if (normalised.length > MAX_INTEGER_DIGITS) return entry;
  return { ...entry, text: normalised };
}

/** Maps a keyboard key (KeyboardEvent.key) to a keypad key, or null when it is not one. */
export function keypadKeyFromKeyboard(key: string): KeypadKey | null {
  if (/^[0-9]$/.test(key)) return key as KeypadKey;
  if (key === '.' || key === ',' || key === 'Decimal') return 'decimal';
  if (key === 'Backspace') return 'back';
  if (key === 'Escape' || key === 'Delete') return 'clear';
  return null;
}

/** The amount typed so far; an empty entry or a bare separator is an error naming what is missing. */
export function entryAmount(entry: AmountEntry): Result<Money, DomainError> {
  return parseMoney(entry.text, entry.currency, { locale: entry.locale });
}

/** The entry showing an amount (for "exact" or editing a line's price). */
export function entryFromMoney(m: Money, locale: string): AmountEntry {
  const sep = decimalSeparator(locale);
  return { text: toDecimalString(m).replace('.', sep), currency: m.currency, locale };
}
