/**
 * The session's line to the terminal: opens the channel through the connector (again after a failure,
 * which is how recovery reconnects), runs one exchange at a time, fans its events out to listeners, and can
 * put an Abort (06 B0) on the line while an exchange runs (P15 §2.23).
 */
import { ok, type DomainError, type Result } from '../../../src-shared';
import type { CompletionLayout, ParsedMessage } from '../codec/messages';
import type { ApduChannel, LinkFailure } from '../link/channel';
import type { Connector } from '../transport/connect';
import { abortCommand } from './commands';
import { runExchange, type ExchangeResult } from './exchange';
import type { GoodsIssueAnswer, ReceiptType, SessionTimers, StatusEvent, WaitingEvent } from './types';

export type Listener<T> = (value: T) => void;

export interface ExchangeExtra {
  readonly completionLayout?: CompletionLayout;
  readonly endsWithAcceptance?: boolean;
  readonly endsWithStatusInformation?: boolean;
  readonly customerFacing?: boolean;
  /** Answers an approved 04 0F (goods issue, P15 §2.2.6); default issued. */
  readonly answerStatusInformation?: (info: ParsedMessage) => Promise<GoodsIssueAnswer> | GoodsIssueAnswer;
  readonly t3Ms?: number;
  readonly t4Ms?: number;
}

export class TerminalLine {
  private channel: ApduChannel | null = null;
  private abortState: { requested: boolean } | null = null;
  readonly statusListeners = new Set<Listener<StatusEvent>>();
  readonly lineListeners = new Set<(line: string, type: ReceiptType) => void>();
  readonly waitListeners = new Set<Listener<WaitingEvent>>();

  constructor(
    private readonly connect: Connector,
    private readonly timers: SessionTimers,
  ) {}

  get description(): string {
    return this.channel?.description ?? 'the card terminal';
  }

  /** True while an exchange runs on an open channel (an abort can then go out on the same line). */
  get running(): boolean {
    return this.abortState !== null && this.channel !== null;
  }

  async open(): Promise<Result<ApduChannel, DomainError>> {
    if (this.channel?.isOpen) return ok(this.channel);
    this.channel = null;
    const c = await this.connect();
    if (c.ok) this.channel = c.value;
    return c;
  }

  async drop(): Promise<void> {
    const c = this.channel;
    this.channel = null;
    if (c) await c.close();
  }

  async reopen(): Promise<Result<ApduChannel, DomainError>> {
    await this.drop();
    return this.open();
  }

  /** Sends 06 B0 into the running exchange; it then ends as aborted if the terminal honours it. */
  async abortRunning(): Promise<Result<void, LinkFailure> | null> {
    if (!this.abortState || !this.channel) return null;
    this.abortState.requested = true;
    return this.channel.send(abortCommand());
  }

  async exchange(
    name: string,
    command: Uint8Array,
    extra: ExchangeExtra = {},
  ): Promise<Result<ExchangeResult, DomainError>> {
    const channel = await this.open();
    if (!channel.ok) return channel;
    this.abortState = { requested: false };
    const r = await runExchange({
      channel: channel.value,
      command,
      t3Ms: extra.t3Ms ?? this.timers.t3Ms,
      t4Ms: extra.t4Ms ?? this.timers.t4Ms,
      completionLayout: extra.completionLayout,
      endsWithAcceptance: extra.endsWithAcceptance,
      endsWithStatusInformation: extra.endsWithStatusInformation,
      customerFacing: extra.customerFacing,
      onStatus: (e) => this.statusListeners.forEach((l) => l(e)),
      onReceiptLine: (line, type) => this.lineListeners.forEach((l) => l(line, type)),
      onWaiting: (phase, upToMs, status) =>
        this.waitListeners.forEach((l) => l({ command: name, phase, upToMs, ...(status ? { status } : {}) })),
      answerStatusInformation: extra.answerStatusInformation,
      abortState: this.abortState,
    });
    this.abortState = null;
    if (r.end.kind === 'link-failure') await this.drop();
    return ok(r);
  }
}
