/**
 * Settling a journal row (journal.ts): the acquirer's answer recorded in the ledger and the row closed in one
 * transaction, exactly once across processes (the row is locked; a row another process closed is left as
 * it is). When the ledger refuses the answer (the order changed since the check), what follows the refusal:
 * an approved charge is released at the acquirer (a RELEASE row, sent after commit and settled in turn), a
 * decline is closed as REFUSED, and money that moved anyway becomes a money exception for a manager.
 */
import type { DomainError, Uuid } from '../../src-shared';
import type { Acquirer } from '../acquirer/acquirer';
import { lastStatement, type Db, type Queryable } from '../db/adapter';
import type { LedgerContext } from '../ledger/context';
import { releaseRefundLock } from '../ledger/refund-lock';
import { NotAsHeld, type Appended } from '../ledger/append';
import { loadedOrderFrom } from '../ledger/loaded-order';
import { Refused } from '../ledger/service';
import { resolveUnknownPaymentInTx } from '../ledger/unknown-payments';
import { selectPayment } from '../ledger/store';
import { type KnownOrder } from '../ledger/whole-order';
import { heldRefundLockId, type AcquirerAnswer, type JournalEntry } from './entries';
import {
  closeEntryInTx,
  entryAndOrderUnchanged,
  insertEntry,
  markUnknownInTx,
  selectEntry,
  selectEntryWithOrderForUpdate,
} from './entry-store';
import { recordMoneyException } from './exceptions';
import type { JournalLog } from './log';
import { recordableUnlocked, recordAnswerInTx } from './record';

/**
 * Rows whose answer appends an operation to an order that exists before it: everything but a create payment
 * (its order is created with the answer) and a release (nothing recorded).
 */
function appendsToExistingOrder(row: Pick<JournalEntry, 'request'>): boolean {
  const r = row.request;
  return r.kind !== 'RELEASE' && !(r.kind === 'AUTHORISE' && r.newOrder !== null);
}

export interface Settler {
  /**
   * Record and close, settle a refusal, and send a release if one is due. `graceOver`: the row is past the
   * reconciler's grace period; `known`: the order as the row's own transaction read it (runChecked), not
   * loaded again if unchanged.
   */
  settle(
    row: JournalEntry,
    answer: AcquirerAnswer,
    graceOver: boolean,
    known?: KnownOrder,
  ): Promise<{ entry: JournalEntry; appended: Appended | null }>;
  /** Sends a RELEASE row's cancel to the acquirer (same reference on every attempt); never throws. */
  sendRelease(release: JournalEntry): Promise<AcquirerAnswer>;
}

export function createSettler(deps: {
  db: Db;
  ctx: LedgerContext;
  acquirer: Acquirer;
  log: JournalLog;
}): Settler {
  const { db, ctx, acquirer, log } = deps;

  /** Records the answer and closes the row in one transaction; a ledger refusal comes back as a value. */
  async function recordAndClose(
    row: Pick<JournalEntry, 'id' | 'request'>,
    answer: AcquirerAnswer,
    graceOver: boolean,
    known?: KnownOrder,
  ): Promise<{ entry: JournalEntry; appended: Appended | null } | { refusal: DomainError }> {
    const { id } = row;
    try {
      return await db.transaction(async (tx) => {
        // Lock the row; when the answer appends to an order that exists, lock and load it in the same
        // statement (row first, then order, as the two statements would).
        const withOrder = appendsToExistingOrder(row)
          ? await selectEntryWithOrderForUpdate(tx, id, known)
          : null;
        const entry = withOrder?.entry ?? (await selectEntry(tx, id, true));
        if (!entry) throw new Error(`journal row ${id} vanished`);
        // Another process (a reconciler, the original request) settled it first: nothing more to record.
        if (entry.state === 'DONE') return { entry, appended: null };
        const order = withOrder ? loadedOrderFrom(withOrder.order) : undefined;
        const recording = await recordAnswerInTx(tx, ctx, entry, answer, graceOver, order);
        if (recording.kind === 'unknown') {
          await markUnknownInTx(lastStatement(tx), id, answer);
          return { entry: { ...entry, state: 'UNKNOWN' as const, answer }, appended: null };
        }
        if (!recording.closed) {
          await closeEntryInTx(lastStatement(tx), id, {
            result: recording.result,
            answer,
            error: recording.error,
          });
        }
        return {
          entry: {
            ...entry,
            state: 'DONE' as const,
            result: recording.result,
            answer,
            error: recording.error,
          },
          appended: recording.appended,
        };
      });
    } catch (e) {
      if (e instanceof Refused) return { refusal: e.error };
      throw e;
    }
  }

  /**
   * An answer recorded by the request that wrote the row (it read the order then) without locking first: an
   * approved refund, payout, void, capture or reversal, or a subsequent payment's final answer
   * (`recordableUnlocked`). The append (with the payment row riding in its statement), freeing a refund lock
   * and closing the row are written only if the row is still PENDING and the order row is the very version
   * read (`entryAndOrderUnchanged`), COMMIT with the last. One round trip and one statement fewer than
   * locking the row and the order first. Null when it does not apply or the condition did not hold (nothing
   * written): the caller records the ordinary way, which locks, loads what changed and judges again.
   */
  async function recordUnlocked(
    entry: JournalEntry,
    answer: AcquirerAnswer,
    known: KnownOrder | undefined,
  ): Promise<{ entry: JournalEntry; appended: Appended | null } | null> {
    const version = known?.version;
    if (!known || version === undefined || !recordableUnlocked(entry, answer)) return null;
    const order = loadedOrderFrom({
      order: known.order,
      payments: [...known.payments],
      operations: [...known.operations],
    });
    const onlyIf = entryAndOrderUnchanged(entry.id, { version, operationCount: known.order.operationCount });
    try {
      const recording = await db.transaction((tx) =>
        recordAnswerInTx(tx, ctx, entry, answer, false, order, { onlyIf }),
      );
      if (recording.kind !== 'close' || !recording.closed) {
        throw new Error(`journal row ${entry.id}: recorded unlocked, but not closed with its append`);
      }
      const { result, error } = recording;
      const closed = { ...entry, state: 'DONE' as const, result, answer, error };
      return { entry: closed, appended: recording.appended };
    } catch (e) {
      // Changed since it was read (nothing written), or refused on what was read: judged again under lock.
      if (e instanceof NotAsHeld || e instanceof Refused) return null;
      throw e;
    }
  }

  /**
   * The ledger refused an answer (the order changed since the check). An approved charge is released at the
   * acquirer (new RELEASE row, sent after commit); a declined one is closed; money that moved anyway (a
   * refund, a capture …) becomes a money exception. The row is closed in the same transaction.
   */
  async function settleRefusal(
    id: Uuid,
    answer: AcquirerAnswer,
    refusal: DomainError,
  ): Promise<{ entry: JournalEntry; release: JournalEntry | null }> {
    const settled = await db.transaction(async (tx) => {
      const entry = await selectEntry(tx, id, true);
      if (!entry) throw new Error(`journal row ${id} vanished`);
      if (entry.state === 'DONE') return { entry, release: null };
      const approvedCharge =
        answer.type === 'AUTHORISATION' &&
        answer.outcome.outcome === 'APPROVED' &&
        (entry.kind === 'AUTHORISE' || entry.kind === 'REBILL');
      if (approvedCharge) {
        await declineUnknownPayment(tx, entry, refusal);
        const release = await insertEntry(tx, ctx.newId(), {
          kind: 'RELEASE',
          merchantId: entry.merchantId,
          orderId: entry.orderId,
          paymentId: entry.paymentId,
          amount: null,
          currency: entry.currency,
          mode: null,
          cardRef: null,
          requestKey: null,
          request: {
            kind: 'RELEASE',
            source: entry.request.source,
            acquirerReference: answer.outcome.acquirerReference,
            releases: entry.id,
          },
        });
        await closeEntryInTx(tx, id, { result: 'REFUSED', answer, error: refusal });
        return {
          entry: { ...entry, state: 'DONE' as const, result: 'REFUSED' as const, error: refusal },
          release,
        };
      }
      if (answer.type === 'AUTHORISATION' && entry.kind !== 'RELEASE') {
        // A decline the ledger could not record as a DECLINE: nothing moved.
        await closeEntryInTx(tx, id, { result: 'REFUSED', answer, error: refusal });
        return {
          entry: { ...entry, state: 'DONE' as const, result: 'REFUSED' as const, error: refusal },
          release: null,
        };
      }
      const released =
        entry.request.kind === 'RELEASE' ? await selectEntry(tx, entry.request.releases) : null;
      const exception = await recordMoneyException(tx, ctx.newId(), {
        merchantId: entry.merchantId,
        dedupeKey: `journal:${entry.id}`,
        source: 'ACQUIRER',
        kind: entry.kind,
        orderId: entry.orderId,
        paymentId: entry.paymentId,
        amount: entry.amount ?? released?.amount ?? null,
        currency: entry.currency,
        channel: entry.request.source.channel,
        terminalId: null,
        journalId: entry.id,
        operationId: null,
        reason: refusal,
        occurredAt: ctx.clock.now(),
      });
      const lockId = heldRefundLockId(entry.request);
      if (lockId) await releaseRefundLock(tx, { lockId });
      await closeEntryInTx(tx, id, {
        result: 'EXCEPTION',
        answer,
        error: refusal,
        exceptionId: exception.id,
      });
      log.warn(
        {
          exceptionId: exception.id,
          journalId: entry.id,
          kind: entry.kind,
          paymentId: entry.paymentId,
          amountMinor: exception.amount?.amountMinor ?? null,
          currency: entry.currency,
          reason: refusal.code,
        },
        'money moved at the acquirer that the ledger refused: money exception recorded for a manager',
      );
      return {
        entry: {
          ...entry,
          state: 'DONE' as const,
          result: 'EXCEPTION' as const,
          error: refusal,
          exceptionId: exception.id,
        },
        release: null,
      };
    });
    return settled;
  }

  /**
   * A payment shown as pending (AUTHORIZATION_REQUESTED) whose late approval the ledger refused: it is
   * released at the acquirer, so it reads REJECTED with the ledger's reason instead of pending forever.
   */
  async function declineUnknownPayment(tx: Queryable, entry: JournalEntry, refusal: DomainError) {
    if (entry.kind !== 'AUTHORISE' || !entry.amount) return;
    const payment = await selectPayment(tx, entry.merchantId, entry.paymentId);
    if (payment?.outcome !== 'UNKNOWN') return;
    const r = await resolveUnknownPaymentInTx(tx, ctx, {
      merchantId: entry.merchantId,
      paymentId: entry.paymentId,
      operationId: entry.id,
      opening: { kind: 'DECLINE', amount: entry.amount, reason: refusal.code },
    });
    if (!r.ok) log.warn({ journalId: entry.id, reason: r.error.code }, 'a refused payment stays pending');
  }

  async function sendRelease(release: JournalEntry): Promise<AcquirerAnswer> {
    if (release.request.kind !== 'RELEASE') throw new Error(`journal row ${release.id} is not a release`);
    try {
      const result = await acquirer.cancel({
        reference: release.id,
        acquirerReference: release.request.acquirerReference,
        amount: null,
      });
      return { type: 'MOVEMENT', result };
    } catch (e) {
      log.error(
        { err: e, journalId: release.id },
        'releasing an authorisation failed; reconciliation retries',
      );
      return { type: 'NO_ANSWER', reason: 'the acquirer call failed' };
    }
  }

  /** Record and close, settle a refusal, and send a release if one is due. */
  async function settle(
    row: JournalEntry,
    answer: AcquirerAnswer,
    graceOver: boolean,
    /** The order as the row's own transaction read it (runChecked): not loaded again if unchanged. */
    known?: KnownOrder,
  ): Promise<{ entry: JournalEntry; appended: Appended | null }> {
    const unlocked = await recordUnlocked(row, answer, known);
    if (unlocked) return unlocked;
    const recorded = await recordAndClose(row, answer, graceOver, known);
    if (!('refusal' in recorded)) return recorded;
    const refused = await settleRefusal(row.id, answer, recorded.refusal);
    if (refused.release) {
      const released = await sendRelease(refused.release);
      await settle(refused.release, released, false);
    }
    return { entry: refused.entry, appended: null };
  }

  return { settle, sendRelease };
}
