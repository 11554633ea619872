/**
 * From one exchange to a transaction's outcome (types.ts `TransactionOutcome`), as pure functions: what the
 * terminal answered decides, and where the line failed before an answer, the caller runs recovery
 * (recovery-run.ts) and `outcomeAfterRecovery` turns its report into the outcome.
 */
import { domainError, type DomainError } from '../../../src-shared';
import { hexByte } from '../codec/bytes';
import { resultCodeText } from '../codec/tables/result-codes';
import { COMMAND_NAMES, TRANSACTION_TRAITS, type TransactionKind } from './command-kinds';
import { detailsFromFields } from './details';
import { linkError, refusedError } from './errors';
import type { ExchangeResult } from './exchange';
import type {
  FailureStage,
  Receipt,
  RecoveryReport,
  SessionTimers,
  TransactionDetails,
  TransactionOutcome,
} from './types';

export interface OutcomeContext {
  readonly cardTokenTag: string;
  /** Where the terminal is ("/dev/ttyUSB0 at 9600 8N2"), for messages. */
  readonly description: string;
  readonly timers: SessionTimers;
}

export type Classified =
  | { readonly kind: 'final'; readonly outcome: TransactionOutcome }
  /** The line failed before the terminal said how it ended: only recovery can tell. */
  | { readonly kind: 'recover'; readonly stage: FailureStage; readonly approval?: TransactionDetails };

const final = (outcome: TransactionOutcome): Classified => ({ kind: 'final', outcome });

export function abortedError(command: string, resultCode: number): DomainError {
  return domainError('TERMINAL_ABORTED', {
    command,
    reason: resultCodeText(resultCode).en,
    resultCode: hexByte(resultCode),
  });
}

export function notApproved(
  command: string,
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
      error: abortedError(command, resultCode),
      receipts,
    };
  }
  return {
    kind: 'declined',
    resultCode,
    reason,
    error: domainError('TERMINAL_DECLINED', { reason: reason.en, resultCode: hexByte(resultCode) }),
    details,
    receipts,
  };
}

export function classifyTransaction(
  kind: TransactionKind,
  r: ExchangeResult,
  ctx: OutcomeContext,
): Classified {
  const command = COMMAND_NAMES[kind];
  const traits = TRANSACTION_TRAITS[kind];
  const infos = r.statusInfos.map((m) => detailsFromFields(m.fields, ctx.cardTokenTag));
  const lastInfo = infos.at(-1);
  const approval = [...infos].reverse().find((d) => (d.resultCode ?? 0) === 0);
  const end = r.end;
  switch (end.kind) {
    case 'refused':
      return final({
        kind: 'failed',
        resultCode: end.resultCode,
        error: refusedError(command, end.resultCode),
      });
    case 'accepted':
      return final({ kind: 'approved', details: {}, receipts: r.receipts });
    case 'abort':
      return final(notApproved(command, end.resultCode, r.receipts, lastInfo, r.abortRequested));
    case 'status-information':
    case 'completion': {
      const completion = detailsFromFields(end.message.fields, ctx.cardTokenTag);
      const rc = lastInfo?.resultCode ?? completion.resultCode ?? 0;
      if (rc !== 0) return final(notApproved(command, rc, r.receipts, lastInfo, r.abortRequested));
      // A completion without any Status-Information says nothing about the money: treat as unknown.
      if (!lastInfo && traits.needsStatusInformation) return { kind: 'recover', stage: 'awaiting-result' };
      return final({
        kind: 'approved',
        details: { ...completion, ...(lastInfo ?? {}) },
        receipts: r.receipts,
      });
    }
    case 'link-failure': {
      if (end.failure.kind === 'closed' && !r.commandDelivered) {
        return final({
          kind: 'failed',
          error: linkError(command, end.failure, ctx.description, ctx.timers),
        });
      }
      // A decline the PT already sent stays a decline: a PT never books a declined 04 0F.
      if (lastInfo && (lastInfo.resultCode ?? 0) !== 0) {
        return final(
          notApproved(command, lastInfo.resultCode ?? 0xff, r.receipts, lastInfo, r.abortRequested),
        );
      }
      return { kind: 'recover', stage: end.stage, approval };
    }
  }
}

/** The outcome when recovery is not run (autoRecover off, or a command that can simply be run again). */
export function unknownWithoutRecovery(
  kind: TransactionKind,
  stage: FailureStage,
  approval: TransactionDetails | undefined,
): TransactionOutcome {
  return {
    kind: 'unknown',
    error: domainError('TERMINAL_OUTCOME_UNKNOWN'),
    stage,
    details: approval,
    recovery: {
      verdict: 'undetermined',
      basis: TRANSACTION_TRAITS[kind].recoverable
        ? 'recovery was not run (autoRecover is off)'
        : `${COMMAND_NAMES[kind]} can safely be run again`,
      attempts: 0,
      receipts: [],
    },
  };
}

export function outcomeAfterRecovery(
  kind: TransactionKind,
  stage: FailureStage,
  approval: TransactionDetails | undefined,
  report: RecoveryReport,
  receiptsSeen: readonly Receipt[],
): TransactionOutcome {
  if (report.verdict === 'went-through') {
    const details = { ...(report.lastTransaction ?? {}), ...(approval ?? {}) };
    const receipts = report.receipts.length > 0 ? report.receipts : receiptsSeen;
    return { kind: 'approved', details, receipts, recovered: report };
  }
  if (report.verdict === 'did-not-go-through') {
    return {
      kind: 'failed',
      error: domainError('TERMINAL_NOT_CHARGED', { command: COMMAND_NAMES[kind] }),
      recovery: report,
    };
  }
  return {
    kind: 'unknown',
    error: domainError('TERMINAL_OUTCOME_UNKNOWN'),
    stage,
    details: approval,
    recovery: report,
  };
}
