/**
 * One command exchange with the PT, as P16 §5.1 and the reference's §3 sequence describe: send the command,
 * wait T3 for 80 00 / 84 xx, then (PT is master) answer every 04 FF, 04 0F, print line and text block
 * with 80 00 00 until Completion 06 0F or Abort 06 1E hands master rights back. T4 restarts with every
 * 04 FF and 04 0F. Nothing here decides what a result means; ecr-session.ts does.
 */
import { bytesEqual } from '../codec/bytes';
import { parseMessage, type CompletionLayout, type ParsedMessage } from '../codec/messages';
import { intermediateStatusText } from '../codec/tables/intermediate-status';
import { decodeText } from '../codec/charset';
import { findAllTlv, findTlv } from '../codec/tlv';
import { findBmp } from '../codec/bmp';
import type { ApduChannel, LinkFailure } from '../link/channel';
import { ACK_POSITIVE, ackNegative, ackPartialIssue } from './commands';
import { ReceiptCollector } from './details';
import type { FailureStage, GoodsIssueAnswer, ReceiptType, StatusEvent, WaitPhase } from './types';

export type ExchangeEnd =
  | { kind: 'completion'; message: ParsedMessage }
  | { kind: 'abort'; resultCode: number; message: ParsedMessage }
  | { kind: 'refused'; resultCode: number }
  /** Commands without a completion (Log-Off, Abort): the 80 00 is the end. */
  | { kind: 'accepted'; message: ParsedMessage }
  /** Read Card: its Status-Information hands master rights back, no completion follows (P15 §2.21). */
  | { kind: 'status-information'; message: ParsedMessage }
  | {
      kind: 'link-failure';
      stage: FailureStage;
      failure: LinkFailure | { kind: 'protocol'; reason: string };
    };

export interface ExchangeResult {
  readonly end: ExchangeEnd;
  /** Every Status-Information (04 0F) received, in order (a repeated identical one only once). */
  readonly statusInfos: readonly ParsedMessage[];
  /** True once we started sending a positive answer to a 04 0F with result 00 (P15 §2.2.8). */
  readonly approvedStatusInfoAcknowledged: boolean;
  readonly receipts: ReturnType<ReceiptCollector['receipts']>;
  /** True when the command frame reached the PT (serial: ACKed; TCP: written). */
  readonly commandDelivered: boolean;
  readonly abortRequested: boolean;
  /** Messages that were waiting, unread, before the command went out (recovery inspects them). */
  readonly discarded: readonly ParsedMessage[];
}

export interface ExchangeOptions {
  readonly channel: ApduChannel;
  readonly command: Uint8Array;
  readonly t3Ms: number;
  readonly t4Ms: number;
  readonly completionLayout?: CompletionLayout;
  /** Log-Off and Abort end with the PT's 80 00 (P15 §2.24, §2.23). */
  readonly endsWithAcceptance?: boolean;
  /** Read Card ends with its 04 0F (P15 §2.21). */
  readonly endsWithStatusInformation?: boolean;
  /** The customer acts at the terminal after the 80 00 (payments, card reads), not only the terminal. */
  readonly customerFacing?: boolean;
  /** Before each wait for the PT: what for and for how long at most (the CLI tells the technician). */
  readonly onWaiting?: (phase: WaitPhase, upToMs: number, status?: StatusEvent) => void;
  readonly onStatus?: (e: StatusEvent) => void;
  /** Each print line with the receipt it belongs to (06 D3's 1F07; 'unspecified' for 06 D1 lines). */
  readonly onReceiptLine?: (line: string, type: ReceiptType) => void;
  readonly answerStatusInformation?: (info: ParsedMessage) => Promise<GoodsIssueAnswer> | GoodsIssueAnswer;
  /** Set by abort(): stray 80 00 / 84 xx answers to our 06 B0 are expected inside the loop. */
  readonly abortState?: { requested: boolean };
}

function statusEvent(msg: ParsedMessage): StatusEvent {
  const code = Number(msg.prefix.intermediateStatus ?? 0xff);
  const tlvField = findBmp(msg.fields, 0x06);
  const nodes = tlvField && Array.isArray(tlvField.value) ? tlvField.value : undefined;
  const display = findTlv(nodes, '24');
  const lines = findAllTlv(display ? [display] : [], '07').map((n) => decodeText(n.value, 'cp437'));
  return { code, text: intermediateStatusText(code), lines };
}

function answerBytes(a: GoodsIssueAnswer): Uint8Array {
  switch (a.kind) {
    case 'issued':
      return ACK_POSITIVE;
    case 'retry-later':
      return ackNegative(0x9c);
    case 'partial':
      return ackPartialIssue(a.amount.amountMinor);
    case 'failed':
      return ackNegative(a.code === 0 || a.code === 0x9c ? 0x66 : a.code);
  }
}

export async function runExchange(o: ExchangeOptions): Promise<ExchangeResult> {
  const statusInfos: ParsedMessage[] = [];
  const receipts = new ReceiptCollector(o.onReceiptLine);
  let approvedAcked = false;
  let delivered = false;
  const layout = { completionLayout: o.completionLayout ?? 'bitmaps' };
  const result = (end: ExchangeEnd): ExchangeResult => ({
    end,
    statusInfos,
    approvedStatusInfoAcknowledged: approvedAcked,
    receipts: receipts.receipts(),
    commandDelivered: delivered,
    abortRequested: o.abortState?.requested ?? false,
    discarded,
  });

  const discarded: ParsedMessage[] = [];
  for (const stale of o.channel.discardPending()) {
    const m = parseMessage(stale, layout);
    if (m.ok) discarded.push(m.value);
  }
  const sent = await o.channel.send(o.command);
  if (!sent.ok) return result({ kind: 'link-failure', stage: 'sending-command', failure: sent.error });
  delivered = true;

  // T3: the PT accepts (80 00 / 84 00) or refuses (84 xx) the command.
  o.onWaiting?.('acceptance', o.t3Ms);
  const first = await o.channel.receive(o.t3Ms);
  if (!first.ok) return result({ kind: 'link-failure', stage: 'awaiting-acceptance', failure: first.error });
  const firstMsg = parseMessage(first.value, layout);
  if (!firstMsg.ok) {
    return result({
      kind: 'link-failure',
      stage: 'awaiting-acceptance',
      failure: { kind: 'protocol', reason: firstMsg.error.reason },
    });
  }
  let pendingMessage: ParsedMessage | null = null;
  const m0 = firstMsg.value;
  if (m0.cls === 0x84 && m0.ins !== 0x00) return result({ kind: 'refused', resultCode: m0.ins });
  if (!(m0.cls === 0x80 || m0.cls === 0x84)) pendingMessage = m0; // a PT that skips 80 00 [inference]
  if (o.endsWithAcceptance) return result({ kind: 'accepted', message: m0 });

  let t4 = o.t4Ms;
  let stage: FailureStage = 'awaiting-result';
  let phase: WaitPhase = o.customerFacing ? 'customer' : 'processing';
  let lastStatus: StatusEvent | undefined;
  let lastStatusInfo: Uint8Array | null = null;
  const ack = async (bytes: Uint8Array, failStage: FailureStage): Promise<ExchangeEnd | null> => {
    const r = await o.channel.send(bytes);
    return r.ok ? null : { kind: 'link-failure', stage: failStage, failure: r.error };
  };

  for (;;) {
    let msg: ParsedMessage;
    if (pendingMessage) {
      msg = pendingMessage;
      pendingMessage = null;
    } else {
      o.onWaiting?.(phase, t4, lastStatus);
      const next = await o.channel.receive(t4);
      if (!next.ok) return result({ kind: 'link-failure', stage, failure: next.error });
      const parsed = parseMessage(next.value, layout);
      if (!parsed.ok) {
        // P15 §13: an unreadable message is answered 84 9A (protocol error); the PT decides what follows.
        const failed = await ack(ackNegative(0x9a), stage);
        if (failed) return result(failed);
        continue;
      }
      msg = parsed.value;
    }
    const key = (msg.cls << 8) | msg.ins;
    switch (key) {
      case 0x04ff: {
        lastStatus = statusEvent(msg);
        o.onStatus?.(lastStatus);
        const minutes = Number(msg.prefix.timeoutMinutes ?? 0);
        // P15 §3.7: a timeout byte (BCD minutes) in 04 FF sets a new T4; otherwise T4 simply restarts.
        if (minutes > 0) t4 = ((minutes >> 4) * 10 + (minutes & 0x0f)) * 60_000;
        const failed = await ack(ACK_POSITIVE, stage);
        if (failed) return result(failed);
        break;
      }
      case 0x040f: {
        const repeated = lastStatusInfo !== null && bytesEqual(lastStatusInfo, msg.apdu.data);
        lastStatusInfo = msg.apdu.data;
        if (!repeated) statusInfos.push(msg);
        const rc = findBmp(msg.fields, 0x27)?.value ?? 0;
        let answer: GoodsIssueAnswer = { kind: 'issued' };
        // A repeated 04 0F (goods-issue loop, P15 §2.2.6) is asked again: the goods may be ready now.
        if (rc === 0 && o.answerStatusInformation) answer = await o.answerStatusInformation(msg);
        if (rc === 0 && (answer.kind === 'issued' || answer.kind === 'partial')) approvedAcked = true;
        const failed = await ack(answerBytes(answer), 'acknowledging-result');
        if (failed) return result(failed);
        if (o.endsWithStatusInformation) return result({ kind: 'status-information', message: msg });
        stage = 'receiving-receipt';
        phase = 'completion';
        lastStatus = undefined;
        break;
      }
      case 0x06d1:
      case 0x06d3: {
        receipts.accept(msg);
        const failed = await ack(ACK_POSITIVE, 'receiving-receipt');
        if (failed) return result(failed);
        break;
      }
      case 0x0401: {
        const failed = await ack(ACK_POSITIVE, stage);
        if (failed) return result(failed);
        break;
      }
      case 0x060f: {
        // The completion arrived: its content decides even if our last ACK is lost (P15 §2.2.9).
        await ack(ACK_POSITIVE, 'awaiting-completion');
        return result({ kind: 'completion', message: msg });
      }
      case 0x061e: {
        await ack(ACK_POSITIVE, 'awaiting-completion');
        return result({ kind: 'abort', resultCode: Number(msg.prefix.resultCode ?? 0xff), message: msg });
      }
      default:
        if (msg.cls === 0x80 || msg.cls === 0x84) break; // answer to our 06 B0 during the payment
        {
          const failed = await ack(ackNegative(0x83), stage);
          if (failed) return result(failed);
        }
    }
  }
}
