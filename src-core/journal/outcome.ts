/**
 * What a caller is told about a journaled acquirer call, as catalog values (the use cases, src-core/payments/,
 * answer with them; each adapter gives them its wire shape). The answer is built from the journal row, so a
 * first run and a resumed retry answer the same way.
 */
import { domainError, err, ok, type DomainError, type Result } from '../../src-shared';
import type { Appended } from '../ledger/append';
import type { JournalEntry } from './entries';
import { KIND_WORDS, moneyMovedNotRecorded } from './exceptions';
import type { AcquirerJournal, RunResult } from './journal';
import type { JournalFailure } from './refusal';

/** A money exception, as the caller hears of it. */
export function exceptionError(entry: JournalEntry): DomainError {
  return moneyMovedNotRecorded({
    id: entry.exceptionId ?? '',
    kind: entry.kind,
    amount: entry.amount,
    paymentId: entry.paymentId,
    source: 'ACQUIRER',
    reason: entry.error,
  });
}

/** The answer could not be recorded yet (database failure after the acquirer answered). */
export function recordingPendingError(entry: JournalEntry): DomainError {
  return domainError('RECORDING_PENDING', {
    kind: KIND_WORDS[entry.kind],
    paymentId: entry.paymentId,
    reference: entry.id,
  });
}

/**
 * Captures, reversals, voids, refunds, payouts and rebills: the operation the ledger recorded, or the
 * failure to answer. An outcome not known yet answers ACQUIRER_TIMEOUT (504, retryable: a retry with the
 * same idempotence key resumes the journal row rather than calling the acquirer again).
 */
export async function movementResult(
  journal: AcquirerJournal,
  run: RunResult | JournalEntry,
  propertyName?: string,
): Promise<Result<Appended, JournalFailure>> {
  const { entry, appended, unsettled } =
    'entry' in run ? run : { entry: run, appended: null, unsettled: null };
  // A row still PENDING after a run or a resume is one whose answer could not be recorded (yet).
  if (unsettled || entry.state === 'PENDING') return err({ error: recordingPendingError(entry) });
  if (entry.state !== 'DONE') return err({ error: domainError('ACQUIRER_TIMEOUT') });
  switch (entry.result) {
    case 'APPROVED': {
      const recorded = appended ?? (await journal.recordedOperation(entry));
      if (!recorded) throw new Error(`journal row ${entry.id} is APPROVED without its operation`);
      return ok(recorded);
    }
    case 'EXCEPTION':
      return err({ error: exceptionError(entry) });
    case 'DECLINED':
    case 'REFUSED':
      if (!entry.error) throw new Error(`journal row ${entry.id} is ${entry.result} without an error`);
      return err({
        error: entry.error,
        ...(entry.result === 'REFUSED' && propertyName !== undefined ? { propertyName } : {}),
      });
    case 'NOT_RECEIVED':
    case null:
      // Only a resumed row can be NOT_RECEIVED, and resume() hands those back as "run afresh".
      return err({ error: domainError('ACQUIRER_TIMEOUT') });
  }
}
