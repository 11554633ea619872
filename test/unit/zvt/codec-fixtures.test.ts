import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { money } from '../../../src-shared';
import { fromHex, toHex } from '../../../src-main/zvt/codec/bytes';
import { describeBytes } from '../../../src-main/zvt/codec/describe';
import { crc16Kermit, decodeFrame, encodeFrame, zvtCrc } from '../../../src-main/zvt/codec/framing';
import { encodeApdu } from '../../../src-main/zvt/codec/apdu';
import { encodeBmp } from '../../../src-main/zvt/codec/bmp';
import { encodeTlv, tlv, tlvConstructed } from '../../../src-main/zvt/codec/tlv';
import * as commands from '../../../src-main/zvt/session/commands';

interface Fixture {
  name: string;
  hex: string;
  context?: 'status-enquiry';
  encoder?: string;
  expect: Record<string, string | number>;
}

const fixtures = (
  JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../fixtures/zvt/messages.json'), 'utf8')) as {
    messages: Fixture[];
  }
).messages;

const eur = (minor: number) => money(minor, 'EUR');
const PW = '000000';
const encoders: Record<string, () => Uint8Array> = {
  registration: () =>
    commands.registration({
      password: PW,
      configByte: 0xbe,
      currency: 'EUR',
      tlv: [commands.PERMIT_TEXT_BLOCKS],
    }),
  logOff: () => commands.logOff(),
  authorization: () => commands.authorization({ amount: eur(190), paymentType: 0x40, tlv: [] }),
  preAuthorisation: () => commands.preAuthorisation({ amount: eur(5000), paymentType: 0x40, tlv: [] }),
  partialReversal: () => commands.partialReversal({ receiptNumber: '0007', amount: eur(1000) }),
  enquireOpenPreAuths: () => commands.enquireOpenPreAuths(),
  bookTotal: () => commands.bookTotal({ receiptNumber: '0007', amount: eur(4000) }),
  preAuthReversal: () => commands.preAuthReversal({ receiptNumber: '0231' }),
  reversal: () => commands.reversal(PW, { receiptNumber: '0231' }),
  refund: () => commands.refund(PW, { amount: eur(500), paymentType: 0x40, tlv: [] }),
  endOfDay: () => commands.endOfDay(PW),
  diagnosis: () => commands.diagnosis(2),
  repeatReceipt: () => commands.repeatReceipt(PW),
  abortCommand: () => commands.abortCommand(),
  statusEnquiry: () => commands.statusEnquiry(PW),
  ackPartialIssue: () => commands.ackPartialIssue(100),
  readCard: () => commands.readCard({ timeoutSeconds: 30 }),
  readCardWithOptions: () => commands.readCard({ timeoutSeconds: 15, cardType: 0x10, dialogControl: 0x02 }),
};

describe('ZVT messages from the reference decode to named fields', () => {
  test.each(fixtures.map((f) => [f.name, f] as const))('%s', (_name, f) => {
    const bytes = fromHex(f.hex);
    expect(bytes).not.toBeNull();
    const d = describeBytes(bytes!, f.context ?? 'bitmaps');
    if (!d.ok) throw new Error(`decode failed ${d.error.offset}: ${d.error.reason}`);
    for (const [key, value] of Object.entries(f.expect)) {
      if (key === 'command') expect(d.value.command).toBe(value);
      else expect(d.value.fields[key], key).toEqual(value);
    }
    if (f.encoder) {
      const build = encoders[f.encoder];
      expect(build, `encoder ${f.encoder}`).toBeDefined();
      expect(toHex(build!())).toBe(toHex(bytes!));
    }
  });

  test('every fixture named with an encoder has one, and the session builds every ECR command', () => {
    expect(
      fixtures
        .filter((f) => f.encoder)
        .map((f) => f.encoder)
        .sort(),
    ).toEqual(Object.keys(encoders).sort());
  });

  test('decoded results carry readable texts in English and German', () => {
    const d = describeBytes(fromHex('06 1E 01 6C')!);
    expect(d.ok && d.value.texts.resultCode).toEqual({
      en: 'abort via timeout or abort key',
      de: 'Abbruch durch Timeout oder Abbruch-Taste',
    });
    const s = describeBytes(fromHex('04 FF 01 0A')!);
    expect(s.ok && s.value.texts.intermediateStatus).toEqual({ en: 'Insert card', de: 'Karte einstecken' });
  });

  test('the approved status information yields the card token and masked PAN, never more', () => {
    const f = fixtures.find((x) => x.name.startsWith('status information: approved'))!;
    const d = describeBytes(fromHex(f.hex)!);
    if (!d.ok) throw new Error(d.error.reason);
    const json = JSON.stringify(d.value);
    expect(json).toContain('0f6b2a4e-1c3d-4e5f-8a7b-000000000001');
    expect(json).toContain('433026******4675');
    expect(json).not.toContain('4330264936344675');
  });
});

describe('CRC and framing (P16 §3)', () => {
  test('CRC-16/KERMIT check value is 0x2189', () => {
    expect(crc16Kermit(new TextEncoder().encode('123456789'))).toBe(0x2189);
  });

  test('80 00 00 is framed with CRC F5 1F, low byte first (reference §1.2)', () => {
    expect(toHex(encodeFrame(fromHex('80 00 00')!))).toBe('10 02 80 00 00 10 03 F5 1F');
    expect(zvtCrc(fromHex('800000')!)).toBe(0x1ff5);
  });

  test('110.00 EUR doubles every 10 in the APDU and leaves the CRC unstuffed', () => {
    const apdu = fromHex('06 01 07 04 00 00 00 01 10 00')!;
    const frame = encodeFrame(apdu);
    const hex = toHex(frame);
    expect(hex.startsWith('10 02 06 01 07 04 00 00 00 01 10 10 00 10 03')).toBe(true);
    expect(frame.length).toBe(2 + apdu.length + 1 + 2 + 2);
    const back = decodeFrame(frame);
    expect(back.ok && toHex(back.value)).toBe(toHex(apdu));
  });

  test('a data block of 255 bytes uses the extended length FF FF 00', () => {
    const a = encodeApdu({ cls: 0x06, ins: 0xd3, data: new Uint8Array(255) });
    expect(toHex(a.slice(0, 5))).toBe('06 D3 FF FF 00');
    const small = encodeApdu({ cls: 0x06, ins: 0xd3, data: new Uint8Array(254) });
    expect(toHex(small.slice(0, 3))).toBe('06 D3 FE');
  });

  test('a text block of 1209 TLV bytes has APDU length FF BD 04 (LE) and BMP 06 length 82 04 B9 (BE)', () => {
    const lines = Array.from({ length: 30 }, (_, i) => tlv('07', new Uint8Array(36).fill(0x41 + (i % 26))));
    const block = tlvConstructed('25', lines);
    const container = encodeTlv([tlv('1F07', [2]), block]);
    const padding = 1209 - container.length;
    const nodes = [
      tlv('1F07', [2]),
      block,
      tlv('1F37', new Uint8Array(padding - 3 < 128 ? padding - 3 : padding - 4)),
    ];
    const value = encodeTlv(nodes);
    expect(value.length).toBe(1209);
    const apdu = encodeApdu({ cls: 0x06, ins: 0xd3, data: encodeBmp(0x06, value) });
    expect(toHex(apdu.slice(0, 9))).toBe('06 D3 FF BD 04 06 82 04 B9');
    const d = describeBytes(apdu);
    expect(d.ok).toBe(true);
  });
});
