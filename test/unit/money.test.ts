import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CURRENCIES,
  add,
  allocate,
  compare,
  currencyByNumericCode,
  currencyExponent,
  currencyNumericCode,
  formatMoney,
  money,
  parseMoney,
  split,
  subtract,
  sum,
  toDecimalString,
  toMoney,
  type CurrencyCode,
} from '../../src-shared';

const parsed = (input: string, currency: string, locale?: string) => {
  const r = parseMoney(input, currency, locale ? { locale } : {});
  if (!r.ok) throw new Error(`expected '${input}' to parse, got ${r.error.code}: ${r.error.message}`);
  return r.value.amountMinor;
};
const failure = (input: string, currency: string, locale?: string) => {
  const r = parseMoney(input, currency, locale ? { locale } : {});
  if (r.ok) throw new Error(`expected '${input}' to be rejected, got ${r.value.amountMinor}`);
  return r.error;
};

describe('currency table', () => {
  it('knows the exponents of 0-, 2-, 3- and 4-decimal currencies', () => {
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('KRW')).toBe(0);
    expect(currencyExponent('ISK')).toBe(0);
    expect(currencyExponent('EUR')).toBe(2);
    expect(currencyExponent('USD')).toBe(2);
    expect(currencyExponent('KWD')).toBe(3);
    expect(currencyExponent('BHD')).toBe(3);
    expect(currencyExponent('TND')).toBe(3);
    expect(currencyExponent('CLF')).toBe(4);
  });

  it('maps numeric codes both ways, as ZVT terminals send them', () => {
    expect(currencyNumericCode('EUR')).toBe(978);
    expect(currencyByNumericCode(978)).toBe('EUR');
    expect(currencyByNumericCode(392)).toBe('JPY');
    expect(currencyByNumericCode(1)).toBeUndefined();
    const numerics = Object.values(CURRENCIES).map(([n]) => n);
    expect(new Set(numerics).size).toBe(numerics.length);
  });

  it('has exponents that agree with the platform Intl data, except where CLDR drops ISO minor units', () => {
    // CLDR formats these with 0 digits because their minor units are unused in cash; ISO 4217 keeps 2 (IQD 3),
    // and card schemes and acquirers follow ISO. Any other disagreement would be a typo in our table.
    const cldrZeroDigits = [
      'AFN',
      'ALL',
      'COP',
      'HUF',
      'IDR',
      'IQD',
      'IRR',
      'KPW',
      'LAK',
      'LBP',
      'MGA',
      'MMK',
      'PKR',
      'SOS',
      'SYP',
      'YER',
    ];
    const disagreements: string[] = [];
    for (const code of Object.keys(CURRENCIES) as CurrencyCode[]) {
      const intl = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions();
      if (intl.maximumFractionDigits !== currencyExponent(code)) disagreements.push(code);
    }
    expect(disagreements.filter((c) => !cldrZeroDigits.includes(c))).toEqual([]);
  });
});

describe('toMoney and money', () => {
  it('rejects unknown currencies, fractions and unsafe integers with their codes', () => {
    expect(toMoney(100, 'EUX')).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CURRENCY' } });
    expect(toMoney(1.5, 'EUR')).toMatchObject({ ok: false, error: { code: 'AMOUNT_NOT_SAFE_INTEGER' } });
    expect(toMoney(2 ** 53, 'EUR')).toMatchObject({ ok: false, error: { code: 'AMOUNT_NOT_SAFE_INTEGER' } });
    expect(toMoney(Number.NaN, 'EUR')).toMatchObject({
      ok: false,
      error: { code: 'AMOUNT_NOT_SAFE_INTEGER' },
    });
    expect(toMoney(-250, 'EUR')).toEqual({ ok: true, value: { amountMinor: -250, currency: 'EUR' } });
    expect(() => money(1.5, 'EUR')).toThrow(/whole number of minor units/);
  });
});

describe('parseMoney', () => {
  it('parses 2-decimal amounts in en-US and de-DE', () => {
    expect(parsed('12.50', 'EUR')).toBe(1250);
    expect(parsed('12.5', 'EUR')).toBe(1250);
    expect(parsed('12', 'EUR')).toBe(1200);
    expect(parsed('.5', 'EUR')).toBe(50);
    expect(parsed('12.', 'EUR')).toBe(1200);
    expect(parsed('1,234.56', 'EUR')).toBe(123456);
    expect(parsed('1,234,567.89', 'USD')).toBe(123456789);
    expect(parsed('12,50', 'EUR', 'de-DE')).toBe(1250);
    expect(parsed('1.234,56', 'EUR', 'de-DE')).toBe(123456);
    expect(parsed('1234,56', 'EUR', 'de-DE')).toBe(123456);
  });

  it('accepts the space and apostrophe groupings of fr-FR and de-CH', () => {
    expect(parsed('1 234,56', 'EUR', 'fr-FR')).toBe(123456);
    expect(parsed('1\u202f234,56', 'EUR', 'fr-FR')).toBe(123456);
    expect(parsed('1\u00a0234,56', 'EUR', 'fr-FR')).toBe(123456);
    expect(parsed("1'234.50", 'CHF', 'de-CH')).toBe(123450);
    expect(parsed('1’234.50', 'CHF', 'de-CH')).toBe(123450);
  });

  it('accepts Indian lakh grouping in en-IN', () => {
    expect(parsed('12,34,567.50', 'INR', 'en-IN')).toBe(123456750);
    expect(failure('1,234,567.50', 'INR', 'en-IN').code).toBe('MONEY_INPUT_INVALID');
  });

  it('parses 0-decimal and 3-decimal currencies', () => {
    expect(parsed('1500', 'JPY')).toBe(1500);
    expect(parsed('1,500', 'JPY')).toBe(1500);
    expect(parsed('12.345', 'KWD')).toBe(12345);
    expect(parsed('12.3', 'KWD')).toBe(12300);
    expect(parsed('0.001', 'BHD')).toBe(1);
    expect(parsed('1.2345', 'CLF')).toBe(12345);
  });

  it('rejects too many decimals with the currency and its exponent', () => {
    const e = failure('12.345', 'EUR');
    expect(e.code).toBe('MONEY_TOO_MANY_DECIMALS');
    expect(e.message).toBe("'12.345' has 3 decimal places, but EUR has 2. Round to 2 places.");
    expect(failure('100.5', 'JPY').code).toBe('MONEY_TOO_MANY_DECIMALS');
    expect(failure('1.0001', 'KWD').code).toBe('MONEY_TOO_MANY_DECIMALS');
    expect(failure('12,345', 'EUR', 'de-DE').code).toBe('MONEY_TOO_MANY_DECIMALS');
  });

  it('refuses a decimal point where the locale groups thousands, instead of guessing', () => {
    const e = failure('12.5', 'EUR', 'de-DE');
    expect(e.code).toBe('MONEY_INPUT_INVALID');
    expect(e.message).toContain("write decimals with ','");
    expect(failure('12,5', 'EUR', 'en-US').message).toContain("write decimals with '.'");
  });

  it('parses negative amounts, with ASCII or Unicode minus', () => {
    expect(parsed('-12.50', 'EUR')).toBe(-1250);
    expect(parsed('\u221212.50', 'EUR')).toBe(-1250);
    expect(parsed('- 3', 'EUR')).toBe(-300);
    expect(parsed('+3', 'EUR')).toBe(300);
    expect(parsed('-0', 'EUR')).toBe(0);
    expect(Object.is(parsed('-0.00', 'EUR'), -0)).toBe(false);
    expect(failure('--3', 'EUR').code).toBe('MONEY_INPUT_INVALID');
  });

  it('accepts the currency code or symbol around the number, and refuses another currency', () => {
    expect(parsed('EUR 12.50', 'EUR')).toBe(1250);
    expect(parsed('12.50 eur', 'EUR')).toBe(1250);
    expect(parsed('€12.50', 'EUR')).toBe(1250);
    expect(parsed('12,50 €', 'EUR', 'de-DE')).toBe(1250);
    expect(parsed('-€12.50', 'EUR')).toBe(-1250);
    expect(failure('USD 12.50', 'EUR').message).toContain('it is in USD, not EUR');
  });

  it('handles huge amounts up to the safe-integer limit and refuses beyond it', () => {
    expect(parsed('90,071,992,547,409.91', 'EUR')).toBe(Number.MAX_SAFE_INTEGER);
    expect(parsed('9007199254740991', 'JPY')).toBe(Number.MAX_SAFE_INTEGER);
    const e = failure('90071992547409.92', 'EUR');
    expect(e.code).toBe('AMOUNT_OUT_OF_RANGE');
    expect(e.message).toContain('90071992547409.91');
    expect(failure('1e6', 'EUR').code).toBe('MONEY_INPUT_INVALID');
    expect(failure('99999999999999999999999999', 'KWD').code).toBe('AMOUNT_OUT_OF_RANGE');
  });

  it('rejects garbage with a reason', () => {
    for (const input of [
      '',
      '   ',
      'abc',
      '12a',
      '1.2.3',
      '12..5',
      '$',
      '-',
      'NaN',
      'Infinity',
      '0x10',
      '1_000',
    ]) {
      const e = failure(input, 'EUR');
      expect(e.code, input).toMatch(/^MONEY_INPUT_INVALID|MONEY_TOO_MANY_DECIMALS$/);
      expect(e.message.length, input).toBeGreaterThan(10);
    }
    expect(failure('1,23', 'EUR').message).toContain('groups digits by 3');
    expect(failure('12', 'XYZ').code).toBe('UNKNOWN_CURRENCY');
  });

  it('parses full-width digits typed through an IME', () => {
    expect(parsed('１２．５０', 'EUR')).toBe(1250);
  });

  it('round-trips every amount through its decimal string (property)', () => {
    const codes = Object.keys(CURRENCIES) as CurrencyCode[];
    fc.assert(
      fc.property(
        fc.constantFrom(...codes),
        fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
        (currency, amountMinor) => {
          const text = toDecimalString({ amountMinor, currency });
          const back = parseMoney(text, currency);
          expect(back).toEqual({ ok: true, value: { amountMinor, currency } });
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('round-trips formatted amounts in several locales (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('en-US', 'de-DE', 'fr-FR', 'de-CH', 'en-IN', 'ja-JP'),
        fc.constantFrom<CurrencyCode>('EUR', 'JPY', 'KWD', 'USD'),
        fc.integer({ min: -1e12, max: 1e12 }),
        (locale, currency, amountMinor) => {
          const text = formatMoney({ amountMinor, currency }, locale);
          expect(parseMoney(text, currency, { locale })).toEqual({
            ok: true,
            value: { amountMinor, currency },
          });
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('arithmetic', () => {
  it('adds, subtracts and compares within one currency', () => {
    expect(add(money(150, 'EUR'), money(250, 'EUR'))).toEqual(money(400, 'EUR'));
    expect(subtract(money(150, 'EUR'), money(250, 'EUR'))).toEqual(money(-100, 'EUR'));
    expect(compare(money(1, 'EUR'), money(2, 'EUR'))).toBe(-1);
    expect(sum([money(1, 'JPY'), money(2, 'JPY')], 'JPY')).toEqual(money(3, 'JPY'));
  });

  it('refuses to mix currencies', () => {
    expect(() => add(money(1, 'EUR'), money(1, 'USD'))).toThrow(/does not match/);
    expect(() => compare(money(1, 'EUR'), money(1, 'USD'))).toThrow(/does not match/);
  });

  it('refuses results beyond the safe-integer range', () => {
    expect(() => add(money(Number.MAX_SAFE_INTEGER, 'EUR'), money(1, 'EUR'))).toThrow(/whole number/);
    expect(() => subtract(money(-Number.MAX_SAFE_INTEGER, 'EUR'), money(1, 'EUR'))).toThrow(/whole number/);
  });

  it('formats at the edge with Intl, from the exact decimal string', () => {
    expect(formatMoney(money(123456, 'EUR'), 'de-DE')).toBe('1.234,56\u00a0€');
    expect(formatMoney(money(1500, 'JPY'), 'en-US')).toBe('¥1,500');
    expect(formatMoney(money(12345, 'KWD'), 'en-US')).toBe('KWD\u00a012.345');
    expect(formatMoney(money(Number.MAX_SAFE_INTEGER, 'EUR'), 'en-US')).toBe('€90,071,992,547,409.91');
    expect(toDecimalString(money(-5, 'EUR'))).toBe('-0.05');
    expect(toDecimalString(money(7, 'KWD'))).toBe('0.007');
  });
});

describe('allocation', () => {
  it('splits 100.00 three ways into parts that sum to 100.00', () => {
    expect(split(money(10000, 'EUR'), 3).map((m) => m.amountMinor)).toEqual([3334, 3333, 3333]);
    expect(split(money(-10000, 'EUR'), 3).map((m) => m.amountMinor)).toEqual([-3334, -3333, -3333]);
    expect(allocate(money(100, 'EUR'), [1, 0, 1]).map((m) => m.amountMinor)).toEqual([50, 0, 50]);
    expect(allocate(money(5, 'JPY'), [70, 20, 10]).map((m) => m.amountMinor)).toEqual([4, 1, 0]);
  });

  it('refuses weights that cannot allocate', () => {
    expect(() => allocate(money(100, 'EUR'), [])).toThrow();
    expect(() => allocate(money(100, 'EUR'), [0, 0])).toThrow(/zero/);
    expect(() => allocate(money(100, 'EUR'), [1, -1])).toThrow();
    expect(() => allocate(money(100, 'EUR'), [0.5, 0.5])).toThrow();
  });

  it('always sums to the total, each part within one unit of its exact share (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
        fc
          .array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 12 })
          .filter((w) => w.some((x) => x > 0)),
        (amount, weights) => {
          const parts = allocate(money(amount, 'EUR'), weights);
          const total = parts.reduce((a, p) => a + BigInt(p.amountMinor), 0n);
          expect(total).toBe(BigInt(amount));
          const weightSum = weights.reduce((a, w) => a + w, 0);
          parts.forEach((p, i) => {
            const exact = (Number(amount) * (weights[i] ?? 0)) / weightSum;
            expect(Math.abs(p.amountMinor - exact)).toBeLessThanOrEqual(1 + Math.abs(exact) * 1e-12);
          });
        },
      ),
      { numRuns: 3000 },
    );
  });
});
