/**
 * Records an acquirer's answer in the ledger, for one journal row, inside the caller's transaction (the one
 * that also closes the row). The same code runs for the request that called the acquirer and for the
 * reconciler that asked about it later, so an answer is recorded the same way whoever records it; the ledger
 * operation carries the row's id as its operation id, so recording it twice is impossible even by mistake.
 *
 * A refusal by the ledger of an answer that moved money throws `Refused`: the caller rolls back and settles
 * it (journal.ts: a release of the authorisation, or a money exception).
 */
import { domainError } from '../../src-shared';
import type { Tx } from '../db/adapter';
import type { LedgerContext } from '../ledger/context';
import { completeRefundLockWrite, releaseRefundLock } from '../ledger/refund-lock';
import type { LoadedOrder } from '../ledger/loaded-order';
import { Refused } from '../ledger/service';
import { WHEN_HELD } from '../ledger/store';
import { heldRefundLockId, type AcquirerAnswer, type JournalEntry, type JournalRequest } from './entries';
import { recordAuthorisation } from './record-payment';
import {
  amountOf,
  appendAndClose,
  classify,
  close,
  mismatch,
  type AppendBody,
  type Classified,
  type Recording,
  type Unlocked,
} from './recording';

export async function recordAnswerInTx(
  tx: Tx,
  ctx: LedgerContext,
  entry: JournalEntry,
  answer: AcquirerAnswer,
  graceOver: boolean,
  /** The order, when the caller locked and loaded it with the journal row (journal.ts); else loaded here. */
  order?: LoadedOrder,
  /**
   * Neither the row nor the order was locked: append only if both are as read (an approved movement only,
   * recorded in one statement; settle.ts).
   */
  unlocked?: Unlocked,
): Promise<Recording> {
  if (unlocked && !recordableUnlocked(entry, answer)) {
    throw new Error(`journal row ${entry.id}: this answer is not recorded without locking first`);
  }
  const c = classify(answer, graceOver);
  const request = entry.request;
  switch (request.kind) {
    case 'AUTHORISE':
      if (c.is === 'movement') mismatch(entry, answer);
      return recordAuthorisation(tx, ctx, entry, request, c, answer, order, unlocked);
    case 'REBILL': {
      if (c.is === 'movement') mismatch(entry, answer);
      if (c.is === 'unknown') return { kind: 'unknown' };
      if (c.is === 'notReceived') return close('NOT_RECEIVED');
      if (c.outcome.outcome === 'DECLINED') {
        return close('DECLINED', domainError(c.outcome.reason, { reason: 'declined by the acquirer' }));
      }
      return appendAndClose(tx, ctx, entry, answer, order, { kind: 'REBILL', amount: amountOf(entry) });
    }
    case 'RELEASE':
      if (c.is === 'authorisation') mismatch(entry, answer);
      if (c.is !== 'movement') return { kind: 'unknown' };
      if (!c.answer.ok) throw new Refused(c.answer.error);
      return close('APPROVED');
    case 'CAPTURE':
    case 'CANCEL':
    case 'PAYOUT':
    case 'REFUND':
    case 'REVERSAL':
      // Listed, not `default`: a new kind of journal row must choose how it is recorded.
      return recordMovement(tx, ctx, entry, request, c, answer, order, unlocked);
  }
}

async function recordMovement(
  tx: Tx,
  ctx: LedgerContext,
  entry: JournalEntry,
  request: Extract<JournalRequest, { kind: 'CAPTURE' | 'REVERSAL' | 'CANCEL' | 'REFUND' | 'PAYOUT' }>,
  c: Classified,
  answer: AcquirerAnswer,
  order: LoadedOrder | undefined,
  unlocked: Unlocked | undefined,
): Promise<Recording> {
  if (c.is === 'authorisation') mismatch(entry, answer);
  // While the outcome is unknown the lock row stays (and the open row holds the order even after it expires).
  if (c.is === 'unknown') return { kind: 'unknown' };
  const lockId = heldRefundLockId(request);
  const giveUpLock = async () => {
    if (lockId) await releaseRefundLock(tx, { lockId });
  };
  if (c.is === 'notReceived') {
    await giveUpLock();
    return close('NOT_RECEIVED');
  }
  if (!c.answer.ok) {
    await giveUpLock();
    return close('DECLINED', c.answer.error);
  }
  const body: AppendBody =
    request.kind === 'CAPTURE'
      ? { kind: 'CAPTURE', amount: amountOf(entry), isFinal: request.isFinal }
      : request.kind === 'REVERSAL'
        ? { kind: 'AUTHORISATION_REVERSAL', amount: amountOf(entry) }
        : request.kind === 'CANCEL'
          ? { kind: 'CANCEL' }
          : { kind: request.kind, amount: amountOf(entry) };
  // "Recorded", "lock freed" and "row closed" in one statement; if the lock was taken over after expiry, its
  // delete frees nothing.
  return appendAndClose(
    tx,
    ctx,
    entry,
    answer,
    order,
    body,
    lockId ? [completeRefundLockWrite({ lockId }, unlocked ? WHEN_HELD : undefined)] : [],
    unlocked,
  );
}

/**
 * Answers recorded in one statement without locking the row and its order first, when the request that wrote
 * the row records them (settle.ts `recordUnlocked`): those whose recording is one append (with the payment
 * row riding in its statement) that closes the row. An approved refund, payout, void, capture or reversal; a
 * subsequent payment's approval or decline that uses and stores no token. Not a create payment (its order
 * is created with it), not a decline of a movement or an unknown outcome (other writes), not a rebill.
 */
export function recordableUnlocked(entry: JournalEntry, answer: AcquirerAnswer): boolean {
  if (entry.state !== 'PENDING') return false;
  const r = entry.request;
  if (isMovement(r)) return answer.type === 'MOVEMENT' && answer.result.ok;
  if (r.kind !== 'AUTHORISE' || r.newOrder !== null || r.usedTokenId !== null || r.tokenize !== null) {
    return false;
  }
  return answer.type === 'AUTHORISATION' && answer.outcome.outcome !== 'UNKNOWN';
}

type MovementRequest = Extract<
  JournalRequest,
  { kind: 'CAPTURE' | 'REVERSAL' | 'CANCEL' | 'REFUND' | 'PAYOUT' }
>;

/** A row whose answer is a money movement on an existing payment (recordMovement). */
export const isMovement = (request: JournalRequest): request is MovementRequest =>
  request.kind === 'CAPTURE' ||
  request.kind === 'REVERSAL' ||
  request.kind === 'CANCEL' ||
  request.kind === 'REFUND' ||
  request.kind === 'PAYOUT';
