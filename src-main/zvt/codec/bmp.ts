/**
 * BMP fields (P15 §13, §3.1): a one-byte tag followed by a value of fixed or self-described length.
 * A parser must know every BMP's length to walk a block, so an unknown BMP ends decoding with an error
 * (the PT answers such a command with 84 83 00, P15 §13). Order is free (P15 §3.1.1).
 *
 * Security: track data (23, 24, 2D) and card-verification data never leave the decoder in clear; a PAN in
 * BMP 22 is passed through `maskPan` unless the PT already masked it.
 */
import { maskPan, ok } from '../../../src-shared';
import { decodeBcd, decodeMaskedBcd, hexByte, toHex } from './bytes';
import { decodeText } from './charset';
import { decodeError, type Decoded } from './decode-error';
import { decodeTlv, encodeTlvLength, type TlvNode } from './tlv';

export type BmpFormat =
  | { kind: 'bin'; length: number }
  | { kind: 'bcd'; length: number }
  | { kind: 'ascii'; length: number }
  | { kind: 'llvar'; content: BmpContent }
  | { kind: 'lllvar'; content: BmpContent }
  | { kind: 'tlv' };

/** How a variable-length value reads: raw bytes, text, BCD digits, a masked PAN, or secret (redacted). */
export type BmpContent = 'bin' | 'text' | 'bcd' | 'pan' | 'secret' | 'cstring';

export interface BmpSpec {
  readonly id: number;
  readonly name: string;
  readonly format: BmpFormat;
}

const fixed = (kind: 'bin' | 'bcd' | 'ascii', length: number): BmpFormat => ({ kind, length });
const ll = (content: BmpContent): BmpFormat => ({ kind: 'llvar', content });
const lll = (content: BmpContent): BmpFormat => ({ kind: 'lllvar', content });

const SPECS: BmpSpec[] = [
  { id: 0x01, name: 'timeout', format: fixed('bin', 1) },
  { id: 0x02, name: 'maxStatusInfos', format: fixed('bin', 1) },
  { id: 0x03, name: 'serviceByte', format: fixed('bin', 1) },
  { id: 0x04, name: 'amount', format: fixed('bcd', 6) },
  { id: 0x05, name: 'pumpNumber', format: fixed('bin', 1) },
  { id: 0x06, name: 'tlv', format: { kind: 'tlv' } },
  { id: 0x0b, name: 'trace', format: fixed('bcd', 3) },
  { id: 0x0c, name: 'time', format: fixed('bcd', 3) },
  { id: 0x0d, name: 'date', format: fixed('bcd', 2) },
  { id: 0x0e, name: 'expiry', format: fixed('bcd', 2) },
  { id: 0x17, name: 'cardSequenceNumber', format: fixed('bcd', 2) },
  { id: 0x19, name: 'statusOrPaymentType', format: fixed('bin', 1) },
  { id: 0x22, name: 'pan', format: ll('pan') },
  { id: 0x23, name: 'track2', format: ll('secret') },
  { id: 0x24, name: 'track3', format: lll('secret') },
  { id: 0x27, name: 'resultCode', format: fixed('bin', 1) },
  { id: 0x29, name: 'terminalId', format: fixed('bcd', 4) },
  { id: 0x2a, name: 'vuNumber', format: fixed('ascii', 15) },
  { id: 0x2d, name: 'track1', format: ll('secret') },
  { id: 0x2e, name: 'syncChipData', format: lll('secret') },
  { id: 0x37, name: 'originalTrace', format: fixed('bcd', 3) },
  { id: 0x3a, name: 'cvv', format: { kind: 'bcd', length: 2 } },
  { id: 0x3b, name: 'aid', format: fixed('ascii', 8) },
  { id: 0x3c, name: 'additionalText', format: lll('text') },
  { id: 0x3d, name: 'password', format: fixed('bcd', 3) },
  { id: 0x49, name: 'currency', format: fixed('bcd', 2) },
  { id: 0x4c, name: 'blockedGoodsGroups', format: ll('bcd') },
  { id: 0x60, name: 'singleTotals', format: lll('bin') },
  { id: 0x87, name: 'receiptNumber', format: fixed('bcd', 2) },
  { id: 0x88, name: 'turnoverNumber', format: fixed('bcd', 3) },
  { id: 0x8a, name: 'cardType', format: fixed('bin', 1) },
  { id: 0x8b, name: 'cardName', format: ll('cstring') },
  { id: 0x8c, name: 'networkCardType', format: fixed('bin', 1) },
  { id: 0x92, name: 'ecCashChipOfflineData', format: lll('bin') },
  { id: 0x9a, name: 'geldkartePaymentRecord', format: lll('bin') },
  { id: 0xa0, name: 'resultCodeAs', format: fixed('bin', 1) },
  { id: 0xa7, name: 'chipDataEfId', format: ll('secret') },
  { id: 0xaa, name: 'dateYYMMDD', format: fixed('bcd', 3) },
  { id: 0xaf, name: 'efInfo', format: lll('bin') },
  { id: 0xba, name: 'aidParameter', format: fixed('bin', 5) },
  { id: 0xd0, name: 'algorithmKey', format: fixed('bin', 1) },
  { id: 0xd1, name: 'cardOffsetPinData', format: ll('secret') },
  { id: 0xd2, name: 'cardOutputDirection', format: fixed('bin', 1) },
  { id: 0xd3, name: 'dukptKeyId', format: fixed('bin', 1) },
  { id: 0xe0, name: 'inputMinLength', format: fixed('bin', 1) },
  ...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => ({ id: 0xe0 + n, name: `text2Line${n}`, format: ll('text') })),
  { id: 0xe9, name: 'inputMaxLength', format: fixed('bin', 1) },
  { id: 0xea, name: 'inputEcho', format: fixed('bin', 1) },
  { id: 0xf0, name: 'displayDuration', format: fixed('bin', 1) },
  ...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => ({ id: 0xf0 + n, name: `text1Line${n}`, format: ll('text') })),
  { id: 0xf9, name: 'beeps', format: fixed('bin', 1) },
  { id: 0xfa, name: 'cardReaderActivation', format: fixed('bin', 1) },
  { id: 0xfb, name: 'confirmationRequired', format: fixed('bin', 1) },
  { id: 0xfc, name: 'dialogControl', format: fixed('bin', 1) },
  { id: 0xfd, name: 'displayDevice', format: fixed('bin', 1) },
];

export const BMP_SPECS: ReadonlyMap<number, BmpSpec> = new Map(SPECS.map((s) => [s.id, s]));

export type BmpValue = number | string | readonly TlvNode[];

export interface BmpField {
  readonly bmp: number;
  readonly name: string;
  /** Offset of the BMP tag byte in the caller's buffer. */
  readonly offset: number;
  /** The value bytes (without tag and LL/LLL prefix). Secret fields keep them only for re-encoding. */
  readonly raw: Uint8Array;
  /** Readable value: a number (bin, 1 byte), digits (BCD), text, hex (other bin), TLV nodes, or "[redacted]". */
  readonly value: BmpValue;
}

function readVarLength(bytes: Uint8Array, at: number, digits: 2 | 3, bmp: number): Decoded<number> {
  if (at + digits > bytes.length) {
    return decodeError(at, `BMP ${hexByte(bmp)}: its ${digits === 2 ? 'LL' : 'LLL'} length is cut off`);
  }
  let n = 0;
  for (let k = 0; k < digits; k++) {
    const b = bytes[at + k] ?? 0;
    // LLVAR/LLLVAR digits are F0–F9 (P16 §5.2.8).
    if (b >> 4 !== 0x0f || (b & 0x0f) > 9) {
      return decodeError(at + k, `BMP ${hexByte(bmp)}: length digit ${hexByte(b)} is not F0–F9`);
    }
    n = n * 10 + (b & 0x0f);
  }
  return ok(n);
}

function readable(spec: BmpSpec, raw: Uint8Array, at: number): Decoded<BmpValue> {
  const f = spec.format;
  const content: BmpContent | 'ascii' | 'tlv' =
    f.kind === 'llvar' || f.kind === 'lllvar' ? f.content : f.kind === 'tlv' ? 'tlv' : f.kind;
  switch (content) {
    case 'bin':
      return ok(raw.length === 1 ? (raw[0] ?? 0) : toHex(raw, ''));
    case 'bcd': {
      if (spec.id === 0x3a) return ok('[redacted]');
      // 87 FF FF = "no receipt" in the 06 23 enquiry and its 06 1E B8 answer (P15 §2.10).
      if (spec.id === 0x87 && raw[0] === 0xff && raw[1] === 0xff) return ok('FFFF');
      const digits = decodeBcd(raw);
      if (digits === null)
        return decodeError(at, `BMP ${hexByte(spec.id)} (${spec.name}) is not BCD: ${toHex(raw)}`);
      return ok(digits);
    }
    case 'ascii':
      return ok(decodeText(raw, 'cp437').replace(/\0+$/, '').trimEnd());
    case 'text':
      return ok(decodeText(raw, 'cp437'));
    case 'cstring': {
      const end = raw.indexOf(0);
      return ok(decodeText(end === -1 ? raw : raw.slice(0, end), 'cp437'));
    }
    case 'pan': {
      const digits = decodeMaskedBcd(raw);
      if (digits === null) return decodeError(at, `BMP 22 (PAN) has a nibble other than 0–9, D, E, F`);
      // A PT that sends the full number still never gets it past the decoder (security bar).
      return ok(digits.includes('*') ? digits : maskPan(digits));
    }
    case 'secret':
      return ok('[redacted]');
    case 'tlv':
      return ok([]);
  }
}

/**
 * Walks a block of BMPs from `start` to the end of `bytes`. `baseOffset` is added to every reported
 * offset (use the data offset inside the APDU so offsets match the captured bytes).
 */
export function decodeBmps(bytes: Uint8Array, start = 0, baseOffset = 0): Decoded<BmpField[]> {
  const fields: BmpField[] = [];
  let i = start;
  while (i < bytes.length) {
    const tagAt = i;
    const id = bytes[i] ?? 0;
    const spec = BMP_SPECS.get(id);
    if (!spec) {
      return decodeError(
        baseOffset + i,
        `unknown BMP ${hexByte(id)}: its length is unknown, so the rest cannot be read`,
      );
    }
    i += 1;
    let length: number;
    const f = spec.format;
    if (f.kind === 'llvar' || f.kind === 'lllvar') {
      const n = readVarLength(bytes, i, f.kind === 'llvar' ? 2 : 3, id);
      if (!n.ok) return decodeError(baseOffset + n.error.offset, n.error.reason);
      i += f.kind === 'llvar' ? 2 : 3;
      length = n.value;
    } else if (f.kind === 'tlv') {
      const lengthAt = i;
      const l0 = bytes[i];
      if (l0 === undefined) return decodeError(baseOffset + i, 'BMP 06 (TLV container) has no length byte');
      if (l0 < 0x80) {
        length = l0;
        i += 1;
      } else if (l0 === 0x81 || l0 === 0x82) {
        const count = l0 - 0x80;
        if (i + 1 + count > bytes.length) {
          return decodeError(
            baseOffset + lengthAt,
            `BMP 06: length form ${hexByte(l0)} needs ${count} more bytes`,
          );
        }
        length = count === 1 ? (bytes[i + 1] ?? 0) : ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
        i += 1 + count;
      } else {
        return decodeError(
          baseOffset + lengthAt,
          `BMP 06: length byte ${hexByte(l0)} is invalid (00–7F, 81 LL, 82 HH LL)`,
        );
      }
    } else {
      length = f.length;
    }
    if (i + length > bytes.length) {
      return decodeError(
        baseOffset + tagAt,
        `BMP ${hexByte(id)} (${spec.name}) needs ${length} bytes, only ${bytes.length - i} remain`,
      );
    }
    const raw = bytes.slice(i, i + length);
    let value: BmpValue;
    if (f.kind === 'tlv') {
      const nodes = decodeTlv(raw, baseOffset + i);
      if (!nodes.ok) return nodes;
      value = nodes.value;
    } else {
      const r = readable(spec, raw, baseOffset + i);
      if (!r.ok) return r;
      value = r.value;
    }
    fields.push({ bmp: id, name: spec.name, offset: baseOffset + tagAt, raw, value });
    i += length;
  }
  return ok(fields);
}

/** Encodes one BMP with its prefix. Values are raw bytes already in the field's format. */
export function encodeBmp(id: number, raw: Uint8Array | readonly number[]): Uint8Array {
  const spec = BMP_SPECS.get(id);
  if (!spec) throw new RangeError(`BMP ${hexByte(id)} is not in the table`);
  const value = raw instanceof Uint8Array ? raw : Uint8Array.from(raw);
  const f = spec.format;
  let prefix: number[] = [];
  if (f.kind === 'llvar' || f.kind === 'lllvar') {
    const digits = f.kind === 'llvar' ? 2 : 3;
    const max = digits === 2 ? 99 : 999;
    if (value.length > max)
      throw new RangeError(`BMP ${hexByte(id)} value of ${value.length} bytes exceeds ${max}`);
    prefix = Array.from(String(value.length).padStart(digits, '0'), (d) => 0xf0 | Number(d));
  } else if (f.kind === 'tlv') {
    prefix = encodeTlvLength(value.length);
  } else if (value.length !== f.length) {
    throw new RangeError(`BMP ${hexByte(id)} takes ${f.length} bytes, got ${value.length}`);
  }
  const out = new Uint8Array(1 + prefix.length + value.length);
  out[0] = id;
  out.set(prefix, 1);
  out.set(value, 1 + prefix.length);
  return out;
}

export function findBmp(fields: readonly BmpField[], id: number): BmpField | undefined {
  return fields.find((f) => f.bmp === id);
}
