/**
 * The ECR session: one object per card terminal, used by the POS host's checkout and the technician CLI.
 * Calls are async and resolve to values (types.ts); intermediate statuses and receipt lines are events.
 * One operation runs at a time; abort() may interrupt a running payment (P15 §2.23, terminal-dependent).
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
import type { CompletionLayout, ParsedMessage } from '../codec/messages';
import { findBmp } from '../codec/bmp';
import { resultCodeText } from '../codec/tables/result-codes';
import { terminalStatusText } from '../codec/tables/terminal-tables';
import type { ApduChannel } from '../link/channel';
import type { Connector } from '../transport/connect';
import * as commands from './commands';
import { DEFAULT_CARD_TOKEN_TAG, detailsFromFields } from './details';
import { runExchange, type ExchangeResult } from './exchange';
import { linkError, refusedError } from './errors';
import { recoverAfterFailure } from './recovery-run';
import {
  SPEC_SESSION_TIMERS,
  type FailureStage,
  type GoodsIssueAnswer,
  type Receipt,
  type RecoveryReport,
  type SessionTimers,
  type StatusEvent,
  type TerminalStatus,
  type TransactionDetails,
  type TransactionOutcome,
} from './types';

export interface EcrSessionOptions {
  readonly connect: Connector;
  /** The terminal's 6-digit password (P15 §1.2); default 000000. */
  readonly password?: string;
  readonly currency?: CurrencyCode;
  readonly timers?: Partial<SessionTimers>;
  /** The last booked receipt number the host knows (for recovery); null = none, omitted = unknown. */
  readonly lastKnownReceipt?: string | null;
  readonly cardTokenTag?: string;
  /** Goods issue (vending): how to answer an approved 04 0F. Default: issued (80 00 00). */
  readonly answerStatusInformation?: (
    details: TransactionDetails,
  ) => Promise<GoodsIssueAnswer> | GoodsIssueAnswer;
  /** Run recovery automatically after an unknown outcome (default true). */
  readonly autoRecover?: boolean;
}

type Listener<T> = (value: T) => void;

export interface RegistrationInfo {
  readonly terminalId?: string;
  readonly currency?: string;
  readonly statusByte?: number;
}

export class EcrSession {
  private channel: ApduChannel | null = null;
  private busy: string | null = null;
  private abortState: { requested: boolean } | null = null;
  private readonly statusListeners = new Set<Listener<StatusEvent>>();
  private readonly lineListeners = new Set<Listener<string>>();
  readonly timers: SessionTimers;
  readonly password: string;
  readonly currency: CurrencyCode;
  readonly cardTokenTag: string;
  /** The last booked receipt we know of; updated by approvals and recoveries. */
  lastKnownReceipt: string | null | undefined;

  constructor(private readonly options: EcrSessionOptions) {
    this.timers = { ...SPEC_SESSION_TIMERS, ...options.timers };
    this.password = options.password ?? '000000';
    if (!/^\d{6}$/.test(this.password)) throw new RangeError('the terminal password has 6 digits');
    this.currency = options.currency ?? 'EUR';
    this.cardTokenTag = options.cardTokenTag ?? DEFAULT_CARD_TOKEN_TAG;
    this.lastKnownReceipt = options.lastKnownReceipt;
  }

  /** Intermediate statuses ("Insert card", "Enter PIN") as they happen; returns an unsubscribe function. */
  onStatus(listener: Listener<StatusEvent>): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Each receipt line as it is printed through the ECR. */
  onReceiptLine(listener: Listener<string>): () => void {
    this.lineListeners.add(listener);
    return () => this.lineListeners.delete(listener);
  }

  get description(): string {
    return this.channel?.description ?? 'the card terminal';
  }

  private async openChannel(): Promise<Result<ApduChannel, DomainError>> {
    if (this.channel?.isOpen) return ok(this.channel);
    this.channel = null;
    const c = await this.options.connect();
    if (c.ok) this.channel = c.value;
    return c;
  }

  private async dropChannel(): Promise<void> {
    const c = this.channel;
    this.channel = null;
    if (c) await c.close();
  }

  async close(): Promise<void> {
    await this.dropChannel();
  }

  private async exchange(
    name: string,
    command: Uint8Array,
    extra: { completionLayout?: CompletionLayout; endsWithAcceptance?: boolean; goodsIssue?: boolean } = {},
  ): Promise<Result<ExchangeResult, DomainError>> {
    const channel = await this.openChannel();
    if (!channel.ok) return channel;
    this.abortState = { requested: false };
    const answer = this.options.answerStatusInformation;
    const r = await runExchange({
      channel: channel.value,
      command,
      t3Ms: this.timers.t3Ms,
      t4Ms: this.timers.t4Ms,
      completionLayout: extra.completionLayout,
      endsWithAcceptance: extra.endsWithAcceptance,
      onStatus: (e) => this.statusListeners.forEach((l) => l(e)),
      onReceiptLine: (line) => this.lineListeners.forEach((l) => l(line)),
      answerStatusInformation:
        extra.goodsIssue && answer
          ? (msg: ParsedMessage) => answer(detailsFromFields(msg.fields, this.cardTokenTag))
          : undefined,
      abortState: this.abortState,
    });
    this.abortState = null;
    if (r.end.kind === 'link-failure') await this.dropChannel();
    return ok(r);
  }

  private claim(operation: string): DomainError | null {
    if (this.busy) return domainError('TERMINAL_BUSY', { operation: this.busy });
    this.busy = operation;
    return null;
  }

  private validAmount(amount: Money): DomainError | null {
    if (!Number.isSafeInteger(amount.amountMinor) || amount.amountMinor <= 0) {
      return domainError('AMOUNT_NOT_POSITIVE', { amount: amount.amountMinor });
    }
    if (amount.amountMinor > commands.MAX_ZVT_AMOUNT_MINOR) {
      return domainError('AMOUNT_OUT_OF_RANGE', {
        input: String(amount.amountMinor),
        currency: amount.currency,
        max: '12 digits of minor units (ZVT BMP 04)',
      });
    }
    return null;
  }

  // ── Money-moving commands ──────────────────────────────────────────────────────────────────────────

  authorize(amount: Money, opts: { maxStatusInfos?: number } = {}): Promise<TransactionOutcome> {
    return this.transaction('Authorization', amount, () =>
      commands.authorization({ amount, paymentType: 0x40, maxStatusInfos: opts.maxStatusInfos, tlv: [] }),
    );
  }

  preAuthorize(amount: Money): Promise<TransactionOutcome> {
    return this.transaction('Pre-Authorisation', amount, () =>
      commands.preAuthorisation({ amount, paymentType: 0x40, tlv: [] }),
    );
  }

  /** Books `amount` (the used amount) of the pre-authorisation with `receiptNumber` (06 24). */
  bookTotal(receiptNumber: string, amount: Money): Promise<TransactionOutcome> {
    return this.transaction('Book Total', amount, () => commands.bookTotal({ receiptNumber, amount }));
  }

  /** Releases `unusedAmount` of the pre-authorisation and books the rest (06 23). */
  partialReversal(receiptNumber: string, unusedAmount: Money): Promise<TransactionOutcome> {
    return this.transaction('Partial Reversal', unusedAmount, () =>
      commands.partialReversal({ receiptNumber, amount: unusedAmount }),
    );
  }

  preAuthReversal(receiptNumber: string): Promise<TransactionOutcome> {
    return this.transaction('Pre-Auth Reversal', null, () => commands.preAuthReversal({ receiptNumber }));
  }

  reverse(receiptNumber: string): Promise<TransactionOutcome> {
    return this.transaction('Reversal', null, () => commands.reversal(this.password, { receiptNumber }));
  }

  refund(amount: Money): Promise<TransactionOutcome> {
    return this.transaction('Refund', amount, () =>
      commands.refund(this.password, { amount, paymentType: 0x40, tlv: [] }),
    );
  }

  /** End-of-Day: the result's details carry the totals (BMP 04 total, BMP 60 per scheme). */
  endOfDay(): Promise<TransactionOutcome> {
    return this.transaction('End-of-Day', null, () => commands.endOfDay(this.password), { recover: false });
  }

  private async transaction(
    name: string,
    amount: Money | null,
    build: () => Uint8Array,
    opts: { recover?: boolean } = {},
  ): Promise<TransactionOutcome> {
    if (amount) {
      const invalid = this.validAmount(amount);
      if (invalid) return { kind: 'failed', error: invalid };
    }
    const busy = this.claim(name);
    if (busy) return { kind: 'failed', error: busy };
    try {
      const baseline = this.lastKnownReceipt;
      const ran = await this.exchange(name, build(), { goodsIssue: name === 'Authorization' });
      if (!ran.ok) return { kind: 'failed', error: ran.error };
      const outcome = await this.outcomeOf(name, ran.value, baseline, opts.recover ?? true);
      if (
        outcome.kind === 'approved' &&
        outcome.details.receiptNumber !== undefined &&
        name !== 'End-of-Day'
      ) {
        this.lastKnownReceipt = outcome.details.receiptNumber;
      }
      return outcome;
    } finally {
      this.busy = null;
    }
  }

  private async outcomeOf(
    name: string,
    r: ExchangeResult,
    baseline: string | null | undefined,
    recover: boolean,
  ): Promise<TransactionOutcome> {
    const infos = r.statusInfos.map((m) => detailsFromFields(m.fields, this.cardTokenTag));
    const lastInfo = infos.at(-1);
    const approval = [...infos].reverse().find((d) => (d.resultCode ?? 0) === 0);
    const end = r.end;
    switch (end.kind) {
      case 'refused':
        return { kind: 'failed', resultCode: end.resultCode, error: refusedError(name, end.resultCode) };
      case 'accepted':
        return { kind: 'approved', details: {}, receipts: r.receipts };
      case 'abort': {
        return this.notApproved(name, end.resultCode, r.receipts, lastInfo, r.abortRequested);
      }
      case 'completion': {
        const completion = detailsFromFields(end.message.fields, this.cardTokenTag);
        const rc = lastInfo?.resultCode ?? completion.resultCode ?? 0;
        if (rc !== 0) return this.notApproved(name, rc, r.receipts, lastInfo, r.abortRequested);
        if (!lastInfo && name !== 'End-of-Day') {
          // A completion without any Status-Information says nothing about the money: treat as unknown.
          return this.unknown(name, 'awaiting-result', r, undefined, baseline, recover);
        }
        return { kind: 'approved', details: { ...completion, ...(lastInfo ?? {}) }, receipts: r.receipts };
      }
      case 'link-failure': {
        if (end.failure.kind === 'closed' && !r.commandDelivered) {
          return { kind: 'failed', error: linkError(name, end.failure, this.description, this.timers) };
        }
        // A decline the PT already sent stays a decline: a PT never books a declined 04 0F.
        if (lastInfo && (lastInfo.resultCode ?? 0) !== 0) {
          return this.notApproved(name, lastInfo.resultCode ?? 0xff, r.receipts, lastInfo, r.abortRequested);
        }
        return this.unknown(name, end.stage, r, approval, baseline, recover);
      }
    }
  }

  private notApproved(
    name: string,
    resultCode: number,
    receipts: readonly Receipt[],
    details: TransactionDetails | undefined,
    abortRequested: boolean,
  ): TransactionOutcome {
    const reason = resultCodeText(resultCode);
    if (resultCode === 0x6c) {
      return {
        kind: 'aborted',
        resultCode,
        reason,
        by: abortRequested ? 'ecr' : 'customer-or-terminal',
        error: domainError('TERMINAL_ABORTED', {
          command: name,
          reason: reason.en,
          resultCode: hex(resultCode),
        }),
        receipts,
      };
    }
    return {
      kind: 'declined',
      resultCode,
      reason,
      error: domainError('TERMINAL_DECLINED', { reason: reason.en, resultCode: hex(resultCode) }),
      details,
      receipts,
    };
  }

  private async unknown(
    name: string,
    stage: FailureStage,
    r: ExchangeResult,
    approval: TransactionDetails | undefined,
    baseline: string | null | undefined,
    recover: boolean,
  ): Promise<TransactionOutcome> {
    const error = domainError('TERMINAL_OUTCOME_UNKNOWN');
    const notRun: RecoveryReport = {
      verdict: 'undetermined',
      basis: recover ? 'recovery was not run (autoRecover is off)' : `${name} can safely be run again`,
      attempts: 0,
      receipts: [],
    };
    if (!recover || this.options.autoRecover === false) {
      return { kind: 'unknown', error, stage, details: approval, recovery: notRun };
    }
    const report = await recoverAfterFailure(this.recoveryDeps(), {
      seenApproval: approval,
      approvalAcknowledged: r.approvedStatusInfoAcknowledged,
      baselineReceipt: baseline,
    });
    if (report.lastTransaction?.receiptNumber !== undefined && report.verdict !== 'undetermined') {
      this.lastKnownReceipt = report.lastTransaction.receiptNumber;
    }
    if (report.verdict === 'went-through') {
      const details = { ...(report.lastTransaction ?? {}), ...(approval ?? {}) };
      const receipts = report.receipts.length > 0 ? report.receipts : r.receipts;
      return { kind: 'approved', details, receipts, recovered: report };
    }
    if (report.verdict === 'did-not-go-through') {
      return {
        kind: 'failed',
        error: domainError('TERMINAL_NOT_CHARGED', { command: name }),
        recovery: report,
      };
    }
    return { kind: 'unknown', error, stage, details: approval, recovery: report };
  }

  private recoveryDeps() {
    return {
      timers: this.timers,
      reconnect: async () => {
        await this.dropChannel();
        return this.openChannel();
      },
      exchange: (name: string, command: Uint8Array, layout?: CompletionLayout) =>
        this.exchange(name, command, { completionLayout: layout }),
      password: this.password,
      cardTokenTag: this.cardTokenTag,
    };
  }

  /**
   * Manual recovery (e.g. the host restarted after a crash mid-payment): learns the terminal's last booked
   * transaction and whether `expectedReceipt` (if known) is it.
   */
  async recover(
    input: { seenApproval?: TransactionDetails; approvalAcknowledged?: boolean } = {},
  ): Promise<RecoveryReport> {
    const busy = this.claim('Recovery');
    if (busy) return { verdict: 'undetermined', basis: busy.message, attempts: 0, receipts: [] };
    try {
      return await recoverAfterFailure(this.recoveryDeps(), {
        seenApproval: input.seenApproval,
        approvalAcknowledged: input.approvalAcknowledged ?? true,
        baselineReceipt: this.lastKnownReceipt,
      });
    } finally {
      this.busy = null;
    }
  }

  // ── Administration ─────────────────────────────────────────────────────────────────────────────────

  private async admin<T>(
    name: string,
    command: Uint8Array,
    read: (r: ExchangeResult) => T,
    extra: { completionLayout?: CompletionLayout; endsWithAcceptance?: boolean } = {},
  ): Promise<Result<T, DomainError>> {
    const busy = this.claim(name);
    if (busy) return err(busy);
    try {
      const ran = await this.exchange(name, command, extra);
      if (!ran.ok) return ran;
      const end = ran.value.end;
      if (end.kind === 'refused') return err(refusedError(name, end.resultCode));
      if (end.kind === 'link-failure')
        return err(linkError(name, end.failure, this.description, this.timers));
      if (end.kind === 'abort') {
        const reason = resultCodeText(end.resultCode);
        return err(
          domainError('TERMINAL_ABORTED', {
            command: name,
            reason: reason.en,
            resultCode: hex(end.resultCode),
          }),
        );
      }
      return ok(read(ran.value));
    } finally {
      this.busy = null;
    }
  }

  /** Registration (06 00) with Counter's config: the PT prints through us, sends statuses and TLV. */
  register(
    configByte: number = commands.COUNTER_CONFIG_BYTE,
  ): Promise<Result<RegistrationInfo, DomainError>> {
    return this.admin(
      'Registration',
      commands.registration({
        password: this.password,
        configByte,
        currency: this.currency,
        tlv: [commands.PERMIT_TEXT_BLOCKS],
      }),
      (r) => {
        const fields = r.end.kind === 'completion' ? r.end.message.fields : [];
        const status = findBmp(fields, 0x19)?.value;
        const tid = findBmp(fields, 0x29)?.value;
        const cc = findBmp(fields, 0x49)?.value;
        return {
          ...(typeof tid === 'string' ? { terminalId: tid } : {}),
          ...(typeof cc === 'string' ? { currency: cc } : {}),
          ...(typeof status === 'number' ? { statusByte: status } : {}),
        };
      },
    );
  }

  logOff(): Promise<Result<void, DomainError>> {
    return this.admin('Log-Off', commands.logOff(), () => undefined, { endsWithAcceptance: true });
  }

  /**
   * Abort (06 B0). While a payment runs, the command goes out on the same line and the payment resolves
   * as `aborted` (by: 'ecr') if the terminal honours it; otherwise the payment continues (P15 §2.23).
   */
  async abort(): Promise<Result<void, DomainError>> {
    if (this.busy && this.abortState && this.channel) {
      this.abortState.requested = true;
      const sent = await this.channel.send(commands.abortCommand());
      return sent.ok ? ok(undefined) : err(linkError('Abort', sent.error, this.description, this.timers));
    }
    return this.admin('Abort', commands.abortCommand(), () => undefined, { endsWithAcceptance: true });
  }

  repeatReceipt(): Promise<
    Result<{ details?: TransactionDetails; receipts: readonly Receipt[] }, DomainError>
  > {
    return this.admin('Repeat Receipt', commands.repeatReceipt(this.password), (r) => {
      const last = r.statusInfos.at(-1);
      return {
        ...(last ? { details: detailsFromFields(last.fields, this.cardTokenTag) } : {}),
        receipts: r.receipts,
      };
    });
  }

  statusEnquiry(): Promise<Result<TerminalStatus, DomainError>> {
    return this.admin(
      'Status Enquiry',
      commands.statusEnquiry(this.password),
      (r) => {
        const m = r.end.kind === 'completion' ? r.end.message : null;
        const code = Number(m?.prefix.terminalStatus ?? 0);
        const sw = m?.prefix.softwareVersion;
        const tid = m ? findBmp(m.fields, 0x29)?.value : undefined;
        return {
          code,
          text: terminalStatusText(code),
          ...(typeof sw === 'string' ? { softwareVersion: sw } : {}),
          ...(typeof tid === 'string' ? { terminalId: tid } : {}),
        };
      },
      { completionLayout: 'status-enquiry' },
    );
  }

  diagnosis(type?: number): Promise<Result<{ receipts: readonly Receipt[] }, DomainError>> {
    return this.admin('Diagnosis', commands.diagnosis(type), (r) => ({ receipts: r.receipts }));
  }
}

const hex = (n: number) => n.toString(16).padStart(2, '0').toUpperCase();
