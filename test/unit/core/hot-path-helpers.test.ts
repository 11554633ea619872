/**
 * The small pieces the money paths use to save work (docs/core.md "Where the time goes"): timestamps read
 * from PostgreSQL's JSON without a Date round trip, names of prepared statements, and random bytes for ids
 * drawn in blocks. Each must give exactly what the plain way gives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { standalone, toIso } from '../../../src-core/db/adapter';
import { createStatementNamer } from '../../../src-core/db/postgres';
import { pooledRandomBytes } from '../../../src-core/ledger/context';

describe('hot-path helpers', () => {
  it('reads a UTC timestamp as PostgreSQL writes it in JSON exactly as Date would (milliseconds kept, the rest dropped)', () => {
    const instant = fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(9999, 11, 31) });
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 999 }), fc.nat(6), (ms, micros, digits) => {
        const base = new Date(ms).toISOString().slice(0, 23); // YYYY-MM-DDTHH:MM:SS.mmm
        const fraction = `${base.slice(20)}${String(micros).padStart(3, '0')}`.slice(0, digits);
        const pg = `${base.slice(0, 19)}${digits ? `.${fraction}` : ''}+00:00`;
        expect(toIso(pg, 'c')).toBe(new Date(pg).toISOString());
      }),
    );
    // Other offsets and other shapes take the Date path.
    expect(toIso('2026-11-21T22:22:11.5+01:00', 'c')).toBe('2026-11-21T21:22:11.500Z');
    expect(toIso('2026-11-21 21:22:11.163672+00:00', 'c')).toBe('2026-11-21T21:22:11.163Z');
    expect(toIso(new Date(Date.UTC(2026, 10, 21)), 'c')).toBe('2026-11-21T00:00:00.000Z');
    expect(() => toIso(42, 'c')).toThrow('column c');
  });

  it('names a prepared statement by its text: one name per text, never one name for two texts, and no more than the bound', () => {
    const name = createStatementNamer(3);
    const a = name('SELECT 1 WHERE $1');
    expect(a).toMatch(/^counter_[A-Za-z0-9_-]{24}$/);
    expect(name(`SELECT 1 WHERE ${'$1'}`)).toBe(a);
    expect(name('SELECT 2 WHERE $1')).not.toBe(a);
    expect(name('SELECT 3 WHERE $1')).toBeDefined();
    // Past the bound a new text runs unnamed; the known ones keep their names.
    expect(name('SELECT 4 WHERE $1')).toBeUndefined();
    expect(name('SELECT 1 WHERE $1')).toBe(a);
  });

  it('hands out random bytes from blocks without ever giving the same bytes twice', () => {
    const random = pooledRandomBytes(64);
    const seen: Uint8Array[] = [];
    for (let i = 0; i < 40; i++) seen.push(random(10));
    seen.push(random(100)); // larger than a block: drawn on its own
    expect(seen.map((b) => b.length)).toEqual([...Array(40).fill(10), 100]);
    // Distinct buffers or non-overlapping regions of one block.
    for (let i = 0; i < seen.length; i++) {
      for (let j = i + 1; j < seen.length; j++) {
        const x = seen[i]!;
        const y = seen[j]!;
        if (x.buffer !== y.buffer) continue;
        const apart = x.byteOffset + x.length <= y.byteOffset || y.byteOffset + y.length <= x.byteOffset;
        expect(apart).toBe(true);
      }
    }
    // 40 draws of 10 random bytes: all different (a repeat is a 2^-80 event).
    expect(new Set(seen.slice(0, 40).map((b) => Buffer.from(b).toString('hex'))).size).toBe(40);
  });

  it('numbers the parameters of an SQL fragment from $1 when it runs as a statement of its own', () => {
    const { sql, params } = standalone((p) => `DELETE FROM t WHERE a = ${p('x')} AND b = ${p(7)}`);
    expect(sql).toBe('DELETE FROM t WHERE a = $1 AND b = $2');
    expect(params).toEqual(['x', 7]);
  });
});
