/**
 * How the technician CLI reads an amount (issue 7). `--locale` names the one locale to read it in. Without
 * it, both unambiguous forms are taken whatever the machine's locale — `1.234,56` and `1,234.56`, `12,50`
 * and `12.50` — because a technician types the way the terminal's country writes. A form that reads two
 * ways (`1.234`: 1234.00 with '.' grouping thousands, or three decimals) is decided by the machine's locale
 * (LC_ALL, LC_NUMERIC, LANG) when it names one, and refused otherwise, with what to type instead. Zero and
 * negative amounts are refused in the units typed. Every refusal is a usage error (exit 2).
 */
import {
  domainError,
  err,
  ok,
  parseMoney,
  toDecimalString,
  type CurrencyCode,
  type DomainError,
  type Money,
  type Result,
} from '../../../src-shared';

/** The two number styles a card terminal's technician meets: 1,234.56 and 1.234,56. */
const AUTO_LOCALES = ['en-US', 'de-DE'];

function canonicalLocale(tag: string): string | undefined {
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    // Not a BCP 47 tag (e.g. a POSIX name we could not convert): no locale.
    return undefined;
  }
}

/** `de_DE.UTF-8@euro` → `de-DE`; `C`, `POSIX` or nothing → undefined. */
export function localeFromEnv(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const raw = env.LC_ALL || env.LC_NUMERIC || env.LANG;
  if (!raw) return undefined;
  const name = raw.split(/[.@]/)[0] ?? '';
  if (name === '' || name === 'C' || name === 'POSIX') return undefined;
  return canonicalLocale(name.replace(/_/g, '-'));
}

export interface AmountOptions {
  /** --locale: read the amount in this locale only. */
  readonly locale?: string;
  /** The machine's locale (localeFromEnv), used only to decide a form that reads two ways. */
  readonly envLocale?: string;
}

export function parseCliAmount(
  text: string,
  currency: CurrencyCode,
  o: AmountOptions = {},
): Result<Money, DomainError> {
  const positive = (m: Result<Money, DomainError>): Result<Money, DomainError> =>
    m.ok && m.value.amountMinor <= 0 ? err(domainError('AMOUNT_NOT_POSITIVE', { amount: text.trim() })) : m;
  if (o.locale !== undefined) {
    const locale = canonicalLocale(o.locale);
    if (!locale) {
      return err(
        domainError('MONEY_INPUT_INVALID', {
          input: text,
          reason: `--locale ${o.locale} is not a locale (e.g. de-DE, en-US, fr-FR)`,
        }),
      );
    }
    return positive(parseMoney(text, currency, { locale }));
  }
  const env = o.envLocale;
  const locales = [...new Set([...(env ? [env] : []), ...AUTO_LOCALES])];
  const readings = locales.map((locale) => ({ locale, result: parseMoney(text, currency, { locale }) }));
  const values = new Map<number, Money>();
  for (const r of readings) if (r.result.ok) values.set(r.result.value.amountMinor, r.result.value);
  // A reading with too many decimals is still a way a person may have meant it ("1.234" as 1.234 EUR).
  const decimalReadings = readings.filter(
    (r) => !r.result.ok && r.result.error.code === 'MONEY_TOO_MANY_DECIMALS',
  );
  const envReading = readings.find((r) => r.locale === env);
  if (values.size === 1 && decimalReadings.length === 0) return positive(ok([...values.values()][0]!));
  if (values.size === 0) {
    const first = envReading ?? decimalReadings[0] ?? readings.find((r) => r.locale === 'en-US')!;
    return first.result;
  }
  if (envReading) return positive(envReading.result);
  const ways = [...values.values()].map((m) => `${toDecimalString(m)} ${currency}`);
  if (decimalReadings.length > 0) ways.push(`an amount with more decimals than ${currency} has`);
  return err(
    domainError('MONEY_INPUT_INVALID', {
      input: text,
      reason:
        `it reads as ${ways.join(' or as ')}; write it with decimals (e.g. ${toDecimalString([...values.values()][0]!)}), ` +
        'or say how to read it with --locale de-DE or --locale en-US',
    }),
  );
}
