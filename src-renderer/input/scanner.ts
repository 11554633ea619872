/**
 * Tells a barcode scanner from a person typing. A scanner in keyboard-wedge mode "types" the code much faster
 * than a hand can (a few ms per key) and ends with Enter; a person at the counter types slower and rarely
 * presses Enter after three digits. So a burst of keys, each at most `maxGapMs` after the previous one, at
 * least `minLength` characters long and ended by Enter, is a scan; anything else is typing and passes through.
 *
 * Pure: the caller feeds key presses with their timestamps (KeyboardEvent.timeStamp) and acts on the verdicts,
 * so the timing is testable without a clock and the thresholds are a setting (issue 10: "configurable").
 */

export interface ScannerTiming {
  /** Longest pause between two keys of one scan, in ms (scanners: 5–30 ms; people: ≥ 80 ms). */
  maxGapMs: number;
  /** Fewest characters before Enter that count as a scan (EAN-8 is 8; short shop codes are 4). */
  minLength: number;
}

export const DEFAULT_SCANNER_TIMING: ScannerTiming = { maxGapMs: 100, minLength: 4 };

export interface ScannerState {
  readonly buffer: string;
  /** timeStamp of the last key in the buffer; null when the buffer is empty. */
  readonly lastAt: number | null;
}

export const initialScannerState: ScannerState = { buffer: '', lastAt: null };

export interface KeyPress {
  /** KeyboardEvent.key: a single printable character, or 'Enter'; other keys reset the burst. */
  key: string;
  /** KeyboardEvent.timeStamp (ms, monotonic). */
  at: number;
}

export type ScannerVerdict =
  /** A complete scan: the code, and the key presses were the scanner's (the caller suppresses them). */
  | { kind: 'scan'; code: string }
  /** The key may still be part of a scan: hold it back from the focused field for now. */
  | { kind: 'pending' }
  /** Not a scan: these characters were typed by a person and belong to the focused field, in order. */
  | { kind: 'typed'; text: string; enter: boolean }
  /** A key the detector does not handle (Tab, arrows, F-keys): the caller lets it through untouched. */
  | { kind: 'ignored' };

export function validateScannerTiming(t: ScannerTiming): string | null {
  if (!Number.isFinite(t.maxGapMs) || t.maxGapMs < 10 || t.maxGapMs > 1000) {
    return `scanner key gap ${t.maxGapMs} ms is outside 10–1000 ms; scanners send keys 5–30 ms apart, so 100 ms is a safe default`;
  }
  if (!Number.isSafeInteger(t.minLength) || t.minLength < 3 || t.minLength > 64) {
    return `scanner minimum length ${t.minLength} is outside 3–64 characters; 4 recognises short shop codes and every EAN`;
  }
  return null;
}

const isPrintable = (key: string): boolean => key.length === 1 && key >= ' ';

/**
 * Feeds one key press. Returns the new state and what the caller should do with the keys so far. A burst
 * that breaks off (a slow key, or Enter too early) is handed back as typed text so a person's keystrokes are
 * never lost, only delayed by at most one key gap.
 */
export function feedKey(
  state: ScannerState,
  press: KeyPress,
  timing: ScannerTiming = DEFAULT_SCANNER_TIMING,
): { state: ScannerState; verdict: ScannerVerdict } {
  const inBurst = state.lastAt !== null && press.at - state.lastAt <= timing.maxGapMs;
  const held = inBurst ? state.buffer : '';
  const flushed = !inBurst && state.buffer !== '' ? state.buffer : '';

  if (press.key === 'Enter') {
    if (held.length >= timing.minLength) {
      return { state: initialScannerState, verdict: { kind: 'scan', code: held } };
    }
    return {
      state: initialScannerState,
      verdict: { kind: 'typed', text: flushed + held, enter: true },
    };
  }
  if (!isPrintable(press.key)) {
    const text = flushed + held;
    return {
      state: initialScannerState,
      verdict: text === '' ? { kind: 'ignored' } : { kind: 'typed', text, enter: false },
    };
  }
  const next: ScannerState = { buffer: held + press.key, lastAt: press.at };
  if (flushed !== '') return { state: next, verdict: { kind: 'typed', text: flushed, enter: false } };
  return { state: next, verdict: { kind: 'pending' } };
}

/**
 * Called when no key arrived for longer than the gap: whatever is held was typed by a person (a scan always
 * ends in Enter), so it goes to the focused field.
 */
export function flushIdle(
  state: ScannerState,
  now: number,
  timing: ScannerTiming = DEFAULT_SCANNER_TIMING,
): { state: ScannerState; text: string } {
  if (state.lastAt === null || now - state.lastAt <= timing.maxGapMs) return { state, text: '' };
  return { state: initialScannerState, text: state.buffer };
}
