/**
 * The journal's answers (catalog values, journal/outcome.ts) in the HTTP adapters' shape: an `ApiFailure`
 * that the online API turns into its error body. (Movements answer through the use cases, src-core/payments/,
 * whose failures each adapter maps itself.)
 */
import type { JournalEntry } from '../journal/entries';
import { exceptionError, recordingPendingError } from '../journal/outcome';
import { ApiFailure } from './api-error';

/** A money exception, as the caller hears of it. */
export const exceptionFailure = (entry: JournalEntry): ApiFailure => new ApiFailure(exceptionError(entry));

/** The answer could not be recorded yet (database failure after the acquirer answered). */
export const recordingPending = (entry: JournalEntry): ApiFailure =>
  new ApiFailure(recordingPendingError(entry));
