/**
 * APDU layout (P16 §5.2.4): CLASS INSTR LEN DATA. LEN is one byte for 0–254; `FF lo hi` introduces a
 * 2-byte little-endian length (so 255 bytes must be sent as `FF FF 00`). The length counts the data only.
 */
import { ok } from '../../../src-shared';
import { decodeError, type Decoded } from './decode-error';

export interface Apdu {
  /** CLASS for commands, CCRC for answers (80 / 84). */
  readonly cls: number;
  /** INSTR for commands, APRC for answers. */
  readonly ins: number;
  readonly data: Uint8Array;
}

export const MAX_APDU_DATA = 0xffff;
/** Header (3 or 5 bytes) plus the largest data block: the bound every receive buffer is held to. */
export const MAX_APDU_BYTES = 5 + MAX_APDU_DATA;

export function apdu(cls: number, ins: number, data: Uint8Array | readonly number[] = []): Apdu {
  return { cls, ins, data: data instanceof Uint8Array ? data : Uint8Array.from(data) };
}

export function encodeApdu(a: Apdu): Uint8Array {
  const n = a.data.length;
  if (n > MAX_APDU_DATA) throw new RangeError(`APDU data of ${n} bytes exceeds ${MAX_APDU_DATA}`);
  const header = n <= 0xfe ? [a.cls, a.ins, n] : [a.cls, a.ins, 0xff, n & 0xff, n >> 8];
  const out = new Uint8Array(header.length + n);
  out.set(header, 0);
  out.set(a.data, header.length);
  return out;
}

export type ApduLength =
  { kind: 'complete'; headerLength: number; totalLength: number } | { kind: 'need-more' };

/**
 * How long the APDU that starts at `bytes[0]` is, from its header alone (how a TCP stream is split,
 * P16 §4). Needs 3 bytes, or 5 when the length byte is FF.
 */
export function apduLength(bytes: Uint8Array): ApduLength {
  if (bytes.length < 3) return { kind: 'need-more' };
  const first = bytes[2] ?? 0;
  if (first !== 0xff) return { kind: 'complete', headerLength: 3, totalLength: 3 + first };
  if (bytes.length < 5) return { kind: 'need-more' };
  const n = (bytes[3] ?? 0) | ((bytes[4] ?? 0) << 8);
  return { kind: 'complete', headerLength: 5, totalLength: 5 + n };
}

/** Decodes exactly one APDU that fills `bytes`; `baseOffset` shifts reported offsets (e.g. inside a frame). */
export function decodeApdu(bytes: Uint8Array, baseOffset = 0): Decoded<Apdu> {
  if (bytes.length < 3) {
    return decodeError(baseOffset + bytes.length, `an APDU needs at least 3 bytes, got ${bytes.length}`);
  }
  const len = apduLength(bytes);
  if (len.kind === 'need-more') {
    return decodeError(
      baseOffset + bytes.length,
      'extended length FF needs 2 more length bytes, the APDU ends first',
    );
  }
  if (bytes.length < len.totalLength) {
    return decodeError(
      baseOffset + bytes.length,
      `length field says ${len.totalLength - len.headerLength} data bytes, only ${bytes.length - len.headerLength} present`,
    );
  }
  if (bytes.length > len.totalLength) {
    return decodeError(
      baseOffset + len.totalLength,
      `${bytes.length - len.totalLength} bytes follow the end the length field announces`,
    );
  }
  return ok({
    cls: bytes[0] ?? 0,
    ins: bytes[1] ?? 0,
    data: bytes.slice(len.headerLength),
  });
}

/** The offset of the data block inside the encoded APDU (3 or 5), for error offsets of nested decoders. */
export function apduDataOffset(encoded: Uint8Array): number {
  return encoded[2] === 0xff ? 5 : 3;
}

export const isPositiveAck = (a: Apdu): boolean =>
  (a.cls === 0x80 && a.ins === 0x00) || (a.cls === 0x84 && a.ins === 0x00);
export const isNegativeAck = (a: Apdu): boolean => a.cls === 0x84 && a.ins !== 0x00;
