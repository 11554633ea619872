/**
 * The item search's case folding (catalogue.ts's search and writes, migration 4 through db.ts's SQL function).
 * A name as the search compares it: Unicode lower case (not only ASCII, as SQLite's LIKE), ß and ẞ as "ss"
 * (German shops write STRASSE for Straße), composed (NFC), so "ü" finds "Ü" and "strasse" finds "Straße".
 * Accents are kept: "u" does not find "ü" (a different letter in German).
 */
export function foldForSearch(text: string): string {
  return text.normalize('NFC').toLowerCase().replace(/ß/g, 'ss');
}
