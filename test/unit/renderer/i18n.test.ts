import { describe, expect, it } from 'vitest';
import { de } from '../../../src-renderer/i18n/de';
import { en } from '../../../src-renderer/i18n/en';
import { translator } from '../../../src-renderer/i18n/i18n';
import { money } from '../../../src-shared/money';

describe('i18n', () => {
  it('every English text has a German one, and placeholders match', () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(de[key], key).toBeTruthy();
      expect(names(de[key]), key).toEqual(names(en[key]));
    }
  });

  it('amounts in the cashier locale, from the exact minor units', () => {
    expect(translator('de').amount(money(123456, 'EUR'))).toBe('1.234,56\u00a0€');
    expect(translator('en').amount(money(123456, 'EUR'))).toBe('€1,234.56');
  });

  it('fills placeholders, numbers in the locale', () => {
    expect(translator('de').t('status.queued', { count: 1200 })).toBe('1.200 in der Warteschlange');
    expect(translator('en').t('sale.items', { count: 3 })).toBe('3 items');
  });

  it('dates and ages through Intl', () => {
    const at = new Date('2026-11-26T09:05:00Z');
    expect(translator('de').dateTime(at)).toMatch(/26\.11\.26/);
    const now = new Date('2026-11-26T09:20:00Z');
    expect(translator('en').age(at, now)).toBe('15 minutes ago');
    expect(translator('de').age(at, now)).toBe('vor 15 Minuten');
  });
});
