/**
 * A failure the journal answers with, as a catalog value: no wire shape here. Each adapter gives it its own
 * (the online API and back office: routing/api-error.ts `asApiFailure`).
 */
import type { DomainError } from '../../src-shared';

/** What the caller is told, and the request property it concerns (e.g. `amountOfMoney.amount`). */
export interface JournalFailure {
  error: DomainError;
  propertyName?: string;
}

/**
 * Thrown by `run` through the use case to the adapter when the journal refuses to write its row (the
 * request's idempotence claim was taken over by a retry): the one journal failure that is not a returned value,
 * because every caller of `run` would otherwise pass it up unchanged.
 */
export class JournalRefusal extends Error {
  constructor(readonly failure: JournalFailure) {
    super(failure.error.message);
    this.name = 'JournalRefusal';
  }
}
