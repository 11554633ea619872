/**
 * Catalogue CSV import: `sku,barcode,name,price,taxRate` with a header line; price as a decimal in the
 * counter's currency ("12.50"), tax rate in percent ("19" or "7.5"). All lines are checked first; one bad
 * line refuses the whole file (half a price list is worse than the old one).
 */
import {
  domainError,
  err,
  ok,
  parseMoney,
  type CurrencyCode,
  type DomainError,
  type Result,
} from '../../src-shared';
import { upsertItem, type CatalogueItem } from '../store';
import type { CheckoutDeps } from './context';

/** Splits one CSV line, honouring double quotes ("a, b" and "" for a quote). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

export function parseCatalogueCsv(
  text: string,
  currency: CurrencyCode,
): Result<CatalogueItem[], DomainError> {
  const lines = text.split(/\r?\n/);
  const bad = (line: number, reason: string) =>
    err(domainError('CATALOGUE_IMPORT_INVALID', { line, reason }));
  const header = splitCsvLine(lines[0] ?? '').map((h) => h.toLowerCase());
  const want = ['sku', 'barcode', 'name', 'price', 'taxrate'];
  if (want.some((w, i) => header[i] !== w)) return bad(1, `the header is '${lines[0] ?? ''}'`);
  const items: CatalogueItem[] = [];
  const seen = new Set<string>();
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    if (raw.trim() === '') continue;
    const [sku = '', barcode = '', name = '', price = '', rate = ''] = splitCsvLine(raw);
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(sku)) return bad(i + 1, `SKU '${sku}' is not 1-64 letters/digits`);
    if (seen.has(sku)) return bad(i + 1, `SKU ${sku} appears twice`);
    seen.add(sku);
    if (barcode && !/^\d{4,64}$/.test(barcode)) return bad(i + 1, `barcode '${barcode}' is not digits`);
    if (!name) return bad(i + 1, 'the name is empty');
    const money = parseMoney(price, currency);
    if (!money.ok) return bad(i + 1, money.error.message);
    if (money.value.amountMinor < 0) return bad(i + 1, 'the price is negative');
    if (!/^\d{1,3}(\.\d{1,2})?$/.test(rate) || Number(rate) > 100) {
      return bad(i + 1, `tax rate '${rate}' is not a percentage between 0 and 100`);
    }
    const [whole = '0', frac = ''] = rate.split('.');
    items.push({
      sku,
      barcode: barcode || null,
      name: name.slice(0, 200),
      priceMinor: money.value.amountMinor,
      currency,
      taxRateBp: Number(whole) * 100 + Number(frac.padEnd(2, '0')),
    });
  }
  return ok(items);
}

export function importCatalogueCsv(
  deps: CheckoutDeps,
  text: string,
): Result<{ imported: number }, DomainError> {
  const parsed = parseCatalogueCsv(text, deps.currency);
  if (!parsed.ok) return parsed;
  const now = deps.clock();
  deps.db.tx(() => {
    for (const item of parsed.value) upsertItem(deps.db, item, now);
  });
  return ok({ imported: parsed.value.length });
}
