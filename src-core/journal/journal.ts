/**
 * The write-ahead acquirer journal: every acquirer call that moves or reserves money goes through `run`:
 *
 *   1. commit a journal row (PENDING) saying what is asked; its id is the reference the acquirer receives
 *      (`runChecked`: in one transaction with the caller's lock and checks; `runWrittenFirst`: a refund's,
 *      payout's or void's with the order row lock, a subsequent payment's with the order's read, in one
 *      write, the checks after it);
 *   2. call the acquirer with that reference (outside any transaction);
 *   3. record the answer in the ledger AND close the row, in one transaction (`settle`).
 *
 * A crash or a database failure between 2 and 3 leaves the row PENDING; the reconciler (reconcile.ts) asks
 * the acquirer about the reference later and records the answer exactly once: `settle` locks the row and
 * does nothing if another process closed it first, and the ledger operation carries the row's id. A retry of
 * the API request with the same idempotence key finds its row (`resume`) instead of calling the acquirer
 * again. Money the acquirer moved but the ledger refuses is never dropped: an approved charge is released
 * at the acquirer (a RELEASE row), anything else becomes a money exception for a manager (settle.ts).
 */
import { domainError, err, ok } from '../../src-shared';
import type { Acquirer, Inquiry } from '../acquirer/acquirer';
import { lastStatement, type Queryable } from '../db/adapter';
import { currentClaim, freeUnansweredClaim, IDEMPOTENCE_RETENTION_MS } from '../idempotence/claims';
import { loadedOrderFrom, loadOrderInTx } from '../ledger/loaded-order';
import { Refused, type LedgerService } from '../ledger/service';
import { selectOperation } from '../ledger/store';
import { selectWholeOrderRow, wholeOrderFromRow, type KnownOrder } from '../ledger/whole-order';
import type { AcquirerAnswer, JournalEntry, JournalIntent, RequestKey } from './entries';
import {
  closeEntryInTx,
  holdClaim,
  insertEntry,
  insertEntryUnderClaim,
  noteInquiry,
  selectDueEntries,
  selectEntryForRequest,
  selectOpenEntriesOfPayment,
} from './entry-store';
import type { JournalLog } from './log';
import { JournalRefusal } from './refusal';
import { DEFAULT_MAX_RECORDING_ATTEMPTS, recordingFailed } from './recording-failures';
import { createSettler } from './settle';

export type { JournalLog } from './log';

import {
  DEFAULT_RECONCILE_GRACE_MS,
  type AcquirerJournal,
  type JournalOptions,
  type ReconcileReport,
  type RunResult,
} from './journal-contract';

export {
  DEFAULT_RECONCILE_GRACE_MS,
  type AcquirerJournal,
  type JournalOptions,
  type Prepared,
  type ReconcileReport,
  type RunResult,
} from './journal-contract';

export function inquiryAnswer(inquiry: Inquiry): AcquirerAnswer {
  switch (inquiry.state) {
    case 'NOT_RECEIVED':
      return { type: 'NOT_RECEIVED' };
    case 'IN_PROGRESS':
      return { type: 'NO_ANSWER', reason: 'the acquirer is still processing it' };
    case 'AUTHORISATION':
      return { type: 'AUTHORISATION', outcome: inquiry.outcome };
    case 'MOVEMENT':
      return { type: 'MOVEMENT', result: inquiry.result };
  }
}

/** Payments whose order this process knows, at most this many (the oldest forgotten first). */
const KNOWN_PAYMENTS = 100_000;

/**
 * Which order each payment belongs to, as this process has seen it (a payment never moves to another order,
 * so what is known stays true): the lock key under which a refund's first write may share its commit.
 */
function paymentOrders() {
  const known = new Map<string, string>();
  const keyOf = (merchantId: string, paymentId: string) => `${merchantId}\u0000${paymentId}`;
  return {
    of: (merchantId: string, paymentId: string): string | undefined =>
      known.get(keyOf(merchantId, paymentId)),
    note(merchantId: string, paymentId: string, orderId: string): void {
      const key = keyOf(merchantId, paymentId);
      if (known.has(key)) return;
      if (known.size >= KNOWN_PAYMENTS) known.delete(known.keys().next().value!);
      known.set(key, orderId);
    },
  };
}

export function createAcquirerJournal(
  deps: { ledger: LedgerService; acquirer: Acquirer; log: JournalLog },
  options: JournalOptions = {},
): AcquirerJournal {
  const { ledger, acquirer, log } = deps;
  const { db, ctx } = ledger;
  const graceMs = options.graceMs ?? DEFAULT_RECONCILE_GRACE_MS;
  const failures = {
    db,
    ctx,
    log,
    maxAttempts:
      options.maxRecordingAttempts !== undefined && options.maxRecordingAttempts >= 1
        ? Math.floor(options.maxRecordingAttempts)
        : DEFAULT_MAX_RECORDING_ATTEMPTS,
  };

  const { settle, sendRelease } = createSettler({ db, ctx, acquirer, log });
  const orders = paymentOrders();

  async function freeRequestClaim(entry: JournalEntry): Promise<void> {
    // The request that wrote this row never answered (its process died): the idempotence layer lets a
    // retry with the same key run now (it resumes from this row).
    if (entry.requestKey) await freeUnansweredClaim(db, entry.merchantId, entry.requestKey);
  }

  /** The API request's idempotence claim this row is written under, if it is this request's. */
  function claimFor(intent: Pick<JournalIntent, 'merchantId' | 'requestKey'>) {
    const claim = currentClaim();
    const key = intent.requestKey;
    return claim &&
      key &&
      claim.merchantId === intent.merchantId &&
      claim.key === key.key &&
      claim.hash === key.hash
      ? { key, claimId: claim.claimId }
      : null;
  }

  const claimTakenOver = (key: RequestKey | null) =>
    new JournalRefusal({ error: domainError('IDEMPOTENCE_REQUEST_IN_PROGRESS', { key: key?.key ?? '' }) });

  /**
   * Writes the PENDING row. Under the API request's idempotence claim, only while that claim holds: a retry
   * that took the key over (this process was judged dead) runs the request instead, never both.
   */
  async function writeRow(q: Queryable, intent: JournalIntent): Promise<JournalEntry> {
    const claim = claimFor(intent);
    const entry = claim
      ? await insertEntryUnderClaim(q, ctx.newId(), { ...intent, requestKey: claim.key }, claim.claimId)
      : await insertEntry(q, ctx.newId(), intent);
    if (!entry) throw claimTakenOver(intent.requestKey);
    return entry;
  }

  /** The committed row's acquirer call, then its answer recorded and the row closed. */
  async function sendAndSettle(
    entry: JournalEntry,
    send: (reference: string) => Promise<AcquirerAnswer>,
    known?: KnownOrder,
  ): Promise<RunResult> {
    let answer: AcquirerAnswer;
    try {
      answer = await send(entry.id);
    } catch (e) {
      log.error(
        { err: e, journalId: entry.id, kind: entry.kind, paymentId: entry.paymentId },
        'acquirer call failed: outcome unknown, kept for reconciliation',
      );
      answer = { type: 'NO_ANSWER', reason: 'the acquirer call failed' };
    }
    await options.afterAcquirerAnswer?.(entry, answer, log);
    orders.note(entry.merchantId, entry.paymentId, entry.orderId);
    try {
      const settled = await settle(entry, answer, false, known);
      return { entry: settled.entry, appended: settled.appended, unsettled: null };
    } catch (e) {
      // Counted (and logged) once per attempt; after the last one the row is a money exception.
      const closed = await recordingFailed(failures, entry, answer, e);
      if (closed) return { entry: closed, appended: null, unsettled: null };
      return { entry, appended: null, unsettled: 'RECORDING_FAILED' };
    }
  }

  const journal: AcquirerJournal = {
    ledger,
    acquirer,
    graceMs,

    async run(intent, send) {
      await options.beforeJournalRow?.(intent, log);
      return sendAndSettle(await writeRow(db, intent), send);
    },

    async runChecked(head, prepare, send) {
      await options.beforeJournalRow?.(head, log);
      let written: { entry: JournalEntry; context: Parameters<typeof send>[1]; order?: KnownOrder };
      try {
        written = await db.transaction(async (tx) => {
          // The claim is held first and the row written last, with COMMIT (one round trip each way on
          // PostgreSQL: the claim and the caller's first statements go out with BEGIN).
          const claim = claimFor(head);
          const held = claim ? holdClaim(tx, head.merchantId, claim.key, claim.claimId) : null;
          // Awaited below; a refusal or failure of `prepare` first must not leave it unhandled.
          held?.catch(() => undefined);
          const prepared = await prepare(tx);
          if (!prepared.ok) throw new Refused(prepared.error);
          if (held && !(await held)) throw claimTakenOver(head.requestKey);
          const { intent, context, order } = prepared.value;
          const sameKey = (a: RequestKey | null, b: RequestKey | null) =>
            a === b || (!!a && !!b && a.key === b.key && a.hash === b.hash);
          if (intent.merchantId !== head.merchantId || !sameKey(intent.requestKey, head.requestKey)) {
            throw new Error('runChecked: the intent is not for the request it was prepared for');
          }
          return { entry: await insertEntry(lastStatement(tx), ctx.newId(), intent), context, order };
        });
      } catch (e) {
        if (e instanceof Refused) return err(e.error);
        throw e;
      }
      const { entry, context, order } = written;
      return ok(await sendAndSettle(entry, (reference) => send(reference, context), order));
    },

    async runWrittenFirst(write, judge, send) {
      const { head } = write;
      await options.beforeJournalRow?.(head, log);
      const claim = claimFor(head);
      const id = ctx.newId();
      // Issued in one turn, so on PostgreSQL they go out in one write with BEGIN and COMMIT: the claim held
      // first, then the order (its row lock, for money going back), then the row, a later statement that sees
      // everything committed before the lock was granted (payments/refund-lock.ts). Under load it shares its
      // commit with others (db/shared-commits.ts) when this process knows the payment's order, the one order
      // it locks; a write that locks no order's rows may share under any key.
      const lockKey = orders.of(head.merchantId, head.paymentId) ?? (write.lockOrder ? null : head.paymentId);
      const [held, loadedRow, entry] = await db.transaction(
        (tx) =>
          Promise.all([
            claim ? holdClaim(tx, head.merchantId, claim.key, claim.claimId) : null,
            selectWholeOrderRow(tx, head.merchantId, { paymentId: head.paymentId }, write.lockOrder),
            write.insert(lastStatement(tx), id, claim?.claimId ?? null),
          ]),
        lockKey ? { lockKey } : undefined,
      );
      if (held === false) {
        if (entry) throw new Error('runWrittenFirst: a row was written under a claim taken over');
        throw claimTakenOver(head.requestKey);
      }
      // After the COMMIT: a load whose lock waited reads payments and operations again (wholeOrderFromRow).
      const order = loadedRow ? loadedOrderFrom(await wholeOrderFromRow(db, loadedRow)) : null;
      if (order) orders.note(head.merchantId, head.paymentId, order.order.orderId);
      const judged = judge(order, entry);
      if (!entry) return judged ? err(judged.ok ? write.refusal() : judged.error) : null;
      if (!judged?.ok) {
        const error = judged ? judged.error : null;
        await closeEntryInTx(db, entry.id, {
          result: 'NOT_RECEIVED',
          answer: { type: 'NOT_RECEIVED' },
          error,
        });
        return error ? err(error) : null;
      }
      return ok(await sendAndSettle(entry, () => send(entry, judged.value), order ?? undefined));
    },

    async resume(merchantId, key) {
      const found = await selectEntryForRequest(db, merchantId, key, IDEMPOTENCE_RETENTION_MS);
      if (!found) return null;
      // We hold the request's idempotence claim, so no other run of this request is calling the acquirer.
      const entry =
        found.state === 'DONE' ? found : await journal.reconcile(found, { freeRequestClaim: false });
      return entry.result === 'NOT_RECEIVED' ? null : entry;
    },

    async reconcile(entry, opts = {}) {
      if (entry.state === 'DONE') return entry;
      await noteInquiry(db, entry.id);
      let answer: AcquirerAnswer;
      if (entry.kind === 'RELEASE') {
        // A release is ours to finish, not only to find out about: send it again (same reference, so the
        // acquirer carries it out once).
        answer = await sendRelease(entry);
      } else {
        try {
          answer = inquiryAnswer(await acquirer.inquire(entry.id));
        } catch (e) {
          log.warn({ err: e, journalId: entry.id }, 'the acquirer could not be asked about a journal row');
          answer = { type: 'NO_ANSWER', reason: 'the acquirer could not be asked' };
        }
      }
      let settled: { entry: JournalEntry };
      try {
        settled = await settle(entry, answer, entry.ageMs >= graceMs);
      } catch (e) {
        // The row stays open (answered as still pending) until its attempts run out; never thrown at a
        // reader of the payment, never logged more than once per attempt.
        const closed = await recordingFailed(failures, entry, answer, e);
        settled = { entry: closed ?? entry };
      }
      if (opts.freeRequestClaim !== false) await freeRequestClaim(settled.entry);
      if (settled.entry.state === 'DONE') {
        log.info(
          {
            journalId: entry.id,
            kind: entry.kind,
            paymentId: entry.paymentId,
            result: settled.entry.result,
          },
          'journal row reconciled',
        );
      }
      return settled.entry;
    },

    async reconcileDue(limit = 200) {
      const due = await selectDueEntries(db, graceMs, limit);
      const report: ReconcileReport = { checked: due.length, closed: 0, stillOpen: 0, failed: 0 };
      for (const entry of due) {
        try {
          const after = await journal.reconcile(entry);
          if (after.state === 'DONE') report.closed++;
          else report.stillOpen++;
        } catch (e) {
          report.failed++;
          log.error({ err: e, journalId: entry.id }, 'reconciling a journal row failed; it stays open');
        }
      }
      return report;
    },

    async reconcilePayment(merchantId, paymentId) {
      const open = await selectOpenEntriesOfPayment(db, merchantId, paymentId);
      for (const entry of open) {
        if (entry.state === 'UNKNOWN' || entry.ageMs >= graceMs) await journal.reconcile(entry);
      }
    },

    async recordedOperation(entry) {
      if (entry.result !== 'APPROVED') return null;
      const stored = await selectOperation(db, entry.merchantId, entry.id);
      if (!stored) return null;
      const loaded = await loadOrderInTx(db, entry.merchantId, stored.orderId);
      const payment = loaded?.payments.find((p) => p.paymentId === stored.operation.paymentId);
      if (!loaded || !payment) throw new Error(`operation ${entry.id} without its order`);
      return { stored, payment, order: loaded.order, state: loaded.state, duplicate: true, after: loaded };
    },
  };
  return journal;
}
