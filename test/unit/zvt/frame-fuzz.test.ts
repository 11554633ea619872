/**
 * Fuzz/property run of the frame parser and message decoder: 100,000 random and mutated inputs
 * (issue 4). Nothing may throw, every call returns (no hang), and the receive buffer stays bounded.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { MAX_APDU_BYTES, encodeApdu } from '../../../src-main/zvt/codec/apdu';
import { describeBytes } from '../../../src-main/zvt/codec/describe';
import { FrameReceiver, decodeFrame, encodeFrame } from '../../../src-main/zvt/codec/framing';
import { parseMessage } from '../../../src-main/zvt/codec/messages';
import { decodeTlv } from '../../../src-main/zvt/codec/tlv';
import { fromHex } from '../../../src-main/zvt/codec/bytes';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const seeds = (
  JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../fixtures/zvt/messages.json'), 'utf8')) as {
    messages: { hex: string }[];
  }
).messages.map((m) => fromHex(m.hex)!);

/** Valid frames of real messages, then mutated: flipped, inserted, deleted bytes, truncation, DLE storms. */
const mutated = fc
  .tuple(
    fc.constantFrom(...seeds),
    fc.array(
      fc.tuple(
        fc.constantFrom('flip', 'insert', 'delete', 'dle', 'truncate'),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
      ),
      { minLength: 1, maxLength: 4 },
    ),
    fc.boolean(),
  )
  .map(([apdu, edits, framed]) => {
    const b = Array.from(framed ? encodeFrame(apdu) : apdu);
    for (const [op, pos, val] of edits) {
      const i = b.length === 0 ? 0 : pos % b.length;
      if (op === 'flip') b[i] = (b[i] ?? 0) ^ (1 << (val % 8));
      else if (op === 'insert') b.splice(i, 0, val);
      else if (op === 'delete') b.splice(i, 1);
      else if (op === 'dle') b.splice(i, 0, 0x10, val % 2 ? 0x02 : 0x10);
      else b.length = i;
    }
    return Uint8Array.from(b);
  });

const random = fc.uint8Array({ minLength: 0, maxLength: 200 });

function exercise(input: Uint8Array, rx: FrameReceiver): void {
  for (const ev of rx.push(input)) {
    if (ev.kind === 'frame') parseMessage(ev.apdu);
  }
  expect(rx.buffered).toBeLessThanOrEqual(MAX_APDU_BYTES);
  const frame = decodeFrame(input);
  if (!frame.ok) expect(frame.error.offset).toBeLessThanOrEqual(input.length);
  const msg = parseMessage(input);
  if (!msg.ok) {
    expect(msg.error.offset).toBeGreaterThanOrEqual(0);
    expect(msg.error.offset).toBeLessThanOrEqual(input.length);
    expect(msg.error.reason.length).toBeGreaterThan(0);
  }
  describeBytes(input);
  decodeTlv(input);
}

describe('frame parser and decoders under hostile input', () => {
  test('50,000 random inputs: no exception, offsets inside the input, bounded buffer', () => {
    const rx = new FrameReceiver();
    fc.assert(
      fc.property(random, (input) => exercise(input, rx)),
      { numRuns: 50_000 },
    );
  });

  test('50,000 mutated real messages (framed and bare): no exception, bounded buffer', () => {
    const rx = new FrameReceiver();
    fc.assert(
      fc.property(mutated, (input) => exercise(input, rx)),
      { numRuns: 50_000 },
    );
  });

  test('an endless frame without DLE ETX is dropped at the APDU size bound and parsing resumes', () => {
    const rx = new FrameReceiver();
    const chunk = new Uint8Array(4096).fill(0x41);
    let bad = 0;
    for (const ev of rx.push(Uint8Array.of(0x10, 0x02))) expect(ev.kind).not.toBe('frame');
    for (let i = 0; i < 20; i++) {
      for (const ev of rx.push(chunk)) if (ev.kind === 'bad-frame') bad += 1;
      expect(rx.buffered).toBeLessThanOrEqual(MAX_APDU_BYTES);
    }
    expect(bad).toBe(1);
    const frames = rx.push(encodeFrame(encodeApdu({ cls: 0x80, ins: 0, data: new Uint8Array(0) })));
    expect(frames.some((e) => e.kind === 'frame')).toBe(true);
  });

  test('TLV nested 2,000 levels deep is refused with an offset, not a stack overflow', () => {
    let inner: number[] = [];
    for (let i = 0; i < 2_000; i++) inner = [0x24, 0x82, inner.length >> 8, inner.length & 0xff, ...inner];
    const r = decodeTlv(Uint8Array.from(inner));
    expect(!r.ok && r.error.reason).toContain('nested deeper than');
  });
});
