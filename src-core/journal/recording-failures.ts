/**
 * Defence in depth for the acquirer journal (issue 7): a row whose answer the ledger cannot record, whatever
 * the cause (a text PostgreSQL refuses, a constraint, a database that fails every time), must not stay
 * PENDING forever, holding its order's refund lock and logging on every reconciliation pass. Each failed
 * attempt is counted on the row; after `maxAttempts` the row is closed as a money exception a manager sees
 * in the back office (`GET /backoffice/v1/{merchantId}/exceptions`), and the order's refund lock is released
 * with it, in one transaction.
 *
 * The money exception says what the acquirer answered: for an approved charge or a refund, money moved that
 * the ledger does not show; for a decline or a request the acquirer never received, nothing moved and the
 * manager only closes it.
 */
import { domainError, type DomainError } from '../../src-shared';
import type { Db } from '../db/adapter';
import type { LedgerContext } from '../ledger/context';
import { releaseRefundLock } from '../ledger/refund-lock';
import { heldRefundLockId, type AcquirerAnswer, type JournalEntry } from './entries';
import { closeEntryInTx, noteRecordingFailure, selectEntry } from './entry-store';
import { recordMoneyException } from './exceptions';
import type { JournalLog } from './log';

export const DEFAULT_MAX_RECORDING_ATTEMPTS = 5;

/** The acquirer's answer in words, for the exception a manager reads. */
export function answerInWords(answer: AcquirerAnswer): string {
  switch (answer.type) {
    case 'AUTHORISATION':
      return answer.outcome.outcome === 'APPROVED'
        ? 'approved: money moved'
        : answer.outcome.outcome === 'DECLINED'
          ? 'declined: nothing moved'
          : 'outcome unknown';
    case 'MOVEMENT':
      return 'carried out: money moved';
    case 'NOT_RECEIVED':
      return 'never received: nothing moved';
    case 'NO_ANSWER':
      return `no answer (${answer.reason})`;
  }
}

const sqlstateOf = (e: unknown): string => {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : 'none';
};

export interface RecordingFailureDeps {
  db: Db;
  ctx: LedgerContext;
  log: JournalLog;
  maxAttempts: number;
}

/**
 * Counts a failed recording of `entry`'s answer and, once it has failed `maxAttempts` times, closes the row
 * as a money exception. Returns the closed row, or null while it stays open for another attempt. Logs one
 * warning per attempt (so at most `maxAttempts` lines per row) and one error when it gives up.
 */
export async function recordingFailed(
  deps: RecordingFailureDeps,
  entry: JournalEntry,
  answer: AcquirerAnswer,
  failure: unknown,
): Promise<JournalEntry | null> {
  const { db, ctx, log } = deps;
  const sqlstate = sqlstateOf(failure);
  const words = answerInWords(answer);
  let attempts: number | null;
  try {
    attempts = await noteRecordingFailure(db, entry.id, sqlstate, words);
  } catch (e) {
    // The database is down altogether: nothing to count with; the next pass tries again.
    log.warn({ err: e, journalId: entry.id }, 'counting a failed recording failed too');
    return null;
  }
  if (attempts === null) return selectEntry(db, entry.id);
  if (attempts < deps.maxAttempts) {
    log.warn(
      {
        err: failure,
        journalId: entry.id,
        kind: entry.kind,
        attempts,
        maxAttempts: deps.maxAttempts,
        sqlstate,
      },
      'recording the acquirer answer failed: the journal row stays open for another attempt',
    );
    return null;
  }
  const reason = domainError('RECORDING_FAILED', { answer: words, attempts, sqlstate });
  try {
    const closed = await closeAsException(db, ctx, entry.id, answer, reason);
    if (closed.exceptionId) {
      log.error(
        {
          journalId: entry.id,
          exceptionId: closed.exceptionId,
          kind: entry.kind,
          paymentId: entry.paymentId,
          amountMinor: entry.amount?.amountMinor ?? null,
          currency: entry.currency,
          attempts,
          sqlstate,
        },
        'the ledger could not record an acquirer answer: money exception recorded for a manager',
      );
    }
    return closed;
  } catch (e) {
    // Logged when it first gives up and then only at powers of two: a database that refuses even this
    // does not fill the logs.
    if ((attempts & (attempts - 1)) === 0 || attempts === deps.maxAttempts) {
      log.error(
        { err: e, journalId: entry.id, attempts },
        'recording a money exception failed; retried later',
      );
    }
    return null;
  }
}

/** The row closed as EXCEPTION with its money exception, and its order's refund lock released: one transaction. */
async function closeAsException(
  db: Db,
  ctx: LedgerContext,
  id: string,
  answer: AcquirerAnswer,
  reason: DomainError,
): Promise<JournalEntry> {
  return db.transaction(async (tx) => {
    const entry = await selectEntry(tx, id, true);
    if (!entry) throw new Error(`journal row ${id} vanished`);
    if (entry.state === 'DONE') return entry;
    const exception = await recordMoneyException(tx, ctx.newId(), {
      merchantId: entry.merchantId,
      dedupeKey: `journal:${entry.id}`,
      source: 'ACQUIRER',
      kind: entry.kind,
      orderId: entry.orderId,
      paymentId: entry.paymentId,
      amount: entry.amount,
      currency: entry.currency,
      channel: entry.request.source.channel,
      terminalId: null,
      journalId: entry.id,
      operationId: null,
      reason,
      occurredAt: ctx.clock.now(),
    });
    const lockId = heldRefundLockId(entry.request);
    if (lockId) await releaseRefundLock(tx, { lockId });
    await closeEntryInTx(tx, id, { result: 'EXCEPTION', answer, error: reason, exceptionId: exception.id });
    return {
      ...entry,
      state: 'DONE' as const,
      result: 'EXCEPTION' as const,
      answer,
      error: reason,
      exceptionId: exception.id,
    };
  });
}
