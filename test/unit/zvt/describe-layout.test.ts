/** Issue 8: a Completion 06 0F decoded without context finds its layout and says which one it used. */
import { describe, expect, test } from 'vitest';
import { fromHex } from '../../../src-main/zvt/codec/bytes';
import { describeBytes } from '../../../src-main/zvt/codec/describe';
import { encodeFrame } from '../../../src-main/zvt/codec/framing';

const STATUS_COMPLETION = fromHex('06 0F 12 F0 F1 F4 43 6F 75 6E 74 65 72 2D 56 54 20 31 2E 30 00')!;

describe('decoding a Completion without knowing the command before it', () => {
  test('the Status Enquiry layout is tried when the BMP layout does not read, and named', () => {
    for (const bytes of [STATUS_COMPLETION, encodeFrame(STATUS_COMPLETION)]) {
      const d = describeBytes(bytes);
      if (!d.ok) throw new Error(d.error.reason);
      expect(d.value).toMatchObject({
        layout: 'status-enquiry',
        fields: { softwareVersion: 'Counter-VT 1.0', terminalStatus: 0 },
      });
      expect(d.value.note).toMatch(/BMP F4.*Status Enquiry/);
    }
  });

  test('a completion that reads as BMPs stays BMPs; a forced layout is not second-guessed', () => {
    const reg = describeBytes(fromHex('06 0F 0A 19 00 29 52500001 49 0978')!);
    expect(reg.ok && reg.value).toMatchObject({ layout: 'bitmaps', fields: { terminalId: '52500001' } });
    expect(reg.ok && reg.value.note).toBeUndefined();
    expect(describeBytes(STATUS_COMPLETION, 'bitmaps').ok).toBe(false);
    // Other messages carry no layout.
    const abort = describeBytes(fromHex('06 1E 01 6C')!);
    expect(abort.ok && abort.value.layout).toBeUndefined();
  });
});
