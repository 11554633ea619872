/**
 * Card facts both sides need without ever keeping a card number: masking, brand from the BIN, Luhn, expiry.
 * A full PAN may pass through memory on the way to the acquirer; it is never stored, logged or printed.
 */
import { isLuhnValid } from './ids';

export type CardBrand =
  'VISA' | 'MASTERCARD' | 'AMEX' | 'MAESTRO' | 'GIROCARD' | 'DISCOVER' | 'JCB' | 'UNKNOWN';

/** First six and last four digits, the rest replaced by `*` (the most PCI DSS allows to display). */
export function maskPan(pan: string): string {
  const digits = pan.replace(/\D/g, '');
  if (digits.length < 13) return '*'.repeat(digits.length);
  return digits.slice(0, 6) + '*'.repeat(digits.length - 10) + digits.slice(-4);
}

export function lastFour(pan: string): string {
  return pan.replace(/\D/g, '').slice(-4);
}

/** A best guess from the leading digits, for display and the sandbox acquirer; acquirers decide for real. */
export function cardBrandFromPan(pan: string): CardBrand {
  const d = pan.replace(/\D/g, '');
  const n2 = Number(d.slice(0, 2));
  const n4 = Number(d.slice(0, 4));
  if (d.startsWith('4')) return 'VISA';
  if ((n2 >= 51 && n2 <= 55) || (n4 >= 2221 && n4 <= 2720)) return 'MASTERCARD';
  if (n2 === 34 || n2 === 37) return 'AMEX';
  if (d.startsWith('6703')) return 'GIROCARD';
  if (d.startsWith('6011') || d.startsWith('65')) return 'DISCOVER';
  if (n4 >= 3528 && n4 <= 3589) return 'JCB';
  if (n2 === 50 || (n2 >= 56 && n2 <= 69)) return 'MAESTRO';
  return 'UNKNOWN';
}

export function isPlausiblePan(pan: string): boolean {
  return /^\d{12,19}$/.test(pan) && isLuhnValid(pan);
}

/** `MMYY` as the online API sends it; null when it is not a month. */
export function parseExpiry(mmyy: string): { month: number; year: number } | null {
  const m = /^(\d{2})(\d{2})$/.exec(mmyy);
  if (!m) return null;
  const month = Number(m[1]);
  if (month < 1 || month > 12) return null;
  return { month, year: 2000 + Number(m[2]) };
}

/** A card is valid through the last day of its expiry month. `now` is injected (no module clock). */
export function isExpired(mmyy: string, now: Date): boolean {
  const e = parseExpiry(mmyy);
  if (!e) return true;
  const y = now.getUTCFullYear();
  const mo = now.getUTCMonth() + 1;
  return y > e.year || (y === e.year && mo > e.month);
}
