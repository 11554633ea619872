import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCANNER_TIMING,
  feedKey,
  flushIdle,
  initialScannerState,
  validateScannerTiming,
  type ScannerState,
  type ScannerVerdict,
} from '../../../src-renderer/input/scanner';

/** Types `keys` with the given gaps (ms) and returns every verdict, as the app's key handler would see them. */
function typeKeys(keys: string[], gapMs: number | number[], timing = DEFAULT_SCANNER_TIMING) {
  let state: ScannerState = initialScannerState;
  let at = 1000;
  const verdicts: ScannerVerdict[] = [];
  keys.forEach((key, i) => {
    if (i > 0) at += Array.isArray(gapMs) ? (gapMs[i - 1] ?? 0) : gapMs;
    const r = feedKey(state, { key, at }, timing);
    state = r.state;
    verdicts.push(r.verdict);
  });
  return { verdicts, state, at };
}

const chars = (s: string) => [...s];

describe('scanner detection', () => {
  it('a fast burst ending in Enter is one scan with the whole code, and no key reaches the field', () => {
    const { verdicts } = typeKeys([...chars('4006381333931'), 'Enter'], 8);
    expect(verdicts.at(-1)).toEqual({ kind: 'scan', code: '4006381333931' });
    expect(verdicts.slice(0, -1).every((v) => v.kind === 'pending')).toBe(true);
  });

  it('a person typing 1 2 5 0 at 150 ms a key gets every digit in the field, in order', () => {
    const { verdicts, state, at } = typeKeys(chars('1250'), 150);
    const typed = verdicts.flatMap((v) => (v.kind === 'typed' ? [v.text] : []));
    const rest = flushIdle(state, at + 500).text;
    expect(typed.join('') + rest).toBe('1250');
  });

  it('three fast characters and Enter is typing, not a scan, with the default minimum of 4', () => {
    const { verdicts } = typeKeys([...chars('123'), 'Enter'], 10);
    expect(verdicts.at(-1)).toEqual({ kind: 'typed', text: '123', enter: true });
  });

  it('the minimum length and the gap are settings', () => {
    const timing = { maxGapMs: 40, minLength: 3 };
    expect(typeKeys([...chars('123'), 'Enter'], 10, timing).verdicts.at(-1)).toEqual({
      kind: 'scan',
      code: '123',
    });
    // 60 ms apart is a scan with the default 100 ms gap but typing with a 40 ms gap.
    expect(typeKeys([...chars('12345'), 'Enter'], 60).verdicts.at(-1)?.kind).toBe('scan');
    expect(typeKeys([...chars('12345'), 'Enter'], 60, timing).verdicts.at(-1)?.kind).toBe('typed');
  });

  it('a pause in the middle breaks the burst: the keys before it are handed back as typed text', () => {
    const { verdicts } = typeKeys([...chars('12345678'), 'Enter'], [8, 8, 300, 8, 8, 8, 8, 8]);
    expect(verdicts).toContainEqual({ kind: 'typed', text: '123', enter: false });
    expect(verdicts.at(-1)).toEqual({ kind: 'scan', code: '45678' });
  });

  it('a non-printable key (Tab) ends a burst and hands its keys back; alone it is ignored', () => {
    const { verdicts } = typeKeys([...chars('12'), 'Tab'], 8);
    expect(verdicts.at(-1)).toEqual({ kind: 'typed', text: '12', enter: false });
    expect(feedKey(initialScannerState, { key: 'ArrowDown', at: 5 }).verdict).toEqual({ kind: 'ignored' });
  });

  it('a held-back key is released once the gap has passed, and not before', () => {
    const { state, at } = typeKeys(chars('7'), 0);
    expect(flushIdle(state, at + 50).text).toBe('');
    expect(flushIdle(state, at + 101)).toEqual({ state: initialScannerState, text: '7' });
  });

  it('refuses timing settings that would make scans or typing impossible, saying why', () => {
    expect(validateScannerTiming(DEFAULT_SCANNER_TIMING)).toBeNull();
    expect(validateScannerTiming({ maxGapMs: 5000, minLength: 4 })).toMatch(/10–1000 ms/);
    expect(validateScannerTiming({ maxGapMs: 100, minLength: 1 })).toMatch(/3–64/);
  });
});
