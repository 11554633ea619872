/**
 * Money: an integer number of minor units and its ISO 4217 currency, always together (style.md "Money").
 * Amounts are JS numbers restricted to safe integers (±9,007,199,254,740,991 minor units, i.e. about
 * 90 trillion EUR), which keeps them JSON-native; every constructor and every arithmetic result is checked.
 * Never floats: user input is parsed from its decimal string, and formatting passes a decimal string to Intl.
 */
import { currencyExponent, isCurrencyCode, type CurrencyCode } from './currencies';
import { DomainException, domainError, type DomainError } from './errors';
import { err, ok, type Result } from './result';

export interface Money {
  readonly amountMinor: number;
  readonly currency: CurrencyCode;
}

export type { CurrencyCode } from './currencies';

/** Validates a wire or database value into Money. */
export function toMoney(amountMinor: number, currency: string): Result<Money, DomainError> {
  if (!isCurrencyCode(currency)) return err(domainError('UNKNOWN_CURRENCY', { currency }));
  if (!Number.isSafeInteger(amountMinor))
    return err(domainError('AMOUNT_NOT_SAFE_INTEGER', { amount: amountMinor }));
  return ok({ amountMinor: amountMinor === 0 ? 0 : amountMinor, currency });
}

/** Money from trusted values (code literals, already-validated rows); throws on a bug. */
export function money(amountMinor: number, currency: CurrencyCode | string): Money {
  const r = toMoney(amountMinor, currency);
  if (!r.ok) throw new DomainException(r.error);
  return r.value;
}

export const zero = (currency: CurrencyCode): Money => ({ amountMinor: 0, currency });

function checkedResult(amountMinor: number, currency: CurrencyCode): Money {
  if (!Number.isSafeInteger(amountMinor)) {
    throw new DomainException(domainError('AMOUNT_NOT_SAFE_INTEGER', { amount: amountMinor }));
  }
  return { amountMinor: amountMinor === 0 ? 0 : amountMinor, currency };
}

function sameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) {
    throw new DomainException(domainError('CURRENCY_MISMATCH', { expected: a.currency, actual: b.currency }));
  }
}

/** Arithmetic across currencies is a bug in the caller (the ledger checks currencies first), so it throws. */
export function add(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return checkedResult(a.amountMinor + b.amountMinor, a.currency);
}

export function subtract(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return checkedResult(a.amountMinor - b.amountMinor, a.currency);
}

export function negate(a: Money): Money {
  return checkedResult(-a.amountMinor, a.currency);
}

export function sum(items: readonly Money[], currency: CurrencyCode): Money {
  return items.reduce((acc, m) => add(acc, m), zero(currency));
}

export function compare(a: Money, b: Money): -1 | 0 | 1 {
  sameCurrency(a, b);
  return a.amountMinor < b.amountMinor ? -1 : a.amountMinor > b.amountMinor ? 1 : 0;
}

export const equals = (a: Money, b: Money): boolean =>
  a.currency === b.currency && a.amountMinor === b.amountMinor;
export const isZero = (a: Money): boolean => a.amountMinor === 0;
export const isPositive = (a: Money): boolean => a.amountMinor > 0;
export const isNegative = (a: Money): boolean => a.amountMinor < 0;
export const min = (a: Money, b: Money): Money => (compare(a, b) <= 0 ? a : b);
export const max = (a: Money, b: Money): Money => (compare(a, b) >= 0 ? a : b);

/**
 * Splits `total` by integer weights with the largest-remainder method: every part is the floor of its exact
 * share, and the minor units left over go one each to the parts with the largest remainders (earlier parts
 * win ties). The parts always sum to the total; 100.00 split three ways is 33.34 + 33.33 + 33.33.
 */
export function allocate(total: Money, weights: readonly number[]): Money[] {
  if (weights.length === 0) throw new RangeError('allocate needs at least one weight');
  for (const w of weights) {
    if (!Number.isSafeInteger(w) || w < 0)
      throw new RangeError(`allocation weight ${w} is not a whole number ≥ 0`);
  }
  const weightSum = weights.reduce((a, w) => a + BigInt(w), 0n);
  if (weightSum === 0n) throw new RangeError('allocation weights sum to zero');
  const sign = total.amountMinor < 0 ? -1n : 1n;
  const amount = BigInt(total.amountMinor) * sign;
  // BigInt keeps amount × weight exact even when both are large safe integers.
  const shares = weights.map((w, index) => {
    const exact = amount * BigInt(w);
    return { index, floor: exact / weightSum, remainder: exact % weightSum };
  });
  let left = amount - shares.reduce((a, s) => a + s.floor, 0n);
  const byRemainder = [...shares].sort((x, y) =>
    x.remainder === y.remainder ? x.index - y.index : x.remainder > y.remainder ? -1 : 1,
  );
  for (const s of byRemainder) {
    // The leftover is the sum of remainders ÷ weightSum, so it never exceeds the parts with a remainder.
    if (left === 0n) break;
    s.floor += 1n;
    left -= 1n;
  }
  return shares.map((s) => checkedResult(Number(s.floor * sign), total.currency));
}

/** Splits into `parts` near-equal parts that sum to the total. */
export function split(total: Money, parts: number): Money[] {
  if (!Number.isSafeInteger(parts) || parts < 1) throw new RangeError(`cannot split into ${parts} parts`);
  return allocate(
    total,
    Array.from({ length: parts }, () => 1),
  );
}

/** Exact decimal representation, no grouping: 1250 EUR → "12.50", -5 EUR → "-0.05", 100 JPY → "100". */
export function toDecimalString(m: Money): string {
  const exponent = currencyExponent(m.currency);
  const digits = Math.abs(m.amountMinor)
    .toString()
    .padStart(exponent + 1, '0');
  const sign = m.amountMinor < 0 ? '-' : '';
  if (exponent === 0) return sign + digits;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/** For display at the UI edge and on receipts only. */
export function formatMoney(m: Money, locale = 'en-US'): string {
  const exponent = currencyExponent(m.currency);
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: m.currency,
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
  }).format(toDecimalString(m) as `${number}`);
}

// ── Parsing what a person typed ───────────────────────────────────────────────────────────────────

interface LocaleNumberStyle {
  decimal: string;
  group: string;
  /** Digits per group counted from the right: [3] for 1,234,567; [3, 2] for en-IN's 12,34,567. */
  groupSizes: readonly [number, number];
}

const styleCache = new Map<string, LocaleNumberStyle>();

function localeNumberStyle(locale: string): LocaleNumberStyle {
  const cached = styleCache.get(locale);
  if (cached) return cached;
  const parts = new Intl.NumberFormat(locale, { useGrouping: true }).formatToParts(1234567.5);
  const decimal = parts.find((p) => p.type === 'decimal')?.value ?? '.';
  const group = parts.find((p) => p.type === 'group')?.value ?? '';
  const integerGroups = parts.filter((p) => p.type === 'integer').map((p) => p.value.length);
  const primary = integerGroups.at(-1) ?? 3;
  const secondary = integerGroups.length > 2 ? (integerGroups.at(-2) ?? primary) : primary;
  const style: LocaleNumberStyle = { decimal, group, groupSizes: [primary, secondary] };
  styleCache.set(locale, style);
  return style;
}

const SPACES = /[\s\u00a0\u202f\u2009]/;
const APOSTROPHES = /['\u2019]/;

function isGroupChar(ch: string, style: LocaleNumberStyle): boolean {
  if (ch === style.group) return true;
  if (SPACES.test(style.group) && SPACES.test(ch)) return true;
  if (APOSTROPHES.test(style.group) && APOSTROPHES.test(ch)) return true;
  return false;
}

function describeChar(ch: string): string {
  if (SPACES.test(ch)) return 'a space';
  return `'${ch}'`;
}

function currencySymbols(currency: CurrencyCode, locale: string): string[] {
  const found = new Set<string>([currency]);
  for (const display of ['symbol', 'narrowSymbol'] as const) {
    const parts = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      currencyDisplay: display,
    }).formatToParts(1);
    const symbol = parts.find((p) => p.type === 'currency')?.value;
    if (symbol) found.add(symbol.normalize('NFKC'));
  }
  return [...found].sort((a, b) => b.length - a.length);
}

export interface ParseMoneyOptions {
  /** BCP 47 locale whose decimal and group separators the input uses; default en-US. */
  locale?: string;
}

/**
 * Parses an amount as a person types it, in the currency given: `"12,50"` (de-DE), `"1,234.56"` (en-US),
 * `"1 234,56"` (fr-FR), `"1'234.50"` (de-CH), `"-3"`, `"EUR 12.50"`, `"12.50 €"`. Errors say what was wrong:
 * too many decimals for the currency, a separator in the wrong place, an amount too large to represent.
 */
export function parseMoney(
  input: string,
  currency: string,
  options: ParseMoneyOptions = {},
): Result<Money, DomainError> {
  if (!isCurrencyCode(currency)) return err(domainError('UNKNOWN_CURRENCY', { currency }));
  const locale = options.locale ?? 'en-US';
  const style = localeNumberStyle(locale);
  const exponent = currencyExponent(currency);
  const invalid = (reason: string) => err(domainError('MONEY_INPUT_INVALID', { input, reason }));

  // NFKC folds full-width digits and compatibility spaces; the minus sign (U+2212) is folded by hand.
  let s = input
    .normalize('NFKC')
    .replace(/\u2212/g, '-')
    .trim();
  if (s === '') return invalid('it is empty');

  let negative = false;
  const takeSign = () => {
    if (s.startsWith('-') || s.startsWith('+')) {
      if (negative || s.length === 1) return false;
      negative = s.startsWith('-');
      s = s.slice(1).trim();
    }
    return true;
  };
  takeSign();
  for (const symbol of currencySymbols(currency, locale)) {
    if (s.toUpperCase().startsWith(symbol.toUpperCase())) {
      s = s.slice(symbol.length).trim();
      break;
    }
    if (s.toUpperCase().endsWith(symbol.toUpperCase())) {
      s = s.slice(0, -symbol.length).trim();
      break;
    }
  }
  if (!takeSign()) return invalid('it has two signs');
  const otherCode = /^[A-Za-z]{3}\s*|\s*[A-Za-z]{3}$/.exec(s);
  if (otherCode) {
    const code = otherCode[0].trim().toUpperCase();
    return invalid(
      isCurrencyCode(code)
        ? `it is in ${code}, not ${currency}`
        : `'${otherCode[0].trim()}' is not part of a number`,
    );
  }
  if (s === '') return invalid('it has no digits');

  const decimalAt = s.indexOf(style.decimal);
  if (decimalAt !== s.lastIndexOf(style.decimal)) {
    return invalid(`it has more than one decimal separator '${style.decimal}'`);
  }
  const integerText = decimalAt === -1 ? s : s.slice(0, decimalAt);
  const fractionText = decimalAt === -1 ? '' : s.slice(decimalAt + 1);

  for (const ch of fractionText) {
    if (ch < '0' || ch > '9') {
      return invalid(`${describeChar(ch)} after the decimal separator '${style.decimal}' is not a digit`);
    }
  }

  // Integer part: digits, optionally grouped with the locale's separator in the locale's group sizes.
  const groups: string[] = [''];
  for (const ch of integerText) {
    if (ch >= '0' && ch <= '9') groups[groups.length - 1] += ch;
    else if (isGroupChar(ch, style)) groups.push('');
    else if (ch === '.' || ch === ',') {
      return invalid(
        `'${ch}' is not the decimal separator in ${locale}; write decimals with '${style.decimal}'` +
          (style.group ? ` and group thousands with ${describeChar(style.group)} or not at all` : ''),
      );
    } else {
      return invalid(`${describeChar(ch)} is not a digit`);
    }
  }
  if (groups.length > 1) {
    const [primary, secondary] = style.groupSizes;
    const ok =
      groups.every((g) => g.length > 0) &&
      groups.at(-1)?.length === primary &&
      groups.slice(1, -1).every((g) => g.length === secondary) &&
      (groups[0]?.length ?? 0) <= secondary;
    if (!ok) {
      return invalid(
        `${describeChar(style.group)} groups digits by ${primary} in ${locale}` +
          `, so '${integerText}' is ambiguous; write decimals with '${style.decimal}'`,
      );
    }
  }
  const integerDigits = groups.join('');
  if (integerDigits === '' && fractionText === '') return invalid('it has no digits');

  if (fractionText.length > exponent) {
    return err(
      domainError('MONEY_TOO_MANY_DECIMALS', { input, decimals: fractionText.length, currency, exponent }),
    );
  }
  const minorDigits = (integerDigits + fractionText.padEnd(exponent, '0')).replace(/^0+(?=\d)/, '');
  const magnitude = BigInt(minorDigits === '' ? '0' : minorDigits);
  if (magnitude > BigInt(Number.MAX_SAFE_INTEGER)) {
    return err(
      domainError('AMOUNT_OUT_OF_RANGE', {
        input,
        currency,
        max: toDecimalString({ amountMinor: Number.MAX_SAFE_INTEGER, currency }),
      }),
    );
  }
  const amountMinor = Number(magnitude) * (negative ? -1 : 1);
  return ok({ amountMinor: amountMinor === 0 ? 0 : amountMinor, currency });
}
