/**
 * What recording an acquirer's answer decides, and the steps every kind of journal row shares: the answer
 * classified (unknown, not received, an authorisation, a movement), the row closed with a result or kept
 * open, and the ledger append that closes the row in its own statement. record.ts dispatches on the row's
 * kind; record-payment.ts records a new payment.
 */
import type { DomainError, OperationBody } from '../../src-shared';
import type { AuthoriseOutcome } from '../acquirer/acquirer';
import type { Queryable, SqlFragment, Tx } from '../db/adapter';
import type { LedgerContext } from '../ledger/context';
import { appendOperationInTx, type Appended } from '../ledger/append';
import type { LoadedOrder } from '../ledger/loaded-order';
import { Refused } from '../ledger/service';
import { WHEN_HELD } from '../ledger/store';
import type { AcquirerAnswer, JournalEntry } from './entries';
import { closeEntryWrite } from './entry-store';

/**
 * What recording decided for the row: close it with a result, or keep it open as UNKNOWN. `closed`: the row
 * was closed already, in the statement that appended the operation (no statement of its own needed).
 */
export type Recording =
  | {
      kind: 'close';
      result: 'APPROVED' | 'DECLINED' | 'NOT_RECEIVED';
      error: DomainError | null;
      appended: Appended | null;
      closed: boolean;
    }
  | { kind: 'unknown' };

type Final = Exclude<AuthoriseOutcome, { outcome: 'UNKNOWN' }>;
export type Classified =
  | { is: 'unknown'; card: AuthoriseOutcome['card']; acquirerReference: string | null }
  | { is: 'notReceived' }
  | { is: 'authorisation'; outcome: Final }
  | { is: 'movement'; answer: Extract<AcquirerAnswer, { type: 'MOVEMENT' }>['result'] };

/**
 * NOT_RECEIVED is final only once the row is older than the grace period: before that the request may still
 * be on its way to the acquirer (a call that failed on our side), and calling it "nothing happened" could
 * leave a charge unrecorded when it lands.
 */
export function classify(answer: AcquirerAnswer, graceOver: boolean): Classified {
  switch (answer.type) {
    case 'NO_ANSWER':
      return { is: 'unknown', card: null, acquirerReference: null };
    case 'NOT_RECEIVED':
      return graceOver ? { is: 'notReceived' } : { is: 'unknown', card: null, acquirerReference: null };
    case 'AUTHORISATION':
      return answer.outcome.outcome === 'UNKNOWN'
        ? { is: 'unknown', card: answer.outcome.card, acquirerReference: answer.outcome.acquirerReference }
        : { is: 'authorisation', outcome: answer.outcome };
    case 'MOVEMENT':
      return { is: 'movement', answer: answer.result };
  }
}

export const close = (
  result: 'APPROVED' | 'DECLINED' | 'NOT_RECEIVED',
  error: DomainError | null = null,
  appended: Appended | null = null,
): Recording => ({ kind: 'close', result, error, appended, closed: false });

/**
 * Appends the operation and closes the row in the same statement (plus `more` writes that belong with it):
 * one round trip fewer on every journaled path. A refusal throws before anything is written.
 */
export async function appendAndClose(
  tx: Tx,
  ctx: LedgerContext,
  entry: JournalEntry,
  answer: AcquirerAnswer,
  order: LoadedOrder | undefined,
  body: AppendBody,
  more: readonly SqlFragment[] = [],
  /** Append only if the row and the order are as read (`Unlocked`); the writes in `more` test it too. */
  unlocked?: Unlocked,
): Promise<Recording> {
  const closing = { result: 'APPROVED', answer, error: null } as const;
  const close = closeEntryWrite(entry.id, closing, unlocked ? WHEN_HELD : undefined);
  const appended = await append(tx, ctx, entry, order, body, [...more, close], unlocked?.onlyIf);
  return { kind: 'close', result: 'APPROVED', error: null, appended, closed: true };
}

/**
 * Recording without locking the row and its order first: the order as read when the row was written, and
 * the condition the append's statement checks (`onlyIf`, `entryAndOrderUnchanged`); when it does not hold,
 * nothing is written and the ledger throws `NotAsHeld` (settle.ts then records the ordinary way).
 */
export interface Unlocked {
  onlyIf: SqlFragment;
}

export function mismatch(entry: JournalEntry, answer: AcquirerAnswer): never {
  throw new Error(`journal row ${entry.id} (${entry.kind}) got a ${answer.type} answer`);
}

export const amountOf = (entry: JournalEntry) => {
  if (!entry.amount) throw new Error(`journal row ${entry.id} (${entry.kind}) has no amount`);
  return entry.amount;
};

async function append(
  tx: Queryable,
  ctx: LedgerContext,
  entry: JournalEntry,
  lockedOrder: LoadedOrder | undefined,
  body: AppendBody,
  alsoInStatement: readonly SqlFragment[],
  onlyIf?: SqlFragment,
) {
  const r = await appendOperationInTx(tx, ctx, {
    ...entry.request.source,
    merchantId: entry.merchantId,
    paymentId: entry.paymentId,
    operationId: entry.id,
    freshIds: true,
    body,
    alsoInStatement,
    // It closes the row: the caller (journal.ts) runs nothing after it, so COMMIT goes out with it.
    lastInTransaction: true,
    lockedOrder,
    onlyIf,
  });
  if (!r.ok) throw new Refused(r.error);
  return r.value;
}

export type AppendBody = Exclude<OperationBody, { kind: 'SALE' | 'AUTHORISATION' | 'DECLINE' }>;
