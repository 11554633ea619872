import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { apduLength, decodeApdu, encodeApdu } from '../../../src-main/zvt/codec/apdu';
import { decodeBcd, encodeBcd, toHex } from '../../../src-main/zvt/codec/bytes';
import { decodeBmps, encodeBmp } from '../../../src-main/zvt/codec/bmp';
import { decodeText, encodeCp437 } from '../../../src-main/zvt/codec/charset';
import { ACK, FrameReceiver, NAK, decodeFrame, encodeFrame } from '../../../src-main/zvt/codec/framing';
import { decodeTlv, encodeTlv, type TlvNode } from '../../../src-main/zvt/codec/tlv';

const bytes = (max: number) => fc.uint8Array({ minLength: 0, maxLength: max });
const apduArb = fc.record({
  cls: fc.integer({ min: 0, max: 255 }),
  ins: fc.integer({ min: 0, max: 255 }),
  data: bytes(700),
});

/** Tags: 1-byte primitive (b6 clear, low bits ≠ 1F) or 2-byte 1Fxx / DFxx. */
const primitiveTag = fc.oneof(
  fc
    .integer({ min: 0, max: 255 })
    .filter((b) => (b & 0x20) === 0 && (b & 0x1f) !== 0x1f)
    .map((b) => b.toString(16).padStart(2, '0').toUpperCase()),
  fc
    .constantFrom('1F', 'DF')
    .chain((p) =>
      fc.integer({ min: 0, max: 0x7f }).map((b) => p + b.toString(16).padStart(2, '0').toUpperCase()),
    ),
);
const constructedTag = fc.constantFrom('24', '25', '26', '27', '2F', '60', '62', 'E4', 'E9');
const tlvTree: fc.Arbitrary<TlvNode[]> = fc.letrec<{ nodes: TlvNode[]; node: TlvNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ tag: primitiveTag, value: bytes(300) }),
    fc
      .tuple(constructedTag, tie('nodes'))
      .map(([tag, children]) => ({ tag, value: encodeTlv(children), children })),
  ),
  nodes: fc.array(tie('node'), { maxLength: 4 }),
})).nodes;

describe('codec round trips', () => {
  test('APDU encode → decode gives the same class, instruction and data, for 1-byte and FF lengths', () => {
    fc.assert(
      fc.property(apduArb, (a) => {
        const enc = encodeApdu(a);
        expect(enc[2] === 0xff).toBe(a.data.length > 254);
        const len = apduLength(enc);
        expect(len.kind === 'complete' && len.totalLength).toBe(enc.length);
        const dec = decodeApdu(enc);
        expect(dec.ok).toBe(true);
        if (dec.ok) {
          expect([dec.value.cls, dec.value.ins]).toEqual([a.cls, a.ins]);
          expect(toHex(dec.value.data)).toBe(toHex(a.data));
        }
      }),
      { numRuns: 500 },
    );
  });

  test('TLV trees (multi-byte tags, 81/82 lengths, nesting) survive encode → decode', () => {
    fc.assert(
      fc.property(tlvTree, (nodes) => {
        const enc = encodeTlv(nodes);
        const dec = decodeTlv(enc);
        expect(dec.ok).toBe(true);
        if (dec.ok) expect(toHex(encodeTlv(dec.value))).toBe(toHex(enc));
      }),
      { numRuns: 300 },
    );
  });

  test('frames survive encode → streaming receive in arbitrary chunks, between ACK/NAK and noise', () => {
    fc.assert(
      fc.property(
        fc.array(
          apduArb.map((a) => encodeApdu(a)),
          { minLength: 1, maxLength: 4 },
        ),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 10 }),
        (apdus, cuts) => {
          const stream: number[] = [0x41, 0x42]; // leading noise
          for (const a of apdus) stream.push(...encodeFrame(a), ACK, NAK);
          const rx = new FrameReceiver();
          const frames: string[] = [];
          let at = 0;
          let k = 0;
          while (at < stream.length) {
            const n = cuts[k++ % cuts.length] ?? 1;
            for (const ev of rx.push(Uint8Array.from(stream.slice(at, at + n)))) {
              if (ev.kind === 'frame') frames.push(toHex(ev.apdu));
              expect(ev.kind).not.toBe('bad-frame');
            }
            at += n;
          }
          expect(frames).toEqual(apdus.map((a) => toHex(a)));
          for (const a of apdus) {
            const back = decodeFrame(encodeFrame(a));
            expect(back.ok && toHex(back.value)).toBe(toHex(a));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test('BCD amounts round-trip through BMP 04', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999_999_999 }), (minor) => {
        const field = encodeBmp(0x04, encodeBcd(minor, 6));
        const dec = decodeBmps(field);
        expect(dec.ok && dec.value[0]?.value).toBe(String(minor).padStart(12, '0'));
        expect(Number(decodeBcd(encodeBcd(minor, 6)))).toBe(minor);
      }),
      { numRuns: 300 },
    );
  });

  test('LLVAR / LLLVAR text round-trips through CP437', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 99 }).map((s) => s.replace(/[^\x20-\x7eäöüÄÖÜß]/g, 'x')),
        (text) => {
          const field = encodeBmp(0x3c, encodeCp437(text));
          const dec = decodeBmps(field);
          expect(dec.ok && dec.value[0]?.value).toBe(text);
          expect(decodeText(encodeCp437(text))).toBe(text);
        },
      ),
      { numRuns: 200 },
    );
  });
});
