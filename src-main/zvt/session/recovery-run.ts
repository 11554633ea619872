/**
 * Runs recovery against the terminal (see recovery.ts for the decision): reconnect, Status Enquiry, Repeat
 * Receipt with the Status-Information, retried `recoveryAttempts` times with a pause before each attempt.
 */
import type { DomainError, Result } from '../../../src-shared';
import type { CompletionLayout } from '../codec/messages';
import type { ApduChannel } from '../link/channel';
import { hexByte } from '../codec/bytes';
import * as commands from './commands';
import { detailsFromFields } from './details';
import type { ExchangeResult } from './exchange';
import { decideRecovery, type LastTransaction, type RecoveryInput } from './recovery';
import type { RecoveryReport, SessionTimers } from './types';

export interface RecoveryDeps {
  readonly timers: SessionTimers;
  reconnect(): Promise<Result<ApduChannel, DomainError>>;
  exchange(
    kind: 'status-enquiry' | 'repeat-receipt',
    command: Uint8Array,
    layout?: CompletionLayout,
  ): Promise<Result<ExchangeResult, DomainError>>;
  readonly password: string;
  readonly cardTokenTag: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function recoverAfterFailure(
  deps: RecoveryDeps,
  input: Omit<RecoveryInput, 'last'>,
): Promise<RecoveryReport> {
  let lastProblem = 'the terminal did not answer';
  let seenApproval = input.seenApproval;
  let approvalAcknowledged = input.approvalAcknowledged;
  const attempts = Math.max(1, deps.timers.recoveryAttempts);
  for (let attempt = 1; attempt <= attempts; attempt++) {
    await sleep(deps.timers.recoveryDelayMs);
    const channel = await deps.reconnect();
    if (!channel.ok) {
      lastProblem = channel.error.message;
      continue;
    }
    // Status Enquiry first: it only answers once the terminal is idle again (P15 §2.56).
    const status = await deps.exchange(
      'status-enquiry',
      commands.statusEnquiry(deps.password),
      'status-enquiry',
    );
    if (status.ok) {
      // The interrupted transaction may still deliver its approval now: a 04 0F that was waiting unread or
      // that arrives during the enquiry belongs to it, and the PT may book it, so it counts as seen.
      const late = [...status.value.discarded, ...status.value.statusInfos].filter(
        (m) => m.cls === 0x04 && m.ins === 0x0f,
      );
      const approval = late
        .map((m) => detailsFromFields(m.fields, deps.cardTokenTag))
        .find((d) => (d.resultCode ?? 0) === 0 && d.receiptNumber !== undefined);
      if (approval && !seenApproval) {
        seenApproval = approval;
        approvalAcknowledged = true;
      }
    }
    if (!status.ok || status.value.end.kind === 'link-failure') {
      lastProblem = 'the terminal did not answer the Status Enquiry';
      continue;
    }
    const repeat = await deps.exchange('repeat-receipt', commands.repeatReceipt(deps.password));
    if (!repeat.ok) {
      lastProblem = repeat.error.message;
      continue;
    }
    const end = repeat.value.end;
    if (end.kind === 'link-failure') {
      lastProblem = 'the terminal did not finish the Repeat Receipt';
      continue;
    }
    if (end.kind === 'refused') {
      return {
        verdict: 'undetermined',
        basis: `the terminal refused Repeat Receipt (84 ${hexByte(end.resultCode)}); check its journal by hand`,
        attempts: attempt,
        receipts: [],
      };
    }
    const info = repeat.value.statusInfos.at(-1);
    let last: LastTransaction;
    if (end.kind === 'abort') last = { kind: 'none' };
    else if (info) last = { kind: 'transaction', details: detailsFromFields(info.fields, deps.cardTokenTag) };
    else {
      return {
        verdict: 'undetermined',
        basis: 'the terminal repeated a receipt without its Status-Information, so it cannot be matched',
        attempts: attempt,
        receipts: repeat.value.receipts,
      };
    }
    const decision = decideRecovery({ ...input, seenApproval, approvalAcknowledged, last });
    return {
      ...decision,
      attempts: attempt,
      ...(last.kind === 'transaction' ? { lastTransaction: last.details } : {}),
      receipts: repeat.value.receipts,
    };
  }
  return {
    verdict: 'undetermined',
    basis: `recovery failed after ${attempts} attempts: ${lastProblem}`,
    attempts,
    receipts: [],
  };
}
