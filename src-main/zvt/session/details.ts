/**
 * From BMP fields (04 0F, 06 0F) to TransactionDetails, and from 06 D1 / 06 D3 to receipts.
 * Receipt lines pass a PAN scrubber: a terminal that prints a full card number still never gets it past
 * the session (security bar).
 */
import { currencyByNumericCode, isLuhnValid, maskPan } from '../../../src-shared';
import { findBmp, type BmpField } from '../codec/bmp';
import { toHex } from '../codec/bytes';
import { charsetFromTlv14, decodeText } from '../codec/charset';
import type { ParsedMessage } from '../codec/messages';
import { cardTypeName } from '../codec/tables/terminal-tables';
import { findAllTlv, findTlv, tlvUint, type TlvNode } from '../codec/tlv';
import type { EndOfDayTotals, Receipt, ReceiptType, TransactionDetails } from './types';

export { DEFAULT_CARD_TOKEN_TAG } from '../codec/tables/private-tags';

const str = (f: BmpField | undefined): string | undefined =>
  typeof f?.value === 'string' ? f.value : undefined;
const num = (f: BmpField | undefined): number | undefined =>
  typeof f?.value === 'number' ? f.value : undefined;

function tlvOf(fields: readonly BmpField[]): readonly TlvNode[] | undefined {
  const f = findBmp(fields, 0x06);
  return f && Array.isArray(f.value) ? (f.value as readonly TlvNode[]) : undefined;
}

const SCHEMES = ['girocard', 'JCB', 'Eurocard/Mastercard', 'American Express', 'VISA', 'Diners', 'others'];

/** BMP 60 (P15 §3.1): receipt-from(2) receipt-to(2), then 7 × [count(1 bin) total(6 BCD)]. */
export function parseSingleTotals(raw: Uint8Array): EndOfDayTotals | undefined {
  if (raw.length < 4 + 7 * 7) return undefined;
  const bcd = (b: Uint8Array) => Array.from(b, (x) => (x >> 4).toString() + (x & 0xf).toString()).join('');
  const schemes = SCHEMES.map((scheme, k) => {
    const at = 4 + k * 7;
    return { scheme, count: raw[at] ?? 0, totalMinor: Number(bcd(raw.slice(at + 1, at + 7))) };
  });
  return { receiptFrom: bcd(raw.slice(0, 2)), receiptTo: bcd(raw.slice(2, 4)), schemes };
}

export function detailsFromFields(fields: readonly BmpField[], cardTokenTag: string): TransactionDetails {
  const tlv = tlvOf(fields);
  const amountDigits = str(findBmp(fields, 0x04));
  const ccDigits = str(findBmp(fields, 0x49));
  const currency = ccDigits ? currencyByNumericCode(Number(ccDigits)) : undefined;
  const time = str(findBmp(fields, 0x0c));
  const mmdd = str(findBmp(fields, 0x0d));
  const yymmdd = str(findBmp(fields, 0xaa));
  const cardTypeId = num(findBmp(fields, 0x8a));
  const tlvCardType = tlvUint(findTlv(tlv, '41'));
  const typeId = cardTypeId === 0xff || cardTypeId === undefined ? tlvCardType : cardTypeId;
  const token = findTlv(tlv, cardTokenTag);
  const cvm = findTlv(tlv, '1F10')?.value[0];
  const tech = findTlv(tlv, '1F12')?.value[0];
  const emvAid = findTlv(tlv, '43');
  const singleTotals = findBmp(fields, 0x60);
  const details: TransactionDetails = {
    resultCode: num(findBmp(fields, 0x27)),
    amount:
      amountDigits !== undefined && currency ? { amountMinor: Number(amountDigits), currency } : undefined,
    trace: str(findBmp(fields, 0x0b)),
    originalTrace: str(findBmp(fields, 0x37)),
    receiptNumber: str(findBmp(fields, 0x87)),
    turnoverNumber: str(findBmp(fields, 0x88)),
    terminalId: str(findBmp(fields, 0x29)),
    vuNumber: str(findBmp(fields, 0x2a)),
    maskedPan: str(findBmp(fields, 0x22)),
    cardName: str(findBmp(fields, 0x8b)),
    cardType: typeId === undefined ? undefined : { id: typeId, name: cardTypeName(typeId) },
    aid: str(findBmp(fields, 0x3b)),
    emvAid: emvAid ? toHex(emvAid.value, '') : undefined,
    date: yymmdd ? `20${yymmdd.slice(0, 2)}-${yymmdd.slice(2, 4)}-${yymmdd.slice(4, 6)}` : mmdd,
    time: time ? `${time.slice(0, 2)}:${time.slice(2, 4)}:${time.slice(4, 6)}` : undefined,
    expiry: str(findBmp(fields, 0x0e)),
    paymentType: num(findBmp(fields, 0x19)),
    cardToken: token ? new TextDecoder().decode(token.value) : undefined,
    cardholderAuthentication:
      cvm === undefined
        ? undefined
        : cvm === 0
          ? 'none'
          : cvm === 1
            ? 'signature'
            : cvm === 2
              ? 'online-pin'
              : cvm === 3 || cvm === 4
                ? 'offline-pin'
                : 'other',
    cardTechnology:
      tech === undefined
        ? undefined
        : tech === 0
          ? 'magnetic-stripe'
          : tech === 1
            ? 'chip'
            : tech === 2
              ? 'contactless'
              : 'unknown',
    additionalText: str(findBmp(fields, 0x3c)),
    totals: singleTotals ? parseSingleTotals(singleTotals.raw) : undefined,
  };
  return Object.fromEntries(Object.entries(details).filter(([, v]) => v !== undefined)) as TransactionDetails;
}

/** Masks anything on a receipt line that looks like a full card number (13–19 digits, Luhn-valid). */
export function scrubPan(line: string): string {
  return line.replace(/\d[\d ]{11,22}\d/g, (m) => {
    const digits = m.replace(/ /g, '');
    return digits.length >= 13 && digits.length <= 19 && isLuhnValid(digits) ? maskPan(digits) : m;
  });
}

const RECEIPT_TYPES: Readonly<Record<number, ReceiptType>> = {
  1: 'merchant',
  2: 'customer',
  3: 'administration',
};

/**
 * Collects print lines into receipts. 06 D1 (P15 §3.5): attribute 1xxx xxxx (≠ 80) marks the last line
 * of a receipt; FF n is n line feeds. 06 D3 (P15 §3.6): TLV 1F07 receipt type, 25 {09 attr, 07 line…}.
 */
export class ReceiptCollector {
  private readonly done: Receipt[] = [];
  private current: string[] = [];
  private currentType: ReceiptType = 'unspecified';
  private lastD3: string | null = null;

  constructor(private readonly onLine?: (line: string, type: ReceiptType) => void) {}

  private addLine(text: string): void {
    const line = scrubPan(text);
    this.current.push(line);
    this.onLine?.(line, this.currentType);
  }

  private finishReceipt(): void {
    if (this.current.length > 0) this.done.push({ type: this.currentType, lines: this.current });
    this.current = [];
    this.currentType = 'unspecified';
  }

  accept(msg: ParsedMessage): void {
    if (msg.ins === 0xd1) {
      const attr = Number(msg.prefix.attribute ?? 0);
      const text = String(msg.prefix.text ?? '');
      if (attr === 0xff) return; // line feeds only
      this.addLine(text);
      if ((attr & 0x80) !== 0 && attr !== 0x80) this.finishReceipt();
      return;
    }
    if (msg.ins === 0xd3) {
      // A repeated frame (lost ACK, P16 §3.5) would print the block twice; skip an identical block.
      const key = toHex(msg.apdu.data, '');
      if (key === this.lastD3) return;
      this.lastD3 = key;
      const tlv = tlvOf(msg.fields);
      const type = tlvUint(findTlv(tlv, '1F07'));
      if (type !== undefined) this.currentType = RECEIPT_TYPES[type] ?? 'unspecified';
      const charset = charsetFromTlv14(tlvUint(findTlv(tlv, '14')));
      let last = false;
      for (const block of findAllTlv(tlv, '25')) {
        for (const node of block.children ?? []) {
          if (node.tag === '07') this.addLine(decodeText(node.value, charset));
          if (node.tag === '09') {
            const attr = node.value[0] ?? 0;
            if ((attr & 0x80) !== 0 && attr !== 0x80) last = true;
          }
        }
      }
      if (last) this.finishReceipt();
    }
  }

  receipts(): Receipt[] {
    const out = [...this.done];
    if (this.current.length > 0) out.push({ type: this.currentType, lines: [...this.current] });
    return out;
  }
}
