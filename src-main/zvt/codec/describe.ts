/**
 * `terminal decode <hex>`: a captured frame or APDU → JSON with named fields. Frames (10 02 …) are
 * checked (DLE stuffing, CRC) and unwrapped first. Secrets stay redacted (bmp.ts).
 */
import { err, ok, type Result } from '../../../src-shared';
import { toHex } from './bytes';
import { describeDecodeError, type DecodeError } from './decode-error';
import { decodeFrame } from './framing';
import { parseMessage, type CompletionLayout } from './messages';
import { resultCodeText } from './tables/result-codes';
import { intermediateStatusText } from './tables/intermediate-status';
import { cardTypeName, terminalStatusText } from './tables/terminal-tables';
import type { TlvNode } from './tlv';
import type { BmpValue } from './bmp';

const TLV_NAMES: Readonly<Record<string, string>> = {
  '07': 'textLine',
  '08': 'receiptNumber',
  '09': 'printAttribute',
  '0A': 'command',
  '10': 'merchantDisplaySize',
  '11': 'customerDisplaySize',
  '12': 'printerWidth',
  '14': 'charset',
  '15': 'language',
  '1A': 'maxApduSize',
  '1B': 'diagnosisType',
  '1F04': 'receiptParameters',
  '1F05': 'transactionParameters',
  '1F06': 'reservationType',
  '1F07': 'receiptType',
  '1F10': 'cardholderAuthentication',
  '1F11': 'onlineFlag',
  '1F12': 'cardTechnology',
  '1F16': 'vendorErrorCode',
  '1F17': 'vendorErrorText',
  '1F1F': 'uniqueTransactionId',
  '1F2B': 'longTraceNumber',
  '1F37': 'receiptInfo',
  '1F44': 'terminalId',
  '1F71': 'supportedTags',
  '23': 'openPreAuthorisations',
  '24': 'displayTexts',
  '25': 'printTexts',
  '26': 'permittedCommands',
  '27': 'charsets',
  '28': 'languages',
  '2F': 'paymentType',
  '34': 'dateTime',
  '40': 'emvConfig',
  '41': 'cardTypeId',
  '42': 'applicationLabel',
  '43': 'emvAid',
  '60': 'application',
  '62': 'chipApplications',
  DF7C: 'cardToken (Counter)',
};

export interface DescribedTlv {
  readonly tag: string;
  readonly name?: string;
  readonly hex: string;
  readonly text?: string;
  readonly children?: readonly DescribedTlv[];
}

function describeTlv(nodes: readonly TlvNode[]): DescribedTlv[] {
  return nodes.map((n) => {
    const printable = n.value.length > 0 && n.value.every((b) => b >= 0x20 && b < 0x7f);
    return {
      tag: n.tag,
      ...(TLV_NAMES[n.tag] ? { name: TLV_NAMES[n.tag] } : {}),
      hex: toHex(n.value),
      ...(printable && !n.children ? { text: new TextDecoder().decode(n.value) } : {}),
      ...(n.children ? { children: describeTlv(n.children) } : {}),
    };
  });
}

export interface Described {
  readonly kind: 'frame' | 'apdu';
  readonly command: string;
  readonly class: string;
  readonly instruction: string;
  readonly length: number;
  readonly fields: Readonly<Record<string, string | number | readonly DescribedTlv[]>>;
  readonly texts: Readonly<Record<string, { en: string; de: string }>>;
  readonly bmps: readonly { bmp: string; name: string; offset: number }[];
  /** Completion 06 0F only: which of its two layouts was read (reference §9.8). */
  readonly layout?: CompletionLayout;
  /** Why that layout, when it was chosen without context. */
  readonly note?: string;
}

const plain = (v: BmpValue): string | number | readonly DescribedTlv[] =>
  typeof v === 'string' || typeof v === 'number' ? v : describeTlv(v);

/**
 * Without `completionLayout`, a Completion 06 0F is read as BMPs, and when that does not read, as the
 * completion of a Status Enquiry ([LLLVAR software version] status [06 TLV], P15 §2.56.5); the result says
 * which layout was used and why. With it, only that layout is tried.
 */
export function describeBytes(
  bytes: Uint8Array,
  completionLayout?: CompletionLayout,
): Result<Described, DecodeError> {
  let apduBytes = bytes;
  let kind: Described['kind'] = 'apdu';
  if (bytes[0] === 0x10 && bytes[1] === 0x02) {
    const f = decodeFrame(bytes);
    if (!f.ok) return f;
    apduBytes = f.value;
    kind = 'frame';
  }
  const isCompletion = apduBytes[0] === 0x06 && apduBytes[1] === 0x0f;
  let layout: CompletionLayout = completionLayout ?? 'bitmaps';
  let note: string | undefined;
  let m = parseMessage(apduBytes, { completionLayout: layout });
  if (!m.ok && isCompletion && completionLayout === undefined) {
    const asStatus = parseMessage(apduBytes, { completionLayout: 'status-enquiry' });
    if (asStatus.ok) {
      note =
        `the BMP layout does not read (${m.error.reason} at offset ${m.error.offset}), so this was read as the ` +
        'completion of a Status Enquiry: [LLLVAR software version] terminal status [06 TLV] (P15 §2.56.5)';
      layout = 'status-enquiry';
      m = asStatus;
    }
  }
  if (!m.ok) {
    // Offsets inside a frame refer to the un-stuffed APDU; say so.
    return kind === 'frame'
      ? err({ ...m.error, reason: `${m.error.reason} (offset within the APDU inside the frame)` })
      : m;
  }
  const msg = m.value;
  const fields: Record<string, string | number | readonly DescribedTlv[]> = { ...msg.prefix };
  for (const f of msg.fields) fields[f.name] = plain(f.value);
  const texts: Record<string, { en: string; de: string }> = {};
  const rc =
    typeof fields.resultCode === 'number'
      ? fields.resultCode
      : msg.cls === 0x84 && msg.ins !== 0
        ? msg.ins
        : undefined;
  if (rc !== undefined) texts.resultCode = resultCodeText(rc);
  if (typeof fields.intermediateStatus === 'number')
    texts.intermediateStatus = intermediateStatusText(fields.intermediateStatus);
  if (typeof fields.terminalStatus === 'number')
    texts.terminalStatus = terminalStatusText(fields.terminalStatus);
  if (typeof fields.cardType === 'number')
    texts.cardType = { en: cardTypeName(fields.cardType), de: cardTypeName(fields.cardType) };
  return ok({
    kind,
    command: msg.name,
    class: toHex(Uint8Array.of(msg.cls)),
    instruction: toHex(Uint8Array.of(msg.ins)),
    length: msg.apdu.data.length,
    fields,
    texts,
    bmps: msg.fields.map((f) => ({ bmp: toHex(Uint8Array.of(f.bmp)), name: f.name, offset: f.offset })),
    ...(isCompletion ? { layout } : {}),
    ...(note ? { note } : {}),
  });
}

export { describeDecodeError };
