/**
 * What the virtual PT sends: Status-Information 04 0F, intermediate status 04 FF, print lines 06 D1,
 * text blocks 06 D3, Completion 06 0F, Abort 06 1E (P15 §3). Pure builders.
 */
import {
  currencyNumericCode,
  maskPan,
  toDecimalString,
  type Money,
  type TestCard,
} from '../../../src-shared';
import { encodeApdu } from '../codec/apdu';
import { concatBytes, encodeBcd, encodeMaskedBcd } from '../codec/bytes';
import { encodeBmp } from '../codec/bmp';
import { encodeCp437 } from '../codec/charset';
import { CARD_TYPE_BY_BRAND, cardTypeName } from '../codec/tables/terminal-tables';
import { encodeTlv, tlv, tlvConstructed, type TlvNode } from '../codec/tlv';

const cmd = (cls: number, ins: number, ...parts: Uint8Array[]) =>
  encodeApdu({ cls, ins, data: concatBytes(parts) });

export const ACCEPT = Uint8Array.of(0x80, 0x00, 0x00);
export const refuse = (code: number) => Uint8Array.of(0x84, code, 0x00);

export function intermediateStatus(code: number, displayLine?: string): Uint8Array {
  if (!displayLine) return cmd(0x04, 0xff, Uint8Array.of(code));
  // With TLV the timeout byte must be present too (P15 §3.7); 00 = keep the ECR's T4.
  const display = tlvConstructed('24', [tlv('07', encodeCp437(displayLine))]);
  return cmd(0x04, 0xff, Uint8Array.of(code, 0x00), encodeBmp(0x06, encodeTlv([display])));
}

export interface StatusInfoData {
  readonly resultCode: number;
  readonly amount?: Money;
  readonly trace?: number;
  readonly originalTrace?: number;
  readonly receipt?: number;
  readonly turnover?: number;
  readonly at: Date;
  readonly terminalId: string;
  readonly vuNumber?: string;
  readonly card?: TestCard;
  readonly pin?: boolean;
  readonly authCode?: string;
  readonly tokenTag?: string;
  readonly tlvAllowed: boolean;
  readonly singleTotals?: Uint8Array;
}

const two = (n: number) => String(n).padStart(2, '0');

export function statusInformation(d: StatusInfoData): Uint8Array {
  const parts: Uint8Array[] = [encodeBmp(0x27, [d.resultCode])];
  if (d.amount) parts.push(encodeBmp(0x04, encodeBcd(d.amount.amountMinor, 6)));
  if (d.trace !== undefined) parts.push(encodeBmp(0x0b, encodeBcd(d.trace % 1_000_000, 3)));
  if (d.originalTrace !== undefined) parts.push(encodeBmp(0x37, encodeBcd(d.originalTrace % 1_000_000, 3)));
  const t = d.at;
  parts.push(encodeBmp(0x0c, encodeBcd(two(t.getHours()) + two(t.getMinutes()) + two(t.getSeconds()), 3)));
  parts.push(encodeBmp(0x0d, encodeBcd(two(t.getMonth() + 1) + two(t.getDate()), 2)));
  if (d.card) {
    parts.push(encodeBmp(0x0e, encodeBcd(d.card.expiry.slice(2, 4) + d.card.expiry.slice(0, 2), 2)));
    parts.push(encodeBmp(0x19, [d.pin ? 0x70 : 0x60]));
    parts.push(encodeBmp(0x22, encodeMaskedBcd(maskPan(d.card.pan))));
  }
  parts.push(encodeBmp(0x29, encodeBcd(d.terminalId, 4)));
  if (d.vuNumber) parts.push(encodeBmp(0x2a, encodeCp437(d.vuNumber.padEnd(15, ' ').slice(0, 15))));
  if (d.authCode) {
    const aid = new Uint8Array(8);
    aid.set(encodeCp437(d.authCode.slice(0, 8)));
    parts.push(encodeBmp(0x3b, aid));
  }
  if (d.amount) parts.push(encodeBmp(0x49, encodeBcd(currencyNumericCode(d.amount.currency), 2)));
  if (d.receipt !== undefined) parts.push(encodeBmp(0x87, encodeBcd(d.receipt % 10_000, 2)));
  if (d.turnover !== undefined) parts.push(encodeBmp(0x88, encodeBcd(d.turnover % 1_000_000, 3)));
  if (d.card) {
    const typeId = CARD_TYPE_BY_BRAND[d.card.brand] ?? 0xff;
    parts.push(encodeBmp(0x8a, [typeId]));
    const name = typeId === 0xff ? 'Card' : cardTypeName(typeId);
    parts.push(encodeBmp(0x8b, concatBytes([encodeCp437(name), [0x00]])));
  }
  if (d.singleTotals) parts.push(encodeBmp(0x60, d.singleTotals));
  if (d.tlvAllowed && d.card) {
    const nodes: TlvNode[] = [
      tlv('1F10', [d.pin ? 0x02 : 0x00]),
      tlv('1F12', [d.pin ? 0x01 : 0x02]),
      tlv(
        '43',
        d.card.brand === 'VISA' ? [0xa0, 0, 0, 0, 0x03, 0x10, 0x10] : [0xa0, 0, 0, 0, 0x04, 0x10, 0x10],
      ),
    ];
    // The card token in a privately-defined tag (docs/zvt.md "Card token"), only on success.
    if (d.resultCode === 0 && d.tokenTag) nodes.push(tlv(d.tokenTag, d.card.token));
    parts.push(encodeBmp(0x06, encodeTlv(nodes)));
  }
  return cmd(0x04, 0x0f, ...parts);
}

/**
 * The answer to Read Card (06 C0, P15 §2.21): a Status-Information with what a terminal gives an ECR about a
 * card: result 00, expiry (0E), the PAN masked as terminals mask it for ECRs (22, `E` nibbles), the card type
 * and name (8A, 8B), and in TLV the technology (1F12), the chip application (43) and the card's token, the
 * same as in its payments. No track data, no full PAN, no amount, trace or receipt: nothing was booked.
 */
export function cardDataInformation(d: {
  readonly card: TestCard;
  readonly chip: boolean;
  readonly tokenTag: string;
  readonly tlvAllowed: boolean;
}): Uint8Array {
  const typeId = CARD_TYPE_BY_BRAND[d.card.brand] ?? 0xff;
  const parts: Uint8Array[] = [
    encodeBmp(0x27, [0x00]),
    encodeBmp(0x0e, encodeBcd(d.card.expiry.slice(2, 4) + d.card.expiry.slice(0, 2), 2)),
    encodeBmp(0x22, encodeMaskedBcd(maskPan(d.card.pan))),
    encodeBmp(0x8a, [typeId]),
    encodeBmp(0x8b, concatBytes([encodeCp437(typeId === 0xff ? 'Card' : cardTypeName(typeId)), [0x00]])),
  ];
  if (d.tlvAllowed) {
    const aid =
      d.card.brand === 'VISA' ? [0xa0, 0, 0, 0, 0x03, 0x10, 0x10] : [0xa0, 0, 0, 0, 0x04, 0x10, 0x10];
    const nodes: TlvNode[] = [tlv('1F12', [d.chip ? 0x01 : 0x02]), tlv('43', aid)];
    if (d.tokenTag) nodes.push(tlv(d.tokenTag, d.card.token));
    parts.push(encodeBmp(0x06, encodeTlv(nodes)));
  }
  return cmd(0x04, 0x0f, ...parts);
}

/** 04 0F 02 27 rc: the short form after an auto-reversal (reference §9.7). */
export const shortStatusInformation = (rc: number) => cmd(0x04, 0x0f, encodeBmp(0x27, [rc]));
export const completion = () => cmd(0x06, 0x0f);
export const abortMessage = (rc: number) => cmd(0x06, 0x1e, Uint8Array.of(rc));
/** 06 1E 04 B8 87 <receipt | FF FF>: answer to "open pre-authorisations?" (P15 §2.10). */
export const openPreAuthAnswer = (receipt: number | null) =>
  cmd(
    0x06,
    0x1e,
    Uint8Array.of(0xb8),
    encodeBmp(0x87, receipt === null ? [0xff, 0xff] : encodeBcd(receipt, 2)),
  );

export function registrationCompletion(
  terminalId: string,
  currency: number,
  tlvAllowed: boolean,
): Uint8Array {
  const parts = [
    encodeBmp(0x19, [0x00]),
    encodeBmp(0x29, encodeBcd(terminalId, 4)),
    encodeBmp(0x49, encodeBcd(currency, 2)),
  ];
  if (tlvAllowed) parts.push(encodeBmp(0x06, encodeTlv([tlv('1F44', encodeBcd(terminalId, 4))])));
  return cmd(0x06, 0x0f, ...parts);
}

/** Completion after Status Enquiry: LLLVAR software version, terminal status (P15 §2.56.5). */
export function statusEnquiryCompletion(softwareVersion: string, status: number): Uint8Array {
  const sw = encodeCp437(softwareVersion);
  const ll = Array.from(String(sw.length).padStart(3, '0'), (c) => 0xf0 | Number(c));
  return cmd(0x06, 0x0f, Uint8Array.from(ll), sw, Uint8Array.of(status));
}

/** One receipt as 06 D1 lines: the last line carries attribute 0x81 (last line of a receipt). */
export function printLines(lines: readonly string[]): Uint8Array[] {
  return lines.map((line, i) =>
    cmd(0x06, 0xd1, Uint8Array.of(i === lines.length - 1 ? 0x81 : 0x00), encodeCp437(line)),
  );
}

/** One receipt as a single 06 D3 text block: 1F07 type, 25 {07 lines…, 09 81 = end of receipt}. */
export function textBlock(type: 1 | 2 | 3, lines: readonly string[]): Uint8Array {
  const block = tlvConstructed('25', [...lines.map((l) => tlv('07', encodeCp437(l))), tlv('09', [0x81])]);
  return cmd(0x06, 0xd3, encodeBmp(0x06, encodeTlv([tlv('1F07', [type]), block])));
}

export interface ReceiptText {
  readonly title: string;
  readonly amount?: Money;
  readonly card?: TestCard;
  readonly trace?: number;
  readonly receipt?: number;
  readonly terminalId: string;
  readonly at: Date;
  readonly outcome: string;
  readonly copy: 'Kundenbeleg' | 'Händlerbeleg' | 'Administration';
  readonly merchant: string;
  readonly extra?: readonly string[];
}

export function receiptLines(r: ReceiptText): string[] {
  const lines = [r.merchant, r.title, r.copy];
  if (r.amount) lines.push(`Betrag ${r.amount.currency} ${toDecimalString(r.amount).replace('.', ',')}`);
  if (r.card)
    lines.push(`${cardTypeName(CARD_TYPE_BY_BRAND[r.card.brand] ?? 0)}`, `Karte ${maskPan(r.card.pan)}`);
  lines.push(`Terminal-ID ${r.terminalId}`);
  if (r.trace !== undefined) lines.push(`Trace-Nr. ${String(r.trace).padStart(6, '0')}`);
  if (r.receipt !== undefined) lines.push(`Beleg-Nr. ${String(r.receipt).padStart(4, '0')}`);
  const t = r.at;
  lines.push(
    `${two(t.getDate())}.${two(t.getMonth() + 1)}.${t.getFullYear()} ${two(t.getHours())}:${two(t.getMinutes())}`,
  );
  lines.push(...(r.extra ?? []), r.outcome);
  return lines;
}
