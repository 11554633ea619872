/** Byte helpers shared by the codec: hex for traces and fixtures, packed BCD for ZVT numbers (P16 §5.2.8). */

export function toHex(bytes: Uint8Array, separator = ' '): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(separator);
}

export const hexByte = (b: number): string => b.toString(16).padStart(2, '0').toUpperCase();

/** Parses "06 01 07", "060107", "06-01-07" or "0x06,0x01"; null when it is not whole bytes of hex. */
export function fromHex(text: string): Uint8Array | null {
  const clean = text.replace(/0x/gi, '').replace(/[\s,:-]/g, '');
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) return null;
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function concatBytes(parts: readonly (Uint8Array | readonly number[])[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Packs decimal digits into `length` bytes of BCD, left-padded with zeros ("190", 6 → 00 00 00 00 01 90).
 * A bug (too many digits, a non-digit) throws: encoders only see values the session built.
 */
export function encodeBcd(digits: string | number, length: number): Uint8Array {
  const text = typeof digits === 'number' ? String(digits) : digits;
  if (!/^\d*$/.test(text)) throw new RangeError(`BCD takes digits only, got '${text}'`);
  if (text.length > length * 2) throw new RangeError(`${text} does not fit in ${length} BCD bytes`);
  const padded = text.padStart(length * 2, '0');
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (Number(padded[2 * i]) << 4) | Number(padded[2 * i + 1]);
  return out;
}

/** Unpacks BCD to its digits; null when a nibble is not 0–9 (the caller names the offset). */
export function decodeBcd(bytes: Uint8Array): string | null {
  let out = '';
  for (const b of bytes) {
    const hi = b >> 4;
    const lo = b & 0x0f;
    if (hi > 9 || lo > 9) return null;
    out += String(hi) + String(lo);
  }
  return out;
}

/**
 * PAN-style BCD (BMP 22, P15 §13): `E` is a masked digit (shown as `*`), `F` pads an odd count, `D` is a
 * separator. Null when another nibble appears.
 */
export function decodeMaskedBcd(bytes: Uint8Array): string | null {
  let out = '';
  for (const b of bytes) {
    for (const n of [b >> 4, b & 0x0f]) {
      if (n <= 9) out += String(n);
      else if (n === 0x0e) out += '*';
      else if (n === 0x0d) out += '=';
      else if (n === 0x0f) continue;
      else return null;
    }
  }
  return out;
}

/** Inverse of decodeMaskedBcd for digits and `*` (masked), padding an odd count with F. */
export function encodeMaskedBcd(text: string): Uint8Array {
  if (!/^[\d*]*$/.test(text)) throw new RangeError(`masked BCD takes digits and '*', got '${text}'`);
  const nibbles = Array.from(text, (c) => (c === '*' ? 0x0e : Number(c)));
  if (nibbles.length % 2 === 1) nibbles.push(0x0f);
  const out = new Uint8Array(nibbles.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = ((nibbles[2 * i] ?? 0) << 4) | (nibbles[2 * i + 1] ?? 0);
  return out;
}
