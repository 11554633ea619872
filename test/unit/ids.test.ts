import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CORE_ISSUER,
  FIRST_TERMINAL_ISSUER,
  MAX_ISSUER,
  MAX_SEQUENCE,
  createUuidV7Generator,
  formatPaymentId,
  isLuhnValid,
  mintPaymentId,
  parsePaymentId,
  parseUuid,
  paymentIdIssuer,
  paymentIdSequence,
  uuidV7Timestamp,
  type PaymentIdSequenceStore,
} from '../../src-shared';

/** A durable counter kept in a plain object, standing in for the terminal's SQLite row or a file. */
function memoryStore(persisted: Map<number, number>): PaymentIdSequenceStore & { writes: number } {
  return {
    writes: 0,
    readNext: (issuer) => persisted.get(issuer) ?? 0,
    writeNext(issuer, next) {
      this.writes += 1;
      persisted.set(issuer, next);
    },
  };
}

describe('payment ids', () => {
  it('encodes format digit, issuer, sequence and a Luhn check digit in 19 digits', () => {
    const id = formatPaymentId(1_234, 56_789);
    expect(id).toBe('1001234000000567896'); // check digit computed independently (Python Luhn)
    expect(id).toHaveLength(19);
    expect(isLuhnValid(id)).toBe(true);
    expect(paymentIdIssuer(id)).toBe(1_234);
    expect(paymentIdSequence(id)).toBe(56_789);
    expect(formatPaymentId(MAX_ISSUER, MAX_SEQUENCE)).toBe('1999999999999999996');
    expect(CORE_ISSUER).toBeLessThan(FIRST_TERMINAL_ISSUER);
  });

  it('refuses an issuer outside its range and a sequence beyond the last', () => {
    expect(() => formatPaymentId(0, 1)).toThrow(/Issuer number 0 is outside 1..999999/);
    expect(() => formatPaymentId(1_000_000, 1)).toThrow(/outside/);
    expect(() => formatPaymentId(5, MAX_SEQUENCE + 1)).toThrow(/used all of its payment ids/);
    expect(() => formatPaymentId(5, -1)).toThrow(RangeError);
  });

  it('rejects malformed ids and says what is wrong', () => {
    const reason = (text: string) => {
      const r = parsePaymentId(text);
      if (r.ok) throw new Error(`${text} accepted`);
      expect(r.error.code).toBe('PAYMENT_ID_INVALID');
      return r.error.message;
    };
    const good = formatPaymentId(1_000, 1);
    expect(parsePaymentId(good)).toEqual({ ok: true, value: good });
    expect(reason(good.slice(0, 18))).toContain('it has 18 digits instead of 19');
    expect(reason(`${good}0`)).toContain('20 digits');
    expect(reason('10012340000005678x6')).toContain("'x' at position 18 is not a digit");
    expect(reason(' 1001234000000567896')).toContain('position 1');
    expect(reason('2001234000000567896')).toContain('starts with 2');
    expect(reason('1000000000000567896')).toContain('issuer number is 000000');
    // One digit changed: the check digit catches it.
    const typo = good.slice(0, 10) + String((Number(good[10]) + 1) % 10) + good.slice(11);
    expect(reason(typo)).toContain('probably mistyped');
    expect(reason('')).toContain('0 digits');
  });

  it('catches every single-digit typo (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX_ISSUER }),
        fc.integer({ min: 0, max: MAX_SEQUENCE }),
        fc.integer({ min: 1, max: 18 }),
        fc.integer({ min: 1, max: 9 }),
        (issuer, sequence, position, delta) => {
          const id = formatPaymentId(issuer, sequence);
          const changed =
            id.slice(0, position) + String((Number(id[position]) + delta) % 10) + id.slice(position + 1);
          expect(parsePaymentId(changed).ok).toBe(false);
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it('mints ids that are always 19 digits, unique across issuers and across restarts (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: MAX_ISSUER }), { minLength: 2, maxLength: 6 }),
        fc.array(fc.tuple(fc.nat(5), fc.integer({ min: 1, max: 20 }), fc.boolean()), {
          minLength: 1,
          maxLength: 30,
        }),
        fc.integer({ min: 0, max: MAX_SEQUENCE - 10_000 }),
        (issuers, steps, startAt) => {
          const persisted = new Map<number, number>(issuers.map((i) => [i, startAt]));
          let stores = new Map(issuers.map((i) => [i, memoryStore(persisted)]));
          const seen = new Set<string>();
          for (const [which, count, restartAfter] of steps) {
            const issuer = issuers[which % issuers.length]!;
            for (let k = 0; k < count; k++) {
              const id = mintPaymentId(issuer, stores.get(issuer)!);
              expect(id).toMatch(/^1\d{18}$/);
              expect(parsePaymentId(id).ok).toBe(true);
              expect(paymentIdIssuer(id)).toBe(issuer);
              expect(seen.has(id)).toBe(false);
              seen.add(id);
            }
            // A restart throws away everything in memory and resumes from what was persisted.
            if (restartAfter) stores = new Map(issuers.map((i) => [i, memoryStore(persisted)]));
          }
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('persists the sequence before handing out an id, so a crash right after never repeats one', () => {
    const persisted = new Map<number, number>();
    const store = memoryStore(persisted);
    const first = mintPaymentId(FIRST_TERMINAL_ISSUER, store);
    expect(persisted.get(FIRST_TERMINAL_ISSUER)).toBe(1);
    // Crash: a fresh store on the same persisted state.
    const second = mintPaymentId(FIRST_TERMINAL_ISSUER, memoryStore(persisted));
    expect(second).not.toBe(first);
    expect(paymentIdSequence(second)).toBe(1);
  });

  it('refuses to mint past the last sequence of an issuer', () => {
    const persisted = new Map([[7, MAX_SEQUENCE + 1]]);
    expect(() => mintPaymentId(7, memoryStore(persisted))).toThrow(/Enroll the terminal again/);
  });
});

describe('UUIDv7', () => {
  const randomBytes = (length: number) => {
    const b = new Uint8Array(length);
    crypto.getRandomValues(b);
    return b;
  };

  it('mints valid version-7 UUIDs that carry their creation time', () => {
    const next = createUuidV7Generator({ now: () => 1_763_700_000_000, randomBytes });
    const id = next();
    expect(parseUuid(id)).toEqual({ ok: true, value: id });
    expect(id[14]).toBe('7');
    expect(uuidV7Timestamp(id)).toBe(1_763_700_000_000);
  });

  it('sorts in creation order even when the clock stands still or steps back', () => {
    let t = 1_763_700_000_000;
    const clock = [0, 0, 0, -5, 0, 1, -100, 0];
    let i = 0;
    const next = createUuidV7Generator({ now: () => (t += clock[i++ % clock.length]!), randomBytes });
    const ids = Array.from({ length: 20_000 }, () => next());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('rejects strings that are not UUIDs, with the reason', () => {
    expect(parseUuid('not-a-uuid')).toMatchObject({ ok: false, error: { code: 'UUID_INVALID' } });
    expect(parseUuid('0190f0e0-0000-7000-0000-000000000000')).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('variant') },
    });
    expect(parseUuid('0190F0E0-0000-7000-8000-00000000000A')).toEqual({
      ok: true,
      value: '0190f0e0-0000-7000-8000-00000000000a',
    });
  });
});
