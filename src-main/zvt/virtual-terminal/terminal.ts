/**
 * The virtual card terminal (PT side), per the reference's simulator notes (§7): answers every command
 * within T3, keeps trace/receipt/turnover counters and a journal, books a transaction only after the ECR
 * acknowledged its 04 0F and every print message (P15 §2.2.8), auto-reverses otherwise, and offers fault
 * injection. The same object serves any number of links (pty, TCP, in-process); state lives here.
 */
import {
  currencyNumericCode,
  DEFAULT_TEST_CARD_ID,
  testCardById,
  type CurrencyCode,
  type TestCard,
} from '../../../src-shared';
import { decodeBcd, hexByte } from '../codec/bytes';
import { parseMessage, type ParsedMessage } from '../codec/messages';
import { findBmp } from '../codec/bmp';
import { findTlv } from '../codec/tlv';
import { ApduStreamLink } from '../link/apdu-stream-link';
import type { ApduChannel } from '../link/channel';
import { SerialLink, SPEC_LINK_TIMERS, type SerialLinkTimers } from '../link/serial-link';
import { DEFAULT_CARD_TOKEN_TAG } from '../codec/tables/private-tags';
import type { ByteStream } from '../link/byte-stream';
import { Conversation } from './conversation';
import * as flows from './flows';
import { readCard } from './read-card-flow';
import {
  DEFAULT_VT_TIMERS,
  type FlowTerminal,
  type TerminalJournalEntry,
  type VirtualFault,
  type VirtualTerminalTimers,
  type VtEvent,
} from './state';
import {
  ACCEPT,
  completion,
  intermediateStatus,
  printLines,
  receiptLines,
  refuse,
  registrationCompletion,
  statusEnquiryCompletion,
  textBlock,
  type ReceiptText,
} from './pt-messages';

export interface VirtualTerminalOptions {
  readonly terminalId?: string;
  readonly vuNumber?: string;
  readonly password?: string;
  readonly currency?: CurrencyCode;
  readonly merchant?: string;
  readonly cardId?: string;
  readonly timers?: Partial<VirtualTerminalTimers>;
  readonly clock?: () => Date;
  readonly tokenTag?: string;
}

export {
  DEFAULT_VT_TIMERS,
  FAULT_NAMES,
  type TerminalJournalEntry,
  type JournalKind,
  type VirtualFault,
  type VirtualTerminalTimers,
  type VtEvent,
} from './state';

export class VirtualTerminal implements FlowTerminal {
  readonly timers: VirtualTerminalTimers;
  readonly terminalId: string;
  readonly vuNumber: string;
  readonly password: string;
  readonly currency: CurrencyCode;
  readonly merchant: string;
  readonly tokenTag: string;
  readonly clock: () => Date;
  configByte = 0x86; // P15 §2.24: the value after Log-Off / before Registration
  tlvAllowed = false;
  textBlocksAllowed = false;
  trace = 0;
  receipt = 0;
  turnover = 0;
  batch = 1;
  readonly journal: TerminalJournalEntry[] = [];
  private readonly faults: VirtualFault[] = [];
  private linkFaultCounts = { 'bad-crc': 0, 'missing-ack': 0 };
  private card: TestCard;
  private noCard = false;
  private readonly listeners = new Set<(e: VtEvent) => void>();
  private activeChannel: ApduChannel | null = null;

  constructor(options: VirtualTerminalOptions = {}) {
    this.timers = { ...DEFAULT_VT_TIMERS, ...options.timers };
    this.terminalId = options.terminalId ?? '52500001';
    this.vuNumber = options.vuNumber ?? '4711000000';
    this.password = options.password ?? '000000';
    this.currency = options.currency ?? 'EUR';
    this.merchant = options.merchant ?? 'Counter Demo Shop';
    this.tokenTag = options.tokenTag ?? DEFAULT_CARD_TOKEN_TAG;
    this.clock = options.clock ?? (() => new Date());
    this.card = this.lookupCard(options.cardId ?? DEFAULT_TEST_CARD_ID);
  }

  private lookupCard(id: string): TestCard {
    const card = testCardById(id);
    if (!card) throw new RangeError(`unknown test card '${id}'; see src-shared/test-cards.ts`);
    return card;
  }

  /** The card the "customer" presents from now on (sticky until changed). */
  presentCard(id: string): void {
    this.card = this.lookupCard(id);
    this.noCard = false;
  }

  /** The customer presents no card from now on (until presentCard): reading times out, payments end in 6C. */
  presentNoCard(): void {
    this.noCard = true;
  }

  get presentedCard(): TestCard {
    return this.card;
  }

  get presentedCardOrNone(): TestCard | null {
    return this.noCard ? null : this.card;
  }

  /** Queues a fault for the next command (link faults count frames). */
  injectFault(fault: VirtualFault): void {
    if (fault.kind === 'bad-crc' || fault.kind === 'missing-ack') {
      this.linkFaultCounts[fault.kind] += fault.frames ?? 1;
    } else this.faults.push(fault);
  }

  clearFaults(): void {
    this.faults.length = 0;
    this.linkFaultCounts = { 'bad-crc': 0, 'missing-ack': 0 };
  }

  /** Takes the first queued fault of `kind`, if any. */
  takeFault<K extends VirtualFault['kind']>(kind: K): Extract<VirtualFault, { kind: K }> | undefined {
    const i = this.faults.findIndex((f) => f.kind === kind);
    if (i === -1) return undefined;
    return this.faults.splice(i, 1)[0] as Extract<VirtualFault, { kind: K }>;
  }

  onEvent(listener: (e: VtEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(e: VtEvent): void {
    for (const l of this.listeners) l(e);
  }

  /** Booked money-moving entries (what the terminal would settle). */
  bookedTransactions(): TerminalJournalEntry[] {
    return this.journal.filter((e) => e.status === 'booked');
  }

  /** The last transaction the terminal booked (what Repeat Receipt repeats). */
  lastBooked(): TerminalJournalEntry | undefined {
    return this.journal.at(-1);
  }

  // ── Links ────────────────────────────────────────────────────────────────────────────────────────

  /** Serves a serial line (framing, ACK/NAK, link faults) on `stream`. Resolves when the line closes. */
  serveSerial(stream: ByteStream, timers: SerialLinkTimers = SPEC_LINK_TIMERS): Promise<void> {
    const link = new SerialLink(stream, timers, {
      corruptOutgoing: () => this.consumeLinkFault('bad-crc'),
      ignoreIncoming: () => this.consumeLinkFault('missing-ack'),
    });
    return this.serve(link);
  }

  /** Serves bare APDUs (TCP, in-process). A new connection supersedes the previous one (P16 §2.2). */
  serveStream(stream: ByteStream): Promise<void> {
    return this.serve(new ApduStreamLink(stream));
  }

  private consumeLinkFault(kind: 'bad-crc' | 'missing-ack'): boolean {
    if (this.linkFaultCounts[kind] <= 0) return false;
    this.linkFaultCounts[kind] -= 1;
    return true;
  }

  async serve(channel: ApduChannel): Promise<void> {
    const previous = this.activeChannel;
    this.activeChannel = channel;
    if (previous && previous !== channel) await previous.close();
    let pending: Uint8Array | undefined;
    for (;;) {
      let bytes = pending;
      pending = undefined;
      if (!bytes) {
        const r = await channel.receive(Infinity);
        if (!r.ok) break;
        bytes = r.value;
      }
      pending = await this.dispatch(channel, bytes);
      if (!channel.isOpen && !pending) break;
    }
    if (this.activeChannel === channel) this.activeChannel = null;
  }

  /** Handles one command; returns a command that interrupted the flow, to be handled next. */
  private async dispatch(channel: ApduChannel, bytes: Uint8Array): Promise<Uint8Array | undefined> {
    const parsed = parseMessage(bytes);
    if (!parsed.ok) {
      // P15 §13: unknown BMP → 84 83; any other unreadable command → 84 9A (protocol error).
      await channel.send(refuse(parsed.error.reason.startsWith('unknown BMP') ? 0x83 : 0x9a));
      return undefined;
    }
    const msg = parsed.value;
    if (msg.cls === 0x80 || msg.cls === 0x84) return undefined; // a late answer to a finished flow
    this.emit({ kind: 'command', name: msg.name });
    if (this.takeFault('silence-before-answer')) return undefined;
    const late = this.takeFault('late-acceptance');
    if (late) await new Promise((r) => setTimeout(r, late.delayMs));
    const conv = new Conversation(channel, this.timers.answerTimeoutMs);
    if (findBmp(msg.fields, 0x06)) this.tlvAllowed = true; // P15 §9.2: BMP 06 from the ECR allows TLV
    switch ((msg.cls << 8) | msg.ins) {
      case 0x0600:
        await this.registration(conv, msg);
        break;
      case 0x0602:
        this.configByte = 0x86;
        this.tlvAllowed = false;
        this.textBlocksAllowed = false;
        await conv.post(ACCEPT);
        break;
      case 0x06b0:
        await conv.post(ACCEPT);
        break;
      case 0x0501:
        if (!(await this.checkPassword(conv, msg, true))) break;
        await conv.post(ACCEPT);
        await conv.send(statusEnquiryCompletion('Counter-VT 1.0', 0x00));
        break;
      case 0x0670:
        await conv.post(ACCEPT);
        if (
          (await this.print(conv, 3, [
            'Diagnose',
            `Terminal-ID ${this.terminalId}`,
            'Diagnose erfolgreich',
          ])) !== 'ok'
        )
          break;
        await conv.send(completion());
        break;
      case 0x0601:
      case 0x0622:
        await flows.payment(this, conv, msg, msg.ins === 0x22 ? 'pre-authorisation' : 'payment');
        break;
      case 0x0631:
        if (!(await this.checkPassword(conv, msg))) break;
        await flows.payment(this, conv, msg, 'refund');
        break;
      case 0x0630:
        if (!(await this.checkPassword(conv, msg))) break;
        await flows.reversal(this, conv, msg);
        break;
      case 0x0623:
      case 0x0624:
      case 0x0625:
        await flows.preAuthOperation(this, conv, msg);
        break;
      case 0x0650:
        if (!(await this.checkPassword(conv, msg))) break;
        await flows.endOfDay(this, conv);
        break;
      case 0x0620:
        if (!(await this.checkPassword(conv, msg))) break;
        await flows.repeatReceipt(this, conv, msg);
        break;
      case 0x06c0:
        await readCard(this, conv, msg);
        break;
      default:
        await conv.post(refuse(0x83)); // P15 §2.66: unknown command
    }
    return conv.pending;
  }

  private async checkPassword(conv: Conversation, msg: ParsedMessage, optional = false): Promise<boolean> {
    const d = msg.apdu.data;
    if (optional && d.length < 3) return true;
    if (decodeBcd(d.slice(0, 3)) !== this.password) {
      await conv.post(refuse(0x83)); // [inference] real PTs refuse a wrong password as "function not possible"
      return false;
    }
    return true;
  }

  private async registration(conv: Conversation, msg: ParsedMessage): Promise<void> {
    if (!(await this.checkPassword(conv, msg))) return;
    const cc = msg.prefix.currency;
    if (cc !== undefined && Number(cc) !== currencyNumericCode(this.currency)) {
      await conv.post(Uint8Array.of(0x84, 0x1e, 0x01, 0x6f)); // P15 §2.1: wrong currency
      return;
    }
    this.configByte = Number(msg.prefix.configByte ?? 0x86);
    const tlvField = findBmp(msg.fields, 0x06);
    const nodes = tlvField && Array.isArray(tlvField.value) ? tlvField.value : undefined;
    const permitted = findTlv(nodes, '26');
    this.textBlocksAllowed = (permitted?.children ?? []).some(
      (n) => n.tag === '0A' && n.value[0] === 0x06 && n.value[1] === 0xd3,
    );
    await conv.post(ACCEPT);
    await conv.send(
      registrationCompletion(this.terminalId, currencyNumericCode(this.currency), this.tlvAllowed),
    );
  }

  get wantsIntermediateStatus(): boolean {
    return (this.configByte & 0x08) !== 0;
  }

  printsThroughEcr(type: 1 | 2 | 3): boolean {
    const bit = type === 3 ? 0x04 : 0x02;
    return (this.configByte & 0x80) !== 0 && (this.configByte & bit) !== 0;
  }

  async status(conv: Conversation, code: number): Promise<'ok' | 'lost'> {
    if (!this.wantsIntermediateStatus) return 'ok';
    const a = await conv.send(intermediateStatus(code));
    return a.kind === 'lost' ? 'lost' : 'ok';
  }

  /** Prints one receipt through the ECR (if configured); 'lost' when an answer is missing or negative. */
  async print(conv: Conversation, type: 1 | 2 | 3, lines: readonly string[]): Promise<'ok' | 'lost'> {
    if (!this.printsThroughEcr(type)) return 'ok';
    const messages = this.textBlocksAllowed && this.tlvAllowed ? [textBlock(type, lines)] : printLines(lines);
    for (const m of messages) {
      const a = await conv.send(m);
      if (a.kind !== 'ack') return 'lost';
    }
    return 'ok';
  }

  receiptFor(args: Omit<ReceiptText, 'merchant' | 'terminalId'>): string[] {
    return receiptLines({ ...args, merchant: this.merchant, terminalId: this.terminalId });
  }

  describe(): string {
    return `virtual terminal ${this.terminalId}, config ${hexByte(this.configByte)}, card ${this.card.id}`;
  }
}
