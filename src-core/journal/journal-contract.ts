/**
 * What the write-ahead acquirer journal offers its callers (journal.ts builds it): `run`, `runChecked` and
 * `runWrittenFirst` (the row before the acquirer call, the answer recorded after), `resume` by idempotence key,
 * and reconciliation; the options a core process starts it with, and what a run answers.
 */
import type { DomainError, Result, Uuid } from '../../src-shared';
import type { Acquirer } from '../acquirer/acquirer';
import type { Queryable } from '../db/adapter';
import type { Appended } from '../ledger/append';
import type { LoadedOrder } from '../ledger/loaded-order';
import type { LedgerService } from '../ledger/service';
import type { KnownOrder } from '../ledger/whole-order';
import type { AcquirerAnswer, JournalEntry, JournalIntent, RequestKey } from './entries';
import type { JournalLog } from './log';

/** Longer than any request takes (acquirer time-out, refund-lock TTL of 60 s), so a PENDING row this old is orphaned. */
export const DEFAULT_RECONCILE_GRACE_MS = 120_000;

export interface JournalOptions {
  /** PENDING rows younger than this are left alone: their request may still be running in some process. */
  graceMs?: number;
  /**
   * TEST ONLY (wired from COUNTER_TEST_ONLY_PAUSE_AFTER_ACQUIRER in main.ts): runs after the acquirer
   * answered and before the answer is recorded, so a test can kill the process exactly there.
   */
  afterAcquirerAnswer?: (entry: JournalEntry, answer: AcquirerAnswer, log: JournalLog) => Promise<void>;
  /**
   * Failed attempts at recording a row's answer (the first run and each reconciliation) before the row is
   * closed as a money exception for a manager (recording-failures.ts). COUNTER_MAX_RECORDING_ATTEMPTS.
   */
  maxRecordingAttempts?: number;
  /** TEST ONLY (COUNTER_TEST_ONLY_PAUSE_BEFORE_JOURNAL): runs before the journal row is written. */
  beforeJournalRow?: (
    intent: Pick<JournalIntent, 'kind' | 'merchantId' | 'paymentId' | 'requestKey'>,
    log: JournalLog,
  ) => Promise<void>;
}

/** What `runChecked`'s caller prepared in the row's transaction: the row to write, and what its call needs. */
export interface Prepared<T> {
  intent: JournalIntent;
  context: T;
  /** The order as loaded in the transaction: the recording does not load it again if it has not changed. */
  order?: KnownOrder;
}

/** What `runWrittenFirst` sends in its one write besides the order's load. */
export interface WrittenFirst {
  /** The request: its kind, merchant, the payment it names (whose order is loaded) and its key. */
  head: Pick<JournalIntent, 'kind' | 'merchantId' | 'paymentId' | 'requestKey'>;
  /** Take the order row lock with the load (money going back), or only read the order. */
  lockOrder: boolean;
  /**
   * The row's insert, built in SQL from the rows it names, with its conditions (under an idempotence claim:
   * that the claim, held FOR SHARE by an earlier statement, is still `claimId`'s); null when not written.
   */
  insert: (q: Queryable, id: Uuid, claimId: string | null) => Promise<JournalEntry | null>;
  /** The answer when no row was written and the judge has no refusal of its own (built only then). */
  refusal: () => DomainError;
}

export interface RunResult {
  /** The row as it stands after the call: DONE, UNKNOWN, or still PENDING when recording failed. */
  entry: JournalEntry;
  /**
   * The ledger operation this call recorded (movements and rebills; the opening of a payment unless token
   * operations followed it), when it recorded one.
   */
  appended: Appended | null;
  /** RECORDING_FAILED: the acquirer answered but the ledger write failed; reconciliation will record it. */
  unsettled: 'RECORDING_FAILED' | null;
}

export interface ReconcileReport {
  checked: number;
  closed: number;
  stillOpen: number;
  failed: number;
}

export interface AcquirerJournal {
  readonly ledger: LedgerService;
  readonly acquirer: Acquirer;
  readonly graceMs: number;
  /** Journal → acquirer call (`send` gets the reference) → record and close. */
  run(intent: JournalIntent, send: (reference: string) => Promise<AcquirerAnswer>): Promise<RunResult>;
  /**
   * The same, with checks that commit together with the journal row: `prepare` runs in the transaction that
   * writes the row (it loads the order and checks the ledger would accept the operation: a subsequent
   * payment), so checks and row are one commit before the acquirer is called, and a refusal rolls them back
   * (nothing was sent, nothing is left held). `context` is handed to `send`; `order`, the order as `prepare`
   * read it, spares the recording loading it again when it has not changed. `head.paymentId` names the payment
   * the request is about (for a subsequent payment: the one it is initiated by; the new id is minted in
   * `prepare`). The row is written last, with the COMMIT (`lastStatement`).
   */
  runChecked<T>(
    head: Pick<JournalIntent, 'kind' | 'merchantId' | 'paymentId' | 'requestKey'>,
    prepare: (tx: Queryable) => Promise<Result<Prepared<T>, DomainError>>,
    send: (reference: string, context: T) => Promise<AcquirerAnswer>,
  ): Promise<Result<RunResult, DomainError>>;
  /**
   * One round trip before the acquirer is called: the order of `write.head.paymentId` loaded (and its row
   * locked, for money going back), the row written by `write.insert` from what the database holds (its
   * conditions in its own SQL), and COMMIT, all in one write; then `judge` rules on the order as loaded and the
   * row as written (its `value` is handed to `send`). A refusal then closes the row as NOT_RECEIVED in a
   * statement of its own (it was never sent; a retry with the same key runs afresh). When no row was written
   * the answer is the judge's refusal if it has one, else `write.refusal()`, as if the checks had run first. A
   * judge answering null (it cannot tell from what was loaded, or the row is not what it would have written):
   * the row, if any, is closed the same way and null is answered: run the request the judge-first way
   * (`runChecked`). The row must be well-formed before it is sent: an amount that breaks the columns' domains
   * would fail the transaction, where judging first answers a refusal (rows-from-payments.ts `fitsTheRow`).
   * Under load the write may share its commit with others (db/shared-commits.ts).
   */
  runWrittenFirst<T>(
    write: WrittenFirst,
    judge: (order: LoadedOrder | null, entry: JournalEntry | null) => Result<T, DomainError> | null,
    send: (entry: JournalEntry, judged: T) => Promise<AcquirerAnswer>,
  ): Promise<Result<RunResult, DomainError> | null>;
  /**
   * The row an earlier run of this very API request wrote (same idempotence key and body), settled now if it
   * is open; null when there is none or the acquirer never received it (run the request afresh).
   */
  resume(merchantId: string, key: RequestKey): Promise<JournalEntry | null>;
  /** Asks the acquirer about an open row and records the answer (exactly once across processes). */
  reconcile(entry: JournalEntry, options?: { freeRequestClaim?: boolean }): Promise<JournalEntry>;
  /** UNKNOWN rows and PENDING rows past the grace period, oldest first. */
  reconcileDue(limit?: number): Promise<ReconcileReport>;
  /** A payment being read whose outcome is not recorded yet: reconcile its rows that are due. */
  reconcilePayment(merchantId: string, paymentId: string): Promise<void>;
  /** The ledger operation an APPROVED row recorded, with its order. */
  recordedOperation(entry: JournalEntry): Promise<Appended | null>;
}
