/**
 * The boundary's pure rules (issue 7): the UTF-8 check that refuses bodies instead of decoding them with
 * U+FFFD agrees with the WHATWG decoder on arbitrary bytes, and amounts say what was wrong with them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { amountMinorProblem, amountTypeProblem, showAmount } from '../../../src-shared';
import { firstInvalidUtf8Byte } from '../../../src-core/routing/edge';

const strict = new TextDecoder('utf-8', { fatal: true });
const isUtf8 = (b: Uint8Array) => {
  try {
    strict.decode(b);
    return true;
  } catch {
    return false;
  }
};

describe('UTF-8 check of request bodies', () => {
  it('agrees with the strict decoder on arbitrary bytes and on encoded text (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(firstInvalidUtf8Byte(bytes) === -1).toBe(isUtf8(bytes));
      }),
      { seed: 7, numRuns: 5_000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (text) => {
        expect(firstInvalidUtf8Byte(new TextEncoder().encode(text))).toBe(-1);
      }),
      { seed: 8, numRuns: 1_000 },
    );
  });

  it('names the first bad byte: a stray continuation, an overlong form, an encoded surrogate, a cut sequence', () => {
    expect(firstInvalidUtf8Byte(Uint8Array.from([0x61, 0x80]))).toBe(1);
    expect(firstInvalidUtf8Byte(Uint8Array.from([0x61, 0xc0, 0xaf]))).toBe(1);
    expect(firstInvalidUtf8Byte(Uint8Array.from([0x61, 0x62, 0xed, 0xa0, 0x80]))).toBe(2);
    expect(firstInvalidUtf8Byte(Uint8Array.from([0xe2, 0x82]))).toBe(0);
    expect(firstInvalidUtf8Byte(Uint8Array.from([0xf4, 0x90, 0x80, 0x80]))).toBe(0);
  });
});

describe('amount messages', () => {
  it('say what was wrong, not "it is missing"', () => {
    expect(amountTypeProblem('12.345')).toMatch(/^got the string "12\.345"; send a JSON number/);
    expect(amountTypeProblem(Infinity)).toMatch(/out of range/);
    expect(amountTypeProblem(null)).toMatch(/^got null/);
    expect(amountTypeProblem(undefined)).toBe('it is missing');
    expect(amountTypeProblem(12.5)).toBeNull();
    expect(amountMinorProblem(12.5)).toMatch(/12\.5 is not a whole number of minor units/);
    expect(amountMinorProblem(2 ** 63)).toMatch(/out of range/);
    expect(amountMinorProblem(1235)).toBeNull();
  });

  it('show amounts in the currency’s units', () => {
    expect(showAmount(1235, 'EUR')).toBe('12.35 EUR');
    expect(showAmount(-500, 'JPY')).toBe('-500 JPY');
    expect(showAmount(1235, 'KWD')).toBe('1.235 KWD');
    expect(showAmount(1235, 'XXX?')).toBe('1235 minor units');
  });
});
