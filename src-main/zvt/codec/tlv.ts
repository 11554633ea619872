/**
 * TLV container of BMP 06 (P15 §9): BER-like tags (multi-byte when the low 5 bits are 11111, continued
 * while b8 is set), lengths 00–7F, `81 LL` or `82 HH LL` (big-endian, unlike the APDU length), and
 * constructed tags (b6 set) that nest further data objects. Lengths are authoritative (§9.4).
 */
import { ok } from '../../../src-shared';
import { hexByte } from './bytes';
import { decodeError, type Decoded } from './decode-error';

export interface TlvNode {
  /** The tag bytes in upper-case hex, e.g. "1F10", "24". */
  readonly tag: string;
  readonly value: Uint8Array;
  /** Present for constructed tags (b6 of the first tag byte set). */
  readonly children?: readonly TlvNode[];
}

/** Nesting deeper than this is refused: the spec nests at most three levels, hostile input could nest 30k. */
export const MAX_TLV_DEPTH = 8;
/** A tag longer than this many bytes is refused (the spec's longest is 3). */
const MAX_TAG_BYTES = 4;

export function isConstructedTag(tag: string): boolean {
  return (parseInt(tag.slice(0, 2), 16) & 0x20) !== 0;
}

export function encodeTlvLength(n: number): number[] {
  if (n < 0x80) return [n];
  if (n <= 0xff) return [0x81, n];
  if (n <= 0xffff) return [0x82, n >> 8, n & 0xff];
  throw new RangeError(`TLV length ${n} exceeds 65535`);
}

function tagBytes(tag: string): number[] {
  if (!/^([0-9A-F]{2})+$/.test(tag)) throw new RangeError(`TLV tag '${tag}' is not upper-case hex bytes`);
  const out: number[] = [];
  for (let i = 0; i < tag.length; i += 2) out.push(parseInt(tag.slice(i, i + 2), 16));
  return out;
}

export function encodeTlv(nodes: readonly TlvNode[]): Uint8Array {
  const out: number[] = [];
  for (const n of nodes) {
    const value = n.children ? encodeTlv(n.children) : n.value;
    out.push(...tagBytes(n.tag), ...encodeTlvLength(value.length));
    for (const b of value) out.push(b);
  }
  return Uint8Array.from(out);
}

/** Builders: a primitive node, or a constructed node from children. */
export function tlv(tag: string, value: Uint8Array | readonly number[] | string): TlvNode {
  const bytes =
    typeof value === 'string'
      ? new TextEncoder().encode(value)
      : value instanceof Uint8Array
        ? value
        : Uint8Array.from(value);
  return { tag, value: bytes };
}

export function tlvConstructed(tag: string, children: readonly TlvNode[]): TlvNode {
  return { tag, value: encodeTlv(children), children };
}

/**
 * Decodes the data objects in `bytes`; `baseOffset` is where `bytes` starts in the caller's buffer.
 * Never throws: truncated tags, bad length forms, lengths past the end and runaway nesting are errors.
 */
export function decodeTlv(bytes: Uint8Array, baseOffset = 0, depth = 0): Decoded<TlvNode[]> {
  if (depth > MAX_TLV_DEPTH) {
    return decodeError(baseOffset, `TLV nested deeper than ${MAX_TLV_DEPTH} levels`);
  }
  const nodes: TlvNode[] = [];
  let i = 0;
  while (i < bytes.length) {
    const tagStart = i;
    const first = bytes[i] ?? 0;
    let tag = hexByte(first);
    i += 1;
    if ((first & 0x1f) === 0x1f) {
      // Subsequent tag bytes: b8 = 1 announces one more (P15 §9.3.1).
      for (;;) {
        if (i >= bytes.length) {
          return decodeError(baseOffset + i, `TLV tag ${tag}… is cut off: a further tag byte is missing`);
        }
        const b = bytes[i] ?? 0;
        tag += hexByte(b);
        i += 1;
        if ((b & 0x80) === 0) break;
        if (tag.length / 2 >= MAX_TAG_BYTES) {
          return decodeError(baseOffset + tagStart, `TLV tag ${tag}… is longer than ${MAX_TAG_BYTES} bytes`);
        }
      }
    }
    if (i >= bytes.length) {
      return decodeError(baseOffset + i, `TLV tag ${tag} has no length byte`);
    }
    const lengthAt = i;
    const l0 = bytes[i] ?? 0;
    i += 1;
    let length: number;
    if (l0 < 0x80) length = l0;
    else if (l0 === 0x81 || l0 === 0x82) {
      const count = l0 - 0x80;
      if (i + count > bytes.length) {
        return decodeError(
          baseOffset + lengthAt,
          `TLV tag ${tag}: length form ${hexByte(l0)} needs ${count} more bytes`,
        );
      }
      length = count === 1 ? (bytes[i] ?? 0) : ((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0);
      i += count;
    } else {
      return decodeError(
        baseOffset + lengthAt,
        `TLV tag ${tag}: length byte ${hexByte(l0)} is invalid (00–7F, 81 LL or 82 HH LL)`,
      );
    }
    if (i + length > bytes.length) {
      return decodeError(
        baseOffset + lengthAt,
        `TLV tag ${tag} announces ${length} bytes, only ${bytes.length - i} remain`,
      );
    }
    const value = bytes.slice(i, i + length);
    if (isConstructedTag(tag)) {
      const children = decodeTlv(value, baseOffset + i, depth + 1);
      if (!children.ok) return children;
      nodes.push({ tag, value, children: children.value });
    } else {
      nodes.push({ tag, value });
    }
    i += length;
  }
  return ok(nodes);
}

/** Depth-first search for the first node with `tag` (constructed containers are searched too). */
export function findTlv(nodes: readonly TlvNode[] | undefined, tag: string): TlvNode | undefined {
  if (!nodes) return undefined;
  for (const n of nodes) {
    if (n.tag === tag) return n;
    const inner = findTlv(n.children, tag);
    if (inner) return inner;
  }
  return undefined;
}

export function findAllTlv(nodes: readonly TlvNode[] | undefined, tag: string): TlvNode[] {
  const out: TlvNode[] = [];
  for (const n of nodes ?? []) {
    if (n.tag === tag) out.push(n);
    out.push(...findAllTlv(n.children, tag));
  }
  return out;
}

/** Unsigned big-endian integer value of a primitive node (TLV numbers are binary, hi byte first). */
export function tlvUint(node: TlvNode | undefined): number | undefined {
  if (!node || node.value.length === 0 || node.value.length > 6) return undefined;
  return node.value.reduce((n, b) => n * 256 + b, 0);
}
