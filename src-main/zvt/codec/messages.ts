/**
 * Message layouts on top of APDU + BMP + TLV: which positional bytes a message starts with (password,
 * config byte, status byte …) before its BMP block (P15 §2–§3). `parseMessage` gives the session and the
 * technician's `decode` one typed view; it never throws.
 */
import { ok } from '../../../src-shared';
import { decodeApdu, apduDataOffset, type Apdu } from './apdu';
import { decodeBcd, hexByte, toHex } from './bytes';
import { decodeText } from './charset';
import { decodeError, type Decoded } from './decode-error';
import { decodeBmps, type BmpField } from './bmp';
import { commandName } from './tables/terminal-tables';

/** Completion 06 0F has two layouts (reference §9.8); which one is meant depends on the command running. */
export type CompletionLayout = 'bitmaps' | 'status-enquiry';

export interface ParseContext {
  readonly completionLayout?: CompletionLayout;
}

export interface ParsedMessage {
  readonly cls: number;
  readonly ins: number;
  readonly name: string;
  readonly apdu: Apdu;
  /** Positional values before the BMP block, by name (password is never exposed: "[redacted]"). */
  readonly prefix: Readonly<Record<string, string | number>>;
  readonly fields: readonly BmpField[];
}

type PrefixItem =
  | { name: string; kind: 'bin1' }
  | { name: string; kind: 'password' }
  | { name: string; kind: 'bcd2-optional' }
  | { name: string; kind: 'bin1-optional' }
  | { name: string; kind: 'lllvar-optional' };

const PW: PrefixItem = { name: 'password', kind: 'password' };

function layoutOf(a: Apdu, ctx: ParseContext): PrefixItem[] | 'print-line' {
  const key = hexByte(a.cls) + hexByte(a.ins);
  switch (key) {
    case '0600':
      return [PW, { name: 'configByte', kind: 'bin1' }, { name: 'currency', kind: 'bcd2-optional' }];
    case '0620':
    case '0630':
    case '0631':
    case '0650':
    case '0693':
    case '0691':
      return [PW];
    case '0501':
      return a.data.length >= 3 ? [PW] : [];
    case '06C0':
      // Read Card: the timeout byte has no BMP tag and is present whenever anything follows (P15 §2.21).
      return [{ name: 'timeoutSeconds', kind: 'bin1-optional' }];
    case '061E':
      return [{ name: 'resultCode', kind: 'bin1' }];
    case '04FF':
      return [
        { name: 'intermediateStatus', kind: 'bin1' },
        { name: 'timeoutMinutes', kind: 'bin1-optional' },
      ];
    case '060F':
      return ctx.completionLayout === 'status-enquiry'
        ? [
            { name: 'softwareVersion', kind: 'lllvar-optional' },
            { name: 'terminalStatus', kind: 'bin1' },
          ]
        : [];
    case '06D1':
      return 'print-line';
    case '0840':
      return [{ name: 'baudRateCode', kind: 'bin1' }];
    default:
      // Negative answers are positional (84 1E 01 6F [CC], P15 §2.1), except 84 9D which carries BMP 04.
      if (a.cls === 0x84 && a.ins !== 0x9d) {
        return [
          { name: 'detailCode', kind: 'bin1-optional' },
          { name: 'currency', kind: 'bcd2-optional' },
        ];
      }
      return [];
  }
}

/** Parses an APDU given as raw bytes (header included). */
export function parseMessage(bytes: Uint8Array, ctx: ParseContext = {}): Decoded<ParsedMessage> {
  const decoded = decodeApdu(bytes);
  if (!decoded.ok) return decoded;
  const a = decoded.value;
  const base = apduDataOffset(bytes);
  const d = a.data;
  const name = commandName(a.cls, a.ins);
  const layout = layoutOf(a, ctx);
  const prefix: Record<string, string | number> = {};
  if (layout === 'print-line') {
    if (d.length < 1) return decodeError(base, 'Print Line 06 D1 needs an attribute byte');
    prefix.attribute = d[0] ?? 0;
    prefix.text = decodeText(d.slice(1), 'cp437');
    return ok({ cls: a.cls, ins: a.ins, name, apdu: a, prefix, fields: [] });
  }
  let i = 0;
  for (const item of layout) {
    switch (item.kind) {
      case 'password':
        if (i + 3 > d.length) return decodeError(base + i, `${name}: the 3-byte password is missing`);
        if (decodeBcd(d.slice(i, i + 3)) === null)
          return decodeError(base + i, `${name}: the password is not BCD`);
        prefix[item.name] = '[redacted]';
        i += 3;
        break;
      case 'bin1':
        if (i >= d.length) return decodeError(base + i, `${name}: ${item.name} byte is missing`);
        prefix[item.name] = d[i] ?? 0;
        i += 1;
        break;
      case 'bin1-optional':
        // 04 FF: the timeout byte is present when anything follows the status (P15 §3.7).
        if (i < d.length) {
          prefix[item.name] = d[i] ?? 0;
          i += 1;
        }
        break;
      case 'bcd2-optional':
        if (i + 2 <= d.length) {
          const cc = decodeBcd(d.slice(i, i + 2));
          if (cc === null)
            return decodeError(base + i, `${name}: currency code ${toHex(d.slice(i, i + 2))} is not BCD`);
          prefix[item.name] = cc;
          i += 2;
        }
        break;
      case 'lllvar-optional': {
        const b = d[i];
        if (b !== undefined && b >> 4 === 0x0f) {
          if (i + 3 > d.length) return decodeError(base + i, `${name}: LLLVAR length is cut off`);
          let n = 0;
          for (let k = 0; k < 3; k++) {
            const x = d[i + k] ?? 0;
            if (x >> 4 !== 0x0f || (x & 0x0f) > 9)
              return decodeError(base + i + k, `${name}: length digit ${hexByte(x)} is not F0–F9`);
            n = n * 10 + (x & 0x0f);
          }
          if (i + 3 + n > d.length)
            return decodeError(
              base + i,
              `${name}: ${item.name} announces ${n} bytes, ${d.length - i - 3} remain`,
            );
          prefix[item.name] = decodeText(d.slice(i + 3, i + 3 + n), 'cp437').trim();
          i += 3 + n;
        }
        break;
      }
    }
  }
  const fields = decodeBmps(d, i, base);
  if (!fields.ok) return fields;
  return ok({ cls: a.cls, ins: a.ins, name, apdu: a, prefix, fields: fields.value });
}
