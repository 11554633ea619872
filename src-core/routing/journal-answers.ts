/**
 * The journal's answers (catalog values, journal/outcome.ts) in the HTTP adapters' shape: an `ApiFailure`
 * that the online API and the back office turn into their error bodies.
 */
import type { JournalEntry } from '../journal/entries';
import type { AcquirerJournal, RunResult } from '../journal/journal';
import { exceptionError, movementResult, recordingPendingError } from '../journal/outcome';
import type { Appended } from '../ledger/service';
import { ApiFailure } from './api-error';

/** A money exception, as the caller hears of it. */
export const exceptionFailure = (entry: JournalEntry): ApiFailure => new ApiFailure(exceptionError(entry));

/** The answer could not be recorded yet (database failure after the acquirer answered). */
export const recordingPending = (entry: JournalEntry): ApiFailure =>
  new ApiFailure(recordingPendingError(entry));

/** The operation a journaled movement recorded, or its failure thrown as an `ApiFailure`. */
export async function movementOutcome(
  journal: AcquirerJournal,
  run: RunResult | JournalEntry,
  propertyName?: string,
): Promise<Appended> {
  const r = await movementResult(journal, run, propertyName);
  if (!r.ok) throw new ApiFailure(r.error.error, r.error.propertyName);
  return r.value;
}
