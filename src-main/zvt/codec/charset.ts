/**
 * Text on the ZVT wire defaults to CP437, the "8-bit ZVT charset" (P15 §15): print lines, display texts,
 * BMP 3C. A PT may announce another charset (TLV 14); we decode ASCII, ISO 8859-1 and UTF-8 as well.
 */
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅ' +
  'ÉæÆôöòûùÿÖÜ¢£¥₧ƒ' +
  'áíóúñÑªº¿⌐¬½¼¡«»' +
  '░▒▓│┤╡╢╖╕╣║╗╝╜╛┐' +
  '└┴┬├─┼╞╟╚╔╩╦╠═╬╧' +
  '╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀' +
  'αßΓπΣσµτΦΘΩδ∞φε∩' +
  '≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

const CP437_HIGH_CHARS = Array.from(CP437_HIGH);
const CP437_REVERSE = new Map(CP437_HIGH_CHARS.map((c, i) => [c, 0x80 + i]));

/** TLV 14 values (P15 §9.4.2): 00 ASCII-7, 01–10 ISO 8859-n, FE UTF-8, FF CP437 (default). */
export type Charset = 'cp437' | 'iso-8859-1' | 'utf-8' | 'ascii';

export function charsetFromTlv14(code: number | undefined): Charset {
  if (code === 0xfe) return 'utf-8';
  if (code === 0x00) return 'ascii';
  if (code === 0x01) return 'iso-8859-1';
  return 'cp437';
}

export function decodeText(bytes: Uint8Array, charset: Charset = 'cp437'): string {
  if (charset === 'utf-8') return new TextDecoder('utf-8').decode(bytes);
  let out = '';
  for (const b of bytes) {
    if (b < 0x80) out += b < 0x20 ? (b === 0x0d || b === 0x0a ? '\n' : ' ') : String.fromCharCode(b);
    else if (charset === 'cp437') out += CP437_HIGH_CHARS[b - 0x80] ?? '?';
    else if (charset === 'iso-8859-1') out += String.fromCharCode(b);
    else out += '?';
  }
  return out;
}

/** Encodes to CP437; characters it lacks become '?' (a receipt line is never dropped for one letter). */
export function encodeCp437(text: string): Uint8Array {
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0x3f;
    if (code < 0x80) out.push(code);
    else out.push(CP437_REVERSE.get(ch) ?? 0x3f);
  }
  return Uint8Array.from(out);
}
