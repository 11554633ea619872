import type { KeypadKey } from '../input/amount-entry';
import { decimalSeparator } from '../input/amount-entry';
import { useApp, useT } from './context';

const DIGIT_ROWS: KeypadKey[][] = [
  ['7', '8', '9'],
  ['4', '5', '6'],
  ['1', '2', '3'],
  ['0', '00', 'decimal'],
];

/** The on-screen keypad; the keyboard's number block drives the same entry (App's key handler). */
export function Keypad({ label }: { label: string }) {
  const t = useT();
  const entry = useApp((s) => s.entry);
  const keypad = useApp((s) => s.keypad);
  const sep = decimalSeparator(entry.locale);
  const name = (k: KeypadKey) =>
    k === 'decimal'
      ? t.t('keypad.decimal')
      : k === 'back'
        ? t.t('keypad.back')
        : k === 'clear'
          ? t.t('keypad.clear')
          : k;
  const face = (k: KeypadKey) => (k === 'decimal' ? sep : k === 'back' ? '⌫' : k === 'clear' ? 'C' : k);
  return (
    <div className="keypad-area">
      <label className="entry-label" htmlFor="entry-display">
        {label}
      </label>
      <output id="entry-display" className="entry-display" aria-live="polite" data-testid="entry">
        {entry.text === '' ? '0' : entry.text}
      </output>
      <div role="group" aria-label={t.t('keypad.label')} className="keypad">
        {[...DIGIT_ROWS.flat(), 'clear' as const, 'back' as const].map((k) => (
          <button key={k} type="button" aria-label={name(k)} onClick={() => keypad(k)} tabIndex={-1}>
            {face(k)}
          </button>
        ))}
      </div>
    </div>
  );
}
