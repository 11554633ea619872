/**
 * The ECR session: one object per card terminal, used by the POS host's checkout and the technician CLI.
 * Calls are async and resolve to values (types.ts); intermediate statuses, waits and receipt lines are
 * events. One operation runs at a time; abort() may interrupt a running payment or card read (P15 §2.23).
 */
import {
  domainError,
  err,
  ok,
  type CurrencyCode,
  type DomainError,
  type Money,
  type Result,
} from '../../../src-shared';
import type { ParsedMessage } from '../codec/messages';
import type { Connector } from '../transport/connect';
import * as commands from './commands';
import {
  COMMAND_NAMES,
  TRANSACTION_TRAITS,
  type AdminKind,
  type CommandKind,
  type TransactionKind,
} from './command-kinds';
import { DEFAULT_CARD_TOKEN_TAG, detailsFromFields } from './details';
import type { ExchangeResult } from './exchange';
import { TerminalLine, type ExchangeExtra, type Listener } from './line';
import { linkError, refusedError } from './errors';
import { abortedError, classifyTransaction, outcomeAfterRecovery, unknownWithoutRecovery } from './outcome';
import { DEFAULT_READ_CARD_TIMEOUT_S, readCardOutcome, readCardPlan } from './read-card';
import { recoverAfterFailure } from './recovery-run';
import type { RecoveryInput } from './recovery';
import { amountProblem, readCardTimeoutProblem } from './validation';
import {
  inMemoryTerminalStateStore,
  TerminalNumbersKeeper,
  type TerminalNumbers,
  type TerminalStateStore,
} from './state-store';
import { registrationInfo, terminalStatus, type RegistrationInfo } from './admin-readers';
import {
  SPEC_SESSION_TIMERS,
  type GoodsIssueAnswer,
  type ReadCardOptions,
  type ReadCardOutcome,
  type Receipt,
  type ReceiptType,
  type RecoveryReport,
  type SessionTimers,
  type StatusEvent,
  type TerminalStatus,
  type TransactionDetails,
  type TransactionOutcome,
  type WaitingEvent,
} from './types';

export interface EcrSessionOptions {
  readonly connect: Connector;
  /** The terminal's 6-digit password (P15 §1.2); default 000000. */
  readonly password?: string;
  readonly currency?: CurrencyCode;
  readonly timers?: Partial<SessionTimers>;
  /** The last booked receipt number the host knows (for recovery); null = none, omitted = the store's. */
  readonly lastKnownReceipt?: string | null;
  /** Where the terminal's last known numbers live across restarts (state-store.ts); default in memory. */
  readonly stateStore?: TerminalStateStore;
  /** Called when the state store fails to save; the outcome is still returned. Default: a process warning. */
  readonly onStateStoreError?: (error: unknown) => void;
  readonly cardTokenTag?: string;
  /** Goods issue (vending): how to answer an approved 04 0F. Default: issued (80 00 00). */
  readonly answerStatusInformation?: (d: TransactionDetails) => Promise<GoodsIssueAnswer> | GoodsIssueAnswer;
  /** Run recovery automatically after an unknown outcome (default true). */
  readonly autoRecover?: boolean;
  readonly clock?: () => Date;
}

export type { RegistrationInfo };

export class EcrSession {
  private busy: CommandKind | null = null;
  private readonly line: TerminalLine;
  private readonly keeper: TerminalNumbersKeeper;
  readonly timers: SessionTimers;
  readonly password: string;
  readonly currency: CurrencyCode;
  readonly cardTokenTag: string;
  /** The last booked receipt we know of; updated by approvals and recoveries (and saved to the store). */
  lastKnownReceipt: string | null | undefined;

  constructor(private readonly options: EcrSessionOptions) {
    this.timers = { ...SPEC_SESSION_TIMERS, ...options.timers };
    this.password = options.password ?? '000000';
    if (!/^\d{6}$/.test(this.password)) throw new RangeError('the terminal password has 6 digits');
    this.currency = options.currency ?? 'EUR';
    this.cardTokenTag = options.cardTokenTag ?? DEFAULT_CARD_TOKEN_TAG;
    this.line = new TerminalLine(options.connect, this.timers);
    this.keeper = new TerminalNumbersKeeper(
      options.stateStore ?? inMemoryTerminalStateStore(),
      options.clock ?? (() => new Date()),
      options.onStateStoreError ?? ((e) => process.emitWarning(`terminal state not saved: ${String(e)}`)),
    );
    // An explicit option wins; otherwise what the store kept; nothing kept means unknown, not "none".
    this.lastKnownReceipt =
      options.lastKnownReceipt !== undefined ? options.lastKnownReceipt : this.keeper.current?.lastReceipt;
  }

  /** Intermediate statuses ("Insert card", "Enter PIN") as they happen; returns an unsubscribe function. */
  onStatus(listener: Listener<StatusEvent>): () => void {
    this.line.statusListeners.add(listener);
    return () => this.line.statusListeners.delete(listener);
  }

  /** Each receipt line as it is printed through the ECR. */
  /** Each line the terminal prints through the ECR, with its receipt's type (customer/merchant copy). */
  onReceiptLine(listener: (line: string, type: ReceiptType) => void): () => void {
    this.line.lineListeners.add(listener);
    return () => this.line.lineListeners.delete(listener);
  }

  /** Before each wait for the terminal: what for, and for how long at most (T3, T4, the card timeout). */
  onWaiting(listener: Listener<WaitingEvent>): () => void {
    this.line.waitListeners.add(listener);
    return () => this.line.waitListeners.delete(listener);
  }

  get description(): string {
    return this.line.description;
  }

  /** The terminal's last known numbers (receipt, trace, turnover), as saved to the state store. */
  get terminalNumbers(): TerminalNumbers | null {
    return this.keeper.current;
  }

  async close(): Promise<void> {
    await this.line.drop();
  }

  private exchange(
    kind: CommandKind,
    command: Uint8Array,
    extra: ExchangeExtra & { goodsIssue?: boolean } = {},
  ) {
    const answer = this.options.answerStatusInformation;
    return this.line.exchange(COMMAND_NAMES[kind], command, {
      ...extra,
      answerStatusInformation:
        extra.goodsIssue && answer
          ? (msg: ParsedMessage) => answer(detailsFromFields(msg.fields, this.cardTokenTag))
          : undefined,
    });
  }

  private claim(kind: CommandKind): DomainError | null {
    if (this.busy) return domainError('TERMINAL_BUSY', { operation: COMMAND_NAMES[this.busy] });
    this.busy = kind;
    return null;
  }

  /** Records numbers the terminal told us and saves them, so recovery works after a host restart too. */
  private async learn(d: TransactionDetails | undefined, booksReceipt: boolean): Promise<void> {
    if (!d) return;
    const receiptNumber = booksReceipt ? d.receiptNumber : undefined;
    if (receiptNumber !== undefined) this.lastKnownReceipt = receiptNumber;
    await this.keeper.learn({ ...d, receiptNumber });
  }

  // ── Money-moving commands, then card reading, then administration ──────────────────────────────────

  authorize(amount: Money, opts: { maxStatusInfos?: number } = {}): Promise<TransactionOutcome> {
    return this.transaction('authorization', amount, () =>
      commands.authorization({ amount, paymentType: 0x40, maxStatusInfos: opts.maxStatusInfos, tlv: [] }),
    );
  }

  preAuthorize(amount: Money): Promise<TransactionOutcome> {
    return this.transaction('pre-authorisation', amount, () =>
      commands.preAuthorisation({ amount, paymentType: 0x40, tlv: [] }),
    );
  }

  /** Books `amount` (the used amount) of the pre-authorisation with `receiptNumber` (06 24). */
  bookTotal(receiptNumber: string, amount: Money): Promise<TransactionOutcome> {
    return this.transaction('book-total', amount, () => commands.bookTotal({ receiptNumber, amount }));
  }

  /** Releases `unusedAmount` of the pre-authorisation and books the rest (06 23). */
  partialReversal(receiptNumber: string, unusedAmount: Money): Promise<TransactionOutcome> {
    return this.transaction('partial-reversal', unusedAmount, () =>
      commands.partialReversal({ receiptNumber, amount: unusedAmount }),
    );
  }

  preAuthReversal(receiptNumber: string): Promise<TransactionOutcome> {
    return this.transaction('pre-auth-reversal', null, () => commands.preAuthReversal({ receiptNumber }));
  }

  reverse(receiptNumber: string): Promise<TransactionOutcome> {
    return this.transaction('reversal', null, () => commands.reversal(this.password, { receiptNumber }));
  }

  refund(amount: Money): Promise<TransactionOutcome> {
    return this.transaction('refund', amount, () =>
      commands.refund(this.password, { amount, paymentType: 0x40, tlv: [] }),
    );
  }

  /** End-of-Day: the result's details carry the totals (BMP 04 total, BMP 60 per scheme). */
  endOfDay(): Promise<TransactionOutcome> {
    return this.transaction('end-of-day', null, () => commands.endOfDay(this.password));
  }

  private async transaction(
    kind: TransactionKind,
    amount: Money | null,
    build: () => Uint8Array,
  ): Promise<TransactionOutcome> {
    if (amount) {
      const invalid = amountProblem(amount);
      if (invalid) return { kind: 'failed', error: invalid };
    }
    const busy = this.claim(kind);
    if (busy) return { kind: 'failed', error: busy };
    const traits = TRANSACTION_TRAITS[kind];
    try {
      const baseline = this.lastKnownReceipt;
      const ran = await this.exchange(kind, build(), {
        goodsIssue: traits.goodsIssue,
        customerFacing: traits.customerFacing,
      });
      if (!ran.ok) return { kind: 'failed', error: ran.error };
      const c = classifyTransaction(kind, ran.value, this.outcomeContext());
      let outcome: TransactionOutcome;
      if (c.kind === 'final') outcome = c.outcome;
      else if (!traits.recoverable || this.options.autoRecover === false) {
        outcome = unknownWithoutRecovery(kind, c.stage, c.approval);
      } else {
        const report = await this.runRecovery({
          seenApproval: c.approval,
          approvalAcknowledged: ran.value.approvedStatusInfoAcknowledged,
          baselineReceipt: baseline,
        });
        outcome = outcomeAfterRecovery(kind, c.stage, c.approval, report, ran.value.receipts);
      }
      if (outcome.kind === 'approved') await this.learn(outcome.details, traits.booksReceipt);
      return outcome;
    } finally {
      this.busy = null;
    }
  }

  private outcomeContext() {
    return { cardTokenTag: this.cardTokenTag, description: this.description, timers: this.timers };
  }

  /** Recovery (recovery-run.ts) on this session's line; what it learns about the terminal is kept. */
  private async runRecovery(input: Omit<RecoveryInput, 'last'>): Promise<RecoveryReport> {
    const report = await recoverAfterFailure(
      {
        timers: this.timers,
        reconnect: () => this.line.reopen(),
        exchange: (kind, command, layout) => this.exchange(kind, command, { completionLayout: layout }),
        password: this.password,
        cardTokenTag: this.cardTokenTag,
      },
      input,
    );
    if (report.verdict !== 'undetermined') await this.learn(report.lastTransaction, true);
    return report;
  }

  /**
   * Manual recovery (e.g. the host restarted after a crash mid-payment): learns the terminal's last booked
   * transaction and whether `seenApproval` (if known) is it. The baseline is the last known receipt, which
   * the state store keeps across restarts.
   */
  async recover(
    input: { seenApproval?: TransactionDetails; approvalAcknowledged?: boolean } = {},
  ): Promise<RecoveryReport> {
    const busy = this.claim('recovery');
    if (busy) return { verdict: 'undetermined', basis: busy.message, attempts: 0, receipts: [] };
    try {
      return await this.runRecovery({
        seenApproval: input.seenApproval,
        approvalAcknowledged: input.approvalAcknowledged ?? true,
        baselineReceipt: this.lastKnownReceipt,
      });
    } finally {
      this.busy = null;
    }
  }

  /**
   * Read Card (06 C0): the token, masked PAN, type and expiry of the presented card; nothing is charged. No
   * card, an abort, an unreadable card are outcomes; past the timeout + T3 the session aborts it (06 B0).
   */
  async readCard(opts: ReadCardOptions = {}): Promise<ReadCardOutcome> {
    const timeoutSeconds = opts.timeoutSeconds ?? DEFAULT_READ_CARD_TIMEOUT_S;
    const invalid = readCardTimeoutProblem(timeoutSeconds);
    if (invalid) return { kind: 'failed', error: invalid };
    const busy = this.claim('read-card');
    if (busy) return { kind: 'failed', error: busy };
    const startedAt = Date.now();
    const plan = readCardPlan(timeoutSeconds, opts, this.timers);
    let abortedAtDeadline = false;
    const deadline = setTimeout(() => {
      abortedAtDeadline = true;
      void this.abort();
    }, plan.deadlineMs);
    try {
      const ran = await this.exchange('read-card', plan.command, plan.extra);
      if (!ran.ok) return { kind: 'failed', error: ran.error };
      const run = { timeoutSeconds, elapsedMs: Date.now() - startedAt, abortedAtDeadline };
      return readCardOutcome(ran.value, run, this.outcomeContext());
    } finally {
      clearTimeout(deadline);
      this.busy = null;
    }
  }

  private async admin<T>(
    kind: AdminKind,
    command: Uint8Array,
    read: (r: ExchangeResult) => T | Promise<T>,
    extra: ExchangeExtra = {},
  ): Promise<Result<T, DomainError>> {
    const busy = this.claim(kind);
    if (busy) return err(busy);
    const name = COMMAND_NAMES[kind];
    try {
      const ran = await this.exchange(kind, command, extra);
      if (!ran.ok) return ran;
      const end = ran.value.end;
      if (end.kind === 'refused') return err(refusedError(name, end.resultCode));
      if (end.kind === 'link-failure')
        return err(linkError(name, end.failure, this.description, this.timers));
      if (end.kind === 'abort') return err(abortedError(name, end.resultCode));
      return ok(await read(ran.value));
    } finally {
      this.busy = null;
    }
  }

  /** Registration (06 00) with Counter's config: the PT prints through us, sends statuses and TLV. */
  register(
    configByte: number = commands.COUNTER_CONFIG_BYTE,
  ): Promise<Result<RegistrationInfo, DomainError>> {
    return this.admin(
      'registration',
      commands.registration({
        password: this.password,
        configByte,
        currency: this.currency,
        tlv: [commands.PERMIT_TEXT_BLOCKS],
      }),
      (r) => {
        const info = registrationInfo(r);
        // A swapped terminal: the receipt we knew is another terminal's, so the baseline is unknown.
        if (this.keeper.belongsToAnother(info.terminalId)) this.lastKnownReceipt = undefined;
        return info;
      },
    );
  }

  logOff(): Promise<Result<void, DomainError>> {
    return this.admin('log-off', commands.logOff(), () => undefined, { endsWithAcceptance: true });
  }

  /**
   * Abort (06 B0). While a payment or card read runs, the command goes out on the same line and it resolves
   * as aborted (by: 'ecr') if the terminal honours it; otherwise the payment continues (P15 §2.23).
   */
  async abort(): Promise<Result<void, DomainError>> {
    const sent = this.busy ? await this.line.abortRunning() : null;
    if (sent)
      return sent.ok ? ok(undefined) : err(linkError('Abort', sent.error, this.description, this.timers));
    return this.admin('abort', commands.abortCommand(), () => undefined, { endsWithAcceptance: true });
  }

  repeatReceipt(): Promise<
    Result<{ details?: TransactionDetails; receipts: readonly Receipt[] }, DomainError>
  > {
    return this.admin('repeat-receipt', commands.repeatReceipt(this.password), async (r) => {
      const last = r.statusInfos.at(-1);
      const details = last ? detailsFromFields(last.fields, this.cardTokenTag) : undefined;
      if (details && (details.resultCode ?? 0) === 0) await this.learn(details, true);
      return { ...(details ? { details } : {}), receipts: r.receipts };
    });
  }

  statusEnquiry(): Promise<Result<TerminalStatus, DomainError>> {
    return this.admin('status-enquiry', commands.statusEnquiry(this.password), terminalStatus, {
      completionLayout: 'status-enquiry',
    });
  }

  diagnosis(type?: number): Promise<Result<{ receipts: readonly Receipt[] }, DomainError>> {
    return this.admin('diagnosis', commands.diagnosis(type), (r) => ({ receipts: r.receipts }));
  }
}
