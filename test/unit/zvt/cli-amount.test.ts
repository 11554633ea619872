/** The technician CLI's amount reading (issue 7): both unambiguous forms, the ambiguous one decided or refused. */
import { describe, expect, test } from 'vitest';
import { localeFromEnv, parseCliAmount } from '../../../src-main/zvt/cli/amount';

const minor = (text: string, o = {}) => {
  const r = parseCliAmount(text, 'EUR', o);
  return r.ok ? r.value.amountMinor : r.error.code;
};

describe('technician CLI amounts', () => {
  test('German and English grouping are both taken whatever the machine locale', () => {
    for (const envLocale of [undefined, 'en-US', 'de-DE', 'fr-FR']) {
      expect(minor('1.234,56', { envLocale }), `LANG ${envLocale}`).toBe(123456);
      expect(minor('1,234.56', { envLocale }), `LANG ${envLocale}`).toBe(123456);
      expect(minor('12,50', { envLocale })).toBe(1250);
      expect(minor('12.50', { envLocale })).toBe(1250);
      expect(minor('7', { envLocale })).toBe(700);
    }
    expect(minor('1 234,56', { envLocale: 'fr-FR' })).toBe(123456);
  });

  test('a form that reads two ways is decided by the machine locale, or refused with what to type', () => {
    expect(minor('1.234', { envLocale: 'de-DE' })).toBe(123400);
    expect(minor('1.234', { envLocale: 'en-US' })).toBe('MONEY_TOO_MANY_DECIMALS');
    expect(minor('1,234', { envLocale: 'en-US' })).toBe(123400);
    const r = parseCliAmount('1.234', 'EUR');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.message).toContain('1234.00 EUR');
      expect(r.error.message).toContain('--locale de-DE');
    }
  });

  test('--locale reads in that locale only', () => {
    expect(minor('1.234,56', { locale: 'de-DE' })).toBe(123456);
    expect(minor('1.234,56', { locale: 'en-US' })).toBe('MONEY_INPUT_INVALID');
    expect(minor('1.234', { locale: 'de-DE' })).toBe(123400);
    expect(minor('5', { locale: 'not a locale!' })).toBe('MONEY_INPUT_INVALID');
  });

  test('zero and negative amounts are refused in the units typed, not in cents', () => {
    const r = parseCliAmount('-5', 'EUR');
    expect(!r.ok && r.error).toMatchObject({ code: 'AMOUNT_NOT_POSITIVE' });
    expect(!r.ok && r.error.message).toBe('Amount must be greater than zero; got -5.');
    expect(minor('0,00')).toBe('AMOUNT_NOT_POSITIVE');
  });

  test('the machine locale comes from LC_ALL, LC_NUMERIC or LANG; C and POSIX name none', () => {
    expect(localeFromEnv({ LANG: 'de_DE.UTF-8' })).toBe('de-DE');
    expect(localeFromEnv({ LC_ALL: 'fr_FR@euro', LANG: 'de_DE.UTF-8' })).toBe('fr-FR');
    expect(localeFromEnv({ LC_NUMERIC: 'en_GB.UTF-8' })).toBe('en-GB');
    expect(localeFromEnv({ LANG: 'C.UTF-8' })).toBeUndefined();
    expect(localeFromEnv({ LANG: 'POSIX' })).toBeUndefined();
    expect(localeFromEnv({})).toBeUndefined();
  });
});
