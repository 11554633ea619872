import { useId } from 'react';
import type { CurrencyCode } from '../../src-shared/currencies';
import type { Money } from '../../src-shared/money';
import { entryAmount } from '../input/amount-entry';
import { useApp } from './context';

/** The amount typed into a money field, in the display locale (`12,50` in German), or null. */
export function parseAmount(text: string, currency: CurrencyCode, locale: string): Money | null {
  if (text.trim() === '') return null;
  const r = entryAmount({ text: text.trim(), currency, locale });
  return r.ok && r.value.amountMinor > 0 ? r.value : null;
}

/** A labelled text field for an amount; the caller keeps the text, parseAmount reads it. */
export function MoneyField(props: {
  label: string;
  value: string;
  onChange(text: string): void;
  invalid?: boolean;
  id?: string;
}) {
  const own = useId();
  const id = props.id ?? own;
  const locale = useApp((s) => s.entry.locale);
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        type="text"
        inputMode="decimal"
        autoComplete="off"
        lang={locale}
        value={props.value}
        aria-invalid={props.invalid ? true : undefined}
        onChange={(e) => props.onChange(e.target.value.replace(/[^\d.,]/g, ''))}
      />
    </div>
  );
}
