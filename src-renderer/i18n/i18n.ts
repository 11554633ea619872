/**
 * Texts, amounts and dates for the screen, in the cashier's language. Amounts and dates go through Intl
 * (never hand-built strings), amounts from their exact decimal string (src-shared formatMoney).
 */
import { formatMoney, type Money } from '../../src-shared/money';
import { de } from './de';
import { en, type MessageKey, type Messages } from './en';

export const LANGUAGES = { en: 'en-GB', de: 'de-DE' } as const;
export type Language = keyof typeof LANGUAGES;

const CATALOGS: Record<Language, Messages> = { en, de };

export function isLanguage(value: string): value is Language {
  return Object.hasOwn(LANGUAGES, value);
}

export interface Translator {
  readonly language: Language;
  readonly locale: string;
  t(key: MessageKey, params?: Readonly<Record<string, string | number>>): string;
  amount(m: Money): string;
  dateTime(at: Date | string): string;
  /** How long ago, in words ("5 minutes ago", "vor 5 Minuten"), for the age of queued items. */
  age(since: Date | string, now: Date): string;
  /** How long until, in words ("in 5 hours", "in 5 Stunden"), for a deadline such as an offline payment's. */
  remaining(until: Date | string, now: Date): string;
}

export function translator(language: Language): Translator {
  const locale = LANGUAGES[language];
  const messages = CATALOGS[language];
  const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' });
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  return {
    language,
    locale,
    t(key, params = {}) {
      return messages[key].replace(/\{(\w+)\}/g, (whole, name: string) => {
        const v = params[name];
        if (v === undefined) return whole;
        return typeof v === 'number' ? integer.format(v) : v;
      });
    },
    amount: (m) => formatMoney(m, locale),
    dateTime: (at) => dateFormat.format(typeof at === 'string' ? new Date(at) : at),
    age(since, now) {
      const seconds = Math.max(0, (now.getTime() - new Date(since).getTime()) / 1000);
      if (seconds < 60) return relative.format(-Math.floor(seconds), 'second');
      if (seconds < 3600) return relative.format(-Math.floor(seconds / 60), 'minute');
      if (seconds < 86_400) return relative.format(-Math.floor(seconds / 3600), 'hour');
      return relative.format(-Math.floor(seconds / 86_400), 'day');
    },
    remaining(until, now) {
      const seconds = Math.max(0, (new Date(until).getTime() - now.getTime()) / 1000);
      if (seconds < 60) return relative.format(Math.floor(seconds), 'second');
      if (seconds < 3600) return relative.format(Math.floor(seconds / 60), 'minute');
      if (seconds < 86_400) return relative.format(Math.floor(seconds / 3600), 'hour');
      return relative.format(Math.floor(seconds / 86_400), 'day');
    },
  };
}
