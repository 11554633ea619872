/**
 * The virtual terminal's state types and the view of it that the transaction flows work on. They live
 * apart from terminal.ts so that terminal.ts (dispatch) imports the flows and the flows import only this
 * file: no import cycle between the terminal and its flows.
 */
import type { CurrencyCode, TestCard } from '../../../src-shared';
import type { Conversation } from './conversation';
import type { ReceiptText } from './pt-messages';

export type VirtualFault =
  /** Serial: the next `frames` frames the PT sends carry a broken CRC (the ECR NAKs, the PT repeats). */
  | { kind: 'bad-crc'; frames?: number }
  /** Serial: the next `frames` frames from the ECR are neither ACKed nor acted on. */
  | { kind: 'missing-ack'; frames?: number }
  /** The 80 00 to the next command comes `delayMs` late. */
  | { kind: 'late-acceptance'; delayMs: number }
  /** After booking the next payment, the PT says nothing more (no completion). */
  | { kind: 'silence-after-approval' }
  /** The next command gets no answer at all (link-ACKed on serial, then silence). */
  | { kind: 'silence-before-answer' }
  /** The next approved 04 0F is sent `repeats` extra times, as a PT stuck in its goods-issue loop. */
  | { kind: 'goods-issue-loop'; repeats?: number };

export const FAULT_NAMES = [
  'bad-crc',
  'missing-ack',
  'late-acceptance',
  'silence-after-approval',
  'silence-before-answer',
  'goods-issue-loop',
] as const;

export interface VirtualTerminalTimers {
  /** How long the PT waits for the ECR's answer to each of its messages (its view of T3). */
  readonly answerTimeoutMs: number;
  /** Time the simulated customer takes per step (insert card, PIN). */
  readonly customerDelayMs: number;
  /** Time the simulated host takes to authorise. */
  readonly hostDelayMs: number;
  /** Pause before repeating 04 0F after 84 9C (P15 §2.2.6: 2 s). */
  readonly goodsRetryDelayMs: number;
}

export const DEFAULT_VT_TIMERS: VirtualTerminalTimers = {
  answerTimeoutMs: 5_000,
  customerDelayMs: 0,
  hostDelayMs: 0,
  goodsRetryDelayMs: 2_000,
};

export type JournalKind =
  'payment' | 'refund' | 'reversal' | 'pre-authorisation' | 'book-total' | 'pre-auth-reversal';

export interface TerminalJournalEntry {
  readonly kind: JournalKind;
  readonly receipt: number;
  readonly trace: number;
  readonly turnover: number;
  readonly amountMinor: number;
  readonly currency: CurrencyCode;
  readonly card?: TestCard;
  /** payment/book-total: booked | reversed; pre-authorisation: open | closed. */
  status: 'booked' | 'reversed' | 'open' | 'closed';
  readonly refersTo?: number;
  readonly statusInformation: Uint8Array;
  readonly receipts: readonly { type: 1 | 2 | 3; lines: string[] }[];
  readonly batch: number;
}

export type VtEvent =
  | { kind: 'command'; name: string }
  | { kind: 'booked'; entry: TerminalJournalEntry }
  | { kind: 'auto-reversal'; receipt: number; why: string }
  | { kind: 'declined'; resultCode: number }
  | { kind: 'end-of-day'; batch: number; totalMinor: number };

/** What a flow (flows.ts, read-card-flow.ts) may see and change of the terminal. */
export interface FlowTerminal {
  readonly timers: VirtualTerminalTimers;
  readonly terminalId: string;
  readonly vuNumber: string;
  readonly currency: CurrencyCode;
  readonly tokenTag: string;
  readonly clock: () => Date;
  readonly tlvAllowed: boolean;
  trace: number;
  receipt: number;
  turnover: number;
  batch: number;
  readonly journal: TerminalJournalEntry[];
  /** The card the customer presents, or null when they present none (the reader times out). */
  readonly presentedCardOrNone: TestCard | null;
  readonly presentedCard: TestCard;
  takeFault<K extends VirtualFault['kind']>(kind: K): Extract<VirtualFault, { kind: K }> | undefined;
  emit(e: VtEvent): void;
  lastBooked(): TerminalJournalEntry | undefined;
  status(conv: Conversation, code: number): Promise<'ok' | 'lost'>;
  print(conv: Conversation, type: 1 | 2 | 3, lines: readonly string[]): Promise<'ok' | 'lost'>;
  receiptFor(args: Omit<ReceiptText, 'merchant' | 'terminalId'>): string[];
}
