import { describe, expect, test } from 'vitest';
import { fromHex } from '../../../src-main/zvt/codec/bytes';
import { decodeFrame } from '../../../src-main/zvt/codec/framing';
import { parseMessage } from '../../../src-main/zvt/codec/messages';
import { decodeTlv } from '../../../src-main/zvt/codec/tlv';

const at = (hex: string) => {
  const r = parseMessage(fromHex(hex)!);
  if (r.ok) throw new Error('expected an error');
  return r.error;
};

describe('decoding errors name the offset and what was wrong', () => {
  test('a length field longer than the data', () => {
    expect(at('06 01 07 04 00 00')).toMatchObject({
      offset: 6,
      reason: expect.stringContaining('says 7 data bytes'),
    });
  });
  test('an unknown BMP stops decoding at its tag', () => {
    expect(at('06 01 02 77 00')).toMatchObject({
      offset: 3,
      reason: expect.stringContaining('unknown BMP 77'),
    });
  });
  test('a BCD field with a non-digit nibble', () => {
    expect(at('06 01 07 04 00 00 00 00 1A 90')).toMatchObject({
      offset: 4,
      reason: expect.stringContaining('not BCD'),
    });
  });
  test('an LLVAR length digit that is not F0–F9', () => {
    expect(at('04 0F 03 22 F1 3A')).toMatchObject({
      offset: 5,
      reason: expect.stringContaining('not F0–F9'),
    });
  });
  test('a TLV length beyond the container', () => {
    expect(at('06 01 04 06 02 41 05')).toMatchObject({
      offset: 6,
      reason: expect.stringContaining('announces 5 bytes'),
    });
  });
  test('a TLV length form 83 is invalid', () => {
    const r = decodeTlv(fromHex('1F 10 83 00 00 01')!);
    expect(!r.ok && r.error).toMatchObject({ offset: 2, reason: expect.stringContaining('83 is invalid') });
  });
  test('a frame with a wrong CRC says which bytes were expected', () => {
    const r = decodeFrame(fromHex('10 02 80 00 00 10 03 F5 1E')!);
    expect(!r.ok && r.error).toMatchObject({ offset: 7, reason: expect.stringContaining('expected F5 1F') });
  });
  test('a DLE followed by a stray byte inside a frame', () => {
    const r = decodeFrame(fromHex('10 02 80 10 05 00 10 03 00 00')!);
    expect(!r.ok && r.error).toMatchObject({
      offset: 4,
      reason: expect.stringContaining('DLE followed by 05'),
    });
  });
});
