import { describe, expect, it } from 'vitest';
import {
  TEST_CARDS,
  cardBrandFromPan,
  isExpired,
  isLuhnValid,
  isPlausiblePan,
  maskPan,
  testCardByPan,
  testCardByToken,
} from '../../src-shared';

describe('cards', () => {
  it('masks all but the first six and last four digits', () => {
    expect(maskPan('4330264936344675')).toBe('433026******4675');
    expect(maskPan('6703000000000000003')).toBe('670300*********0003');
    expect(maskPan('4330 2649 3634 4675')).toBe('433026******4675');
    expect(maskPan('1234')).toBe('****');
  });

  it('guesses the brand from the leading digits', () => {
    expect(cardBrandFromPan('4330264936344675')).toBe('VISA');
    expect(cardBrandFromPan('5555555555554444')).toBe('MASTERCARD');
    expect(cardBrandFromPan('2221000000000009')).toBe('MASTERCARD');
    expect(cardBrandFromPan('374245455400126')).toBe('AMEX');
    expect(cardBrandFromPan('6703000000000000003')).toBe('GIROCARD');
    expect(cardBrandFromPan('9999999999999995')).toBe('UNKNOWN');
  });

  it('treats a card as valid through the last day of its expiry month', () => {
    expect(isExpired('1126', new Date('2026-11-30T23:59:59Z'))).toBe(false);
    expect(isExpired('1126', new Date('2026-12-01T00:00:00Z'))).toBe(true);
    expect(isExpired('1326', new Date('2026-01-01T00:00:00Z'))).toBe(true);
    expect(isExpired('abcd', new Date('2026-01-01T00:00:00Z'))).toBe(true);
  });

  it('has a test-card table of Luhn-valid numbers with unique ids, numbers and tokens', () => {
    for (const c of TEST_CARDS) {
      expect(isLuhnValid(c.pan), c.id).toBe(true);
      expect(isPlausiblePan(c.pan), c.id).toBe(true);
      expect(cardBrandFromPan(c.pan), c.id).toBe(c.brand);
      expect(testCardByPan(c.pan)).toBe(c);
      expect(testCardByToken(c.token)).toBe(c);
    }
    for (const key of ['id', 'pan', 'token'] as const) {
      expect(new Set(TEST_CARDS.map((c) => c[key])).size).toBe(TEST_CARDS.length);
    }
    expect(TEST_CARDS.find((c) => c.online === 'INSUFFICIENT_FUNDS')?.fundsLimitMinor).toBe(10_000);
  });
});
