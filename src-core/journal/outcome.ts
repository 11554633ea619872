/**
 * What an API caller is told about a journaled acquirer call, for the online API and the back office alike.
 * The answer is built from the journal row, so a first run and a resumed retry answer the same way.
 */
import { fail, ApiFailure } from '../http/api-error';
import type { Appended } from '../ledger/service';
import type { JournalEntry } from './entries';
import { KIND_WORDS, moneyMovedNotRecorded } from './exceptions';
import type { AcquirerJournal, RunResult } from './journal';

/** A money exception, as the caller hears of it. */
export function exceptionFailure(entry: JournalEntry): ApiFailure {
  return new ApiFailure(
    moneyMovedNotRecorded({
      id: entry.exceptionId ?? '',
      kind: entry.kind,
      amount: entry.amount,
      paymentId: entry.paymentId,
      source: 'ACQUIRER',
      reason: entry.error,
    }),
  );
}

/** The answer could not be recorded yet (database failure after the acquirer answered). */
export function recordingPending(entry: JournalEntry): ApiFailure {
  return fail('RECORDING_PENDING', {
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
export async function movementOutcome(
  journal: AcquirerJournal,
  run: RunResult | JournalEntry,
  propertyName?: string,
): Promise<Appended> {
  const { entry, appended, unsettled } =
    'entry' in run ? run : { entry: run, appended: null, unsettled: null };
  // A row still PENDING after a run or a resume is one whose answer could not be recorded (yet).
  if (unsettled || entry.state === 'PENDING') throw recordingPending(entry);
  if (entry.state !== 'DONE') throw fail('ACQUIRER_TIMEOUT');
  switch (entry.result) {
    case 'APPROVED': {
      const recorded = appended ?? (await journal.recordedOperation(entry));
      if (!recorded) throw new Error(`journal row ${entry.id} is APPROVED without its operation`);
      return recorded;
    }
    case 'EXCEPTION':
      throw exceptionFailure(entry);
    case 'DECLINED':
    case 'REFUSED':
      if (!entry.error) throw new Error(`journal row ${entry.id} is ${entry.result} without an error`);
      throw new ApiFailure(entry.error, entry.result === 'REFUSED' ? propertyName : undefined);
    case 'NOT_RECEIVED':
    case null:
      // Only a resumed row can be NOT_RECEIVED, and resume() hands those back as "run afresh".
      throw fail('ACQUIRER_TIMEOUT');
  }
}
