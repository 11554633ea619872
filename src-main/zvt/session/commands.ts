/**
 * ECR → PT command APDUs (P15 §2). Pure builders; values are validated by the session before they get here,
 * so a bad value is a bug and throws.
 */
import { currencyNumericCode, type CurrencyCode, type Money } from '../../../src-shared';
import { encodeApdu } from '../codec/apdu';
import { concatBytes, encodeBcd } from '../codec/bytes';
import { encodeBmp } from '../codec/bmp';
import { encodeTlv, tlv, tlvConstructed, type TlvNode } from '../codec/tlv';

/** Registration config byte bits (P15 Table 1). */
export const CONFIG = {
  ecrPrintsPaymentReceipts: 0x02,
  ecrPrintsAdminReceipts: 0x04,
  intermediateStatus: 0x08,
  ecrControlsPayment: 0x10,
  ecrControlsAdmin: 0x20,
  ptSendsPrintLines: 0x80,
} as const;

/** Counter's choice: the ECR prints every receipt from the PT's lines, wants statuses, starts everything. */
export const COUNTER_CONFIG_BYTE = 0xbe;

/** Service byte of Repeat Receipt (P15 §2.20): bit0 = also resend the Status-Information. */
export const REPEAT_RECEIPT_WITH_STATUS_INFO = 0x01;

export const MAX_ZVT_AMOUNT_MINOR = 999_999_999_999;

const pw = (password: string) => encodeBcd(password, 3);
const amountBmp = (amountMinor: number) => encodeBmp(0x04, encodeBcd(amountMinor, 6));
const currencyBmp = (currency: CurrencyCode) => encodeBmp(0x49, encodeBcd(currencyNumericCode(currency), 2));
const receiptBmp = (receipt: string | number) => encodeBmp(0x87, encodeBcd(receipt, 2));
const tlvBmp = (nodes: readonly TlvNode[]) => encodeBmp(0x06, encodeTlv(nodes));
const cmd = (cls: number, ins: number, ...parts: Uint8Array[]) =>
  encodeApdu({ cls, ins, data: concatBytes(parts) });

/** TLV 26 {0A 06 D3}: the PT may send text blocks instead of single lines (P15 §9.4.2.2). */
export const PERMIT_TEXT_BLOCKS: TlvNode = tlvConstructed('26', [tlv('0A', [0x06, 0xd3])]);

export interface RegistrationParams {
  readonly password: string;
  readonly configByte: number;
  readonly currency: CurrencyCode;
  readonly serviceByte?: number;
  readonly tlv?: readonly TlvNode[];
}

export function registration(p: RegistrationParams): Uint8Array {
  const parts = [pw(p.password), Uint8Array.of(p.configByte), encodeBcd(currencyNumericCode(p.currency), 2)];
  if (p.serviceByte !== undefined) parts.push(encodeBmp(0x03, [p.serviceByte]));
  if (p.tlv) parts.push(tlvBmp(p.tlv));
  return cmd(0x06, 0x00, ...parts);
}

export interface PaymentParams {
  readonly amount: Money;
  /** BMP 19; 0x40 = the PT decides (P15 Table 4). */
  readonly paymentType?: number;
  /** BMP 02: how often the PT repeats 04 0F when we answer 84 9C (goods issue). */
  readonly maxStatusInfos?: number;
  readonly tlv?: readonly TlvNode[];
}

function paymentBody(p: PaymentParams): Uint8Array[] {
  const parts = [amountBmp(p.amount.amountMinor), currencyBmp(p.amount.currency)];
  if (p.paymentType !== undefined) parts.push(encodeBmp(0x19, [p.paymentType]));
  if (p.maxStatusInfos !== undefined) parts.push(encodeBmp(0x02, [p.maxStatusInfos]));
  if (p.tlv) parts.push(tlvBmp(p.tlv));
  return parts;
}

export const authorization = (p: PaymentParams) => cmd(0x06, 0x01, ...paymentBody(p));
export const preAuthorisation = (p: PaymentParams) => cmd(0x06, 0x22, ...paymentBody(p));

export interface ReceiptRefParams {
  readonly receiptNumber: string;
  readonly amount?: Money;
}

function receiptRefBody(p: ReceiptRefParams): Uint8Array[] {
  const parts = [receiptBmp(p.receiptNumber)];
  if (p.amount) parts.push(amountBmp(p.amount.amountMinor), currencyBmp(p.amount.currency));
  return parts;
}

/** 06 24: book `amount` (the used amount) of the pre-authorisation `receiptNumber`. */
export const bookTotal = (p: ReceiptRefParams) => cmd(0x06, 0x24, ...receiptRefBody(p));
/** 06 23: release `amount` (the unused amount) and book the rest. */
export const partialReversal = (p: ReceiptRefParams) => cmd(0x06, 0x23, ...receiptRefBody(p));
/** 06 23 03 87 FF FF: does any open pre-authorisation exist? (P15 §2.10) */
export const enquireOpenPreAuths = () => cmd(0x06, 0x23, encodeBmp(0x87, [0xff, 0xff]));
export const preAuthReversal = (p: ReceiptRefParams) => cmd(0x06, 0x25, ...receiptRefBody(p));
export const reversal = (password: string, p: ReceiptRefParams) =>
  cmd(0x06, 0x30, pw(password), ...receiptRefBody(p));
export const refund = (password: string, p: PaymentParams) =>
  cmd(0x06, 0x31, pw(password), ...paymentBody(p));
export const endOfDay = (password: string) => cmd(0x06, 0x50, pw(password));
export const logOff = () => cmd(0x06, 0x02);
export const abortCommand = () => cmd(0x06, 0xb0);
export const repeatReceipt = (password: string, serviceByte = REPEAT_RECEIPT_WITH_STATUS_INFO) =>
  cmd(0x06, 0x20, pw(password), encodeBmp(0x03, [serviceByte]));
/** 05 01: svc bit1 = no SW version … we want it, so 0 (P15 §2.56). */
export const statusEnquiry = (password: string, serviceByte = 0) =>
  cmd(0x05, 0x01, pw(password), encodeBmp(0x03, [serviceByte]));
/** 06 70 with TLV 1B diagnosis type: 01 line, 02 extended (default), 03 configuration … (P15 §2.17). */
export const diagnosis = (type?: number) =>
  type === undefined ? cmd(0x06, 0x70) : cmd(0x06, 0x70, tlvBmp([tlv('1B', [type])]));

export interface ReadCardParams {
  /** Seconds the PT waits for a card (1 byte binary, no BMP tag: the first byte of the data, P15 §2.21). */
  readonly timeoutSeconds: number;
  /** BMP 19: which card types to read. */
  readonly cardType?: number;
  /** BMP FC: dialog control. */
  readonly dialogControl?: number;
}

/** 06 C0: read a card without a payment; an empty TLV container (06 00) allows the PT's TLV answer (P15 §9.2). */
export function readCard(p: ReadCardParams): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.of(p.timeoutSeconds)];
  if (p.cardType !== undefined) parts.push(encodeBmp(0x19, [p.cardType]));
  if (p.dialogControl !== undefined) parts.push(encodeBmp(0xfc, [p.dialogControl]));
  parts.push(tlvBmp([]));
  return cmd(0x06, 0xc0, ...parts);
}

/** Positive and negative acknowledgements the ECR sends. */
export const ACK_POSITIVE = Uint8Array.of(0x80, 0x00, 0x00);
export const ackNegative = (code: number) => Uint8Array.of(0x84, code, 0x00);
/** 84 9D 07 04 <amount>: partial issue of goods (P15 §2.2.6). */
export const ackPartialIssue = (amountMinor: number) => cmd(0x84, 0x9d, amountBmp(amountMinor));
