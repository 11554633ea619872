/** Catalogue items and customers. */
import type { CurrencyCode } from '../../src-shared';
import type { StoreDb } from './db';
import { foldForSearch } from './search-fold';

export interface CatalogueItem {
  readonly sku: string;
  readonly barcode: string | null;
  readonly name: string;
  readonly priceMinor: number;
  readonly currency: CurrencyCode;
  /** Basis points: 1900 = 19 %. */
  readonly taxRateBp: number;
}

interface ItemRow {
  sku: string;
  barcode: string | null;
  name: string;
  price_minor: number;
  currency: string;
  tax_rate_bp: number;
  updated_at: string;
}

export const rowToItem = (r: ItemRow): CatalogueItem => ({
  sku: r.sku,
  barcode: r.barcode,
  name: r.name,
  priceMinor: r.price_minor,
  currency: r.currency as CurrencyCode,
  taxRateBp: r.tax_rate_bp,
});

export const itemToRow = (i: CatalogueItem, at: string): ItemRow => ({
  sku: i.sku,
  barcode: i.barcode,
  name: i.name,
  price_minor: i.priceMinor,
  currency: i.currency,
  tax_rate_bp: i.taxRateBp,
  updated_at: at,
});

export function upsertItem(db: StoreDb, item: CatalogueItem, at: Date): void {
  db.prepare(
    `INSERT INTO catalogue (sku, barcode, name, name_fold, price_minor, currency, tax_rate_bp, updated_at)
       VALUES (@sku, @barcode, @name, @name_fold, @price_minor, @currency, @tax_rate_bp, @updated_at)
       ON CONFLICT (sku) DO UPDATE SET barcode = excluded.barcode, name = excluded.name,
         name_fold = excluded.name_fold, price_minor = excluded.price_minor, currency = excluded.currency,
         tax_rate_bp = excluded.tax_rate_bp, updated_at = excluded.updated_at`,
  ).run({ ...itemToRow(item, at.toISOString()), name_fold: foldForSearch(item.name) });
}

/** By SKU or barcode (a scanner types the barcode). */
export function findItem(db: StoreDb, code: string): CatalogueItem | null {
  const r = db.prepare('SELECT * FROM catalogue WHERE sku = ? OR barcode = ? LIMIT 1').get(code, code) as
    ItemRow | undefined;
  return r ? rowToItem(r) : null;
}

/** Escapes LIKE's wildcards so a typed `%` or `_` matches itself (used with ESCAPE '\\'). */
export const likeEscape = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Items whose name contains the query, or whose SKU or barcode starts with it (case-insensitive, also beyond
 * ASCII: the folded name, foldForSearch), for the sale screen's search as the cashier types. Exact
 * SKU/barcode first, then names that start with the query, then the rest by name.
 */
export function searchItems(db: StoreDb, query: string, limit: number): CatalogueItem[] {
  const q = query.trim();
  if (q === '') return [];
  const e = likeEscape(q);
  const f = likeEscape(foldForSearch(q));
  const rows = db
    .prepare(
      `SELECT * FROM catalogue
        WHERE name_fold LIKE @contains ESCAPE '\\' OR sku LIKE @starts ESCAPE '\\'
           OR barcode LIKE @starts ESCAPE '\\'
        ORDER BY (sku = @q COLLATE NOCASE OR barcode = @q) DESC, (name_fold LIKE @foldStarts ESCAPE '\\') DESC,
                 name_fold, sku
        LIMIT @limit`,
    )
    .all({ q, contains: `%${f}%`, starts: `${e}%`, foldStarts: `${f}%`, limit }) as ItemRow[];
  return rows.map(rowToItem);
}

export function listItems(db: StoreDb): CatalogueItem[] {
  return (db.prepare('SELECT * FROM catalogue ORDER BY sku').all() as ItemRow[]).map(rowToItem);
}

export interface CustomerRecord {
  readonly customerId: string;
  readonly name: string;
  readonly contact: string | null;
  readonly createdAt: string;
}

interface CustomerRow {
  customer_id: string;
  name: string;
  contact: string | null;
  created_at: string;
}

export const rowToCustomer = (r: CustomerRow): CustomerRecord => ({
  customerId: r.customer_id,
  name: r.name,
  contact: r.contact,
  createdAt: r.created_at,
});

export function insertCustomer(db: StoreDb, c: CustomerRecord): void {
  db.prepare('INSERT INTO customers (customer_id, name, contact, created_at) VALUES (?, ?, ?, ?)').run(
    c.customerId,
    c.name,
    c.contact,
    c.createdAt,
  );
}

export function getCustomer(db: StoreDb, customerId: string): CustomerRecord | null {
  const r = db.prepare('SELECT * FROM customers WHERE customer_id = ?').get(customerId) as
    CustomerRow | undefined;
  return r ? rowToCustomer(r) : null;
}
