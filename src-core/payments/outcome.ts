/**
 * What every use case answers, and the steps they share: resuming a request by its idempotence key, turning
 * a journaled movement into the operation it recorded (or a failure), finding a payment with its order, and
 * the amount an operation takes when the caller names none.
 *
 * Failures are catalog values (`DomainError`) with the step that produced them; each adapter (online API,
 * back office, terminal sync) gives them its own wire shape and decides which of its request fields a failure
 * points at (`propertyName`): the use cases know nothing about HTTP.
 */
import {
  domainError,
  err,
  money,
  ok,
  type Channel,
  type CurrencyCode,
  type DomainError,
  type Money,
  type PaymentId,
  type Result,
} from '../../src-shared';
import { showAmount } from '../../src-shared/validation';
import type { JournalEntry, RequestKey } from '../journal/entries';
import type { AcquirerJournal, RunResult } from '../journal/journal';
import { movementResult } from '../journal/outcome';
import type { PaymentRecord } from '../ledger/rows';
import type { Appended } from '../ledger/append';
import { loadOrderOfPaymentInTx, type LoadedOrder } from '../ledger/loaded-order';

/** Who asks for a money operation on a payment, through which channel, under which request. */
export interface PaymentRequest {
  merchantId: string;
  paymentId: PaymentId;
  channel: Channel;
  /** Recorded in the refund lock's row when one is taken: `online:<apiKeyId>`, `back-office:<keyId>`. */
  holder: string;
  operatorId?: string | null;
  merchantReference?: string | null;
  /** The API request's idempotence key: a retry resumes its journal row instead of calling again. */
  requestKey?: RequestKey | null;
}

/**
 * Where a failure came from, so an adapter can name the field at fault:
 * - `AMOUNT`: the amount the caller gave is not a valid amount in the order's currency;
 * - `CHECK`: the ledger (or the refund lock) refused the operation before the acquirer was asked;
 * - `RECORDING`: the acquirer answered and the ledger refused to record it (nothing moved: a REFUSED row);
 * - null: anything else (not found, declined, an outcome not known yet, a money exception).
 */
export type FailedStep = 'AMOUNT' | 'CHECK' | 'RECORDING' | null;

export interface PaymentFailure {
  readonly error: DomainError;
  readonly step: FailedStep;
  /** Answered from an earlier run of the same request (same idempotence key and body). */
  readonly resumed: boolean;
}

export type PaymentResult<T = Appended> = Result<T, PaymentFailure>;

export const failure = (error: DomainError, step: FailedStep = null, resumed = false): PaymentResult<never> =>
  err({ error, step, resumed });

/**
 * The journal row an earlier run of this very request wrote (same idempotence key and body), settled now if
 * it is still open; null when the request carries no key, has no row, or the acquirer never received it (run
 * it afresh). The one "resume by idempotence key" of every money operation: a retry answers from its row and
 * never calls the acquirer a second time.
 */
export function resumeRequest(
  journal: AcquirerJournal,
  merchantId: string,
  requestKey: RequestKey | null | undefined,
): Promise<JournalEntry | null> {
  return requestKey ? journal.resume(merchantId, requestKey) : Promise.resolve(null);
}

/** Marks the journal's REFUSED answers (journal/outcome.ts attaches a property name only to those). */
const REFUSED_BY_LEDGER = 'RECORDING';

/**
 * Captures, reversals, voids, refunds, payouts and rebills: the operation the ledger recorded for a journal
 * run (or a resumed row), or why there is none. An outcome not known yet is ACQUIRER_TIMEOUT (retryable with
 * the same idempotence key, which resumes the row).
 */
export async function movementOutcome(
  journal: AcquirerJournal,
  run: RunResult | JournalEntry,
  resumed = false,
): Promise<PaymentResult> {
  const r = await movementResult(journal, run, REFUSED_BY_LEDGER);
  if (r.ok) return r;
  return failure(r.error.error, r.error.propertyName === REFUSED_BY_LEDGER ? 'RECORDING' : null, resumed);
}

/** A request resumed from its journal row: its outcome, as the first run answered it. */
export async function resumedOutcome(
  journal: AcquirerJournal,
  merchantId: string,
  requestKey: RequestKey | null | undefined,
): Promise<PaymentResult | null> {
  const earlier = await resumeRequest(journal, merchantId, requestKey);
  return earlier ? movementOutcome(journal, earlier, true) : null;
}

export interface FoundPayment {
  payment: PaymentRecord;
  loaded: LoadedOrder;
}

/**
 * The payment and its whole order, read in one statement. A payment whose outcome is not recorded yet (the
 * acquirer timed out, or the process that called it died before recording) is reconciled first
 * (src-core/journal/), so a caller sees the outcome as soon as the acquirer knows it. Null when the merchant
 * has no such payment.
 */
export async function findPayment(
  journal: AcquirerJournal,
  merchantId: string,
  paymentId: PaymentId,
  options: { askAcquirer?: boolean } = {},
): Promise<FoundPayment | null> {
  const { db } = journal.ledger;
  const load = async () => {
    const loaded = await loadOrderOfPaymentInTx(db, merchantId, paymentId);
    const payment = loaded?.payments.find((p) => p.paymentId === paymentId);
    if (loaded && !payment) throw new Error(`payment ${paymentId} is not among its order's payments`);
    return loaded && payment ? { payment, loaded } : null;
  };
  let found = await load();
  if ((!found || found.payment.outcome === 'UNKNOWN') && options.askAcquirer !== false) {
    await journal.reconcilePayment(merchantId, paymentId);
    found = await load();
  }
  return found;
}

/** `findPayment`, with PAYMENT_NOT_FOUND as a failure. */
export async function paymentToActOn(
  journal: AcquirerJournal,
  merchantId: string,
  paymentId: PaymentId,
): Promise<PaymentResult<FoundPayment>> {
  const found = await findPayment(journal, merchantId, paymentId);
  return found ? ok(found) : failure(domainError('PAYMENT_NOT_FOUND', { paymentId }));
}

/** An amount in minor units of a known currency (a capture names a bare amount in the order's currency). */
export function amountIn(amountMinor: number, currency: CurrencyCode): PaymentResult<Money> {
  if (!Number.isSafeInteger(amountMinor)) {
    return failure(domainError('AMOUNT_NOT_SAFE_INTEGER', { amount: amountMinor }), 'AMOUNT');
  }
  if (amountMinor <= 0) {
    return failure(
      domainError('AMOUNT_NOT_POSITIVE', { amount: showAmount(amountMinor, currency) }),
      'AMOUNT',
    );
  }
  return ok(money(amountMinor, currency));
}

/**
 * Without an amount an operation takes everything available; when nothing is, the ledger is asked with one
 * minor unit, so the answer is its precise refusal (nothing captured, authorisation closed …).
 */
export const everythingOrOne = (available: Money): Money =>
  available.amountMinor > 0 ? available : money(1, available.currency);
