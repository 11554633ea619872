/**
 * The ledger's writes and reads for every channel. Each write runs in one database transaction: lock the order
 * row, load its operations, apply the new one with the shared `applyOperation` (src-shared/ledger.ts, the one
 * source of the rules), append it. The database decides concurrency: the order row lock serialises writers of
 * one order, and the unique `(order_id, order_seq)` refuses a second writer even if a caller forgot the lock.
 *
 * Functions named `…InTx` take a transaction the caller opened (the journal's recording, the sync API's
 * message, the use cases in src-core/payments/); `writeInTx` runs one in a transaction of its own. The
 * `LedgerService` holds the reads and the one write that needs no acquirer call of ours (a chargeback the
 * acquirer notified): money the core sends goes through src-core/payments/ (refund lock, journal, acquirer).
 */
import {
  domainError,
  err,
  ok,
  toMoney,
  type Channel,
  type CurrencyCode,
  type DomainError,
  type Money,
  type OperationBody,
  type PaymentId,
  type Result,
  type Uuid,
} from '../../src-shared';
import { showAmount } from '../../src-shared/validation';
import { isUniqueViolation, violatedConstraint, type Db, type Queryable } from '../db/adapter';
import type { LedgerContext } from './context';
import type { OrderRecord } from './rows';
import { insertOrder, createPaymentIdMinter } from './store';
import { appendOperationInTx, type AppendOperation, type Appended } from './append';
import { loadOrderInTx, loadOrderOfPaymentInTx, type LoadedOrder } from './loaded-order';

export interface NewOrder {
  merchantId: string;
  /** A UUID minted where the order was created (a terminal's); minted here when absent. */
  orderId?: Uuid;
  currency: CurrencyCode;
  /** What the order is worth; null for an open order that grows with each payment (online API orders). */
  total: Money | null;
  channel: Channel;
  storeId?: Uuid | null;
  terminalId?: Uuid | null;
  customerRef?: string | null;
  merchantReference?: string | null;
  /** Where it happened (a terminal's clock); now when absent. */
  occurredAt?: Date;
}

export async function createOrderInTx(
  tx: Queryable,
  ctx: LedgerContext,
  input: NewOrder,
): Promise<Result<OrderRecord, DomainError>> {
  if (input.total) {
    const t = toMoney(input.total.amountMinor, input.total.currency);
    if (!t.ok) return t;
    if (t.value.amountMinor <= 0)
      return err(
        domainError('AMOUNT_NOT_POSITIVE', { amount: showAmount(t.value.amountMinor, t.value.currency) }),
      );
    if (t.value.currency !== input.currency) {
      return err(domainError('CURRENCY_MISMATCH', { expected: input.currency, actual: t.value.currency }));
    }
  }
  const now = ctx.clock.now();
  const order = await insertOrder(tx, {
    orderId: input.orderId ?? ctx.newId(),
    merchantId: input.merchantId,
    storeId: input.storeId ?? null,
    terminalId: input.terminalId ?? null,
    customerRef: input.customerRef ?? null,
    channel: input.channel,
    currency: input.currency,
    totalMinor: input.total?.amountMinor ?? null,
    merchantReference: input.merchantReference ?? null,
    occurredAt: input.occurredAt ?? now,
    recordedAt: now,
  });
  return ok(order);
}

// ── The service: one transaction per call ─────────────────────────────────────────────────────────

/** A write the database refused by a uniqueness rule is a domain answer, not a crash. */
function uniqueViolationAsError(e: unknown, paymentId: string | undefined): DomainError | null {
  if (!isUniqueViolation(e)) return null;
  const constraint = violatedConstraint(e) ?? '';
  if (constraint.startsWith('payments_pkey')) {
    return domainError('PAYMENT_ALREADY_EXISTS', { paymentId: paymentId ?? '' });
  }
  return null;
}

/** What the ledger records without an acquirer call of ours: the acquirer's notifications about a payment. */
export type NotifiedBody = Extract<OperationBody, { kind: 'CHARGEBACK' | 'CHARGEBACK_REVERSAL' }>;

/**
 * The ledger's reads and its one write of its own. Nothing here moves money: refunds, payouts, captures,
 * cancels and rebills go through the use-case layer (src-core/payments/: refund lock, journal, acquirer),
 * payments through the journal, and what a counter did through the terminal sync API (the `…InTx` functions
 * in the sync push's transaction).
 */
export interface LedgerService {
  readonly db: Db;
  readonly ctx: LedgerContext;
  /** Records a chargeback or its reversal (the acquirer's notification) in a transaction of its own. */
  recordNotification(
    input: Omit<AppendOperation, 'body'> & { body: NotifiedBody },
  ): Promise<Result<Appended, DomainError>>;
  loadOrder(merchantId: string, orderId: string): Promise<LoadedOrder | null>;
  loadOrderOfPayment(merchantId: string, paymentId: string): Promise<LoadedOrder | null>;
  /**
   * A core-minted payment id for a payment about to be asked of the acquirer (drawn in blocks; `via`: a new
   * block is drawn in that transaction, not in a commit of its own).
   */
  mintPaymentId(via?: Queryable): Promise<PaymentId>;
}

export function createLedgerService(db: Db, ctx: LedgerContext): LedgerService {
  return {
    db,
    ctx,
    recordNotification: (input) =>
      writeInTx(db, input.paymentId, (tx) => appendOperationInTx(tx, ctx, input)),
    loadOrder: (merchantId, orderId) => loadOrderInTx(db, merchantId, orderId),
    loadOrderOfPayment: (merchantId, paymentId) => loadOrderOfPaymentInTx(db, merchantId, paymentId),
    mintPaymentId: createPaymentIdMinter(db),
  };
}

/**
 * Runs one ledger write in a transaction of its own: a refusal rolls it back and travels as a value; a race
 * the database refused by a uniqueness rule runs again on the new state, or becomes a domain answer.
 */
export async function writeInTx<T>(
  db: Db,
  paymentId: string | undefined,
  fn: (tx: Queryable) => Promise<Result<T, DomainError>>,
): Promise<Result<T, DomainError>> {
  for (let attempt = 0; ; attempt++) {
    try {
      // A refused operation rolls back (nothing was written); the error travels as a value.
      return await db.transaction(async (tx) => {
        const r = await fn(tx);
        if (!r.ok) throw new Refused(r.error);
        return r;
      });
    } catch (e) {
      if (e instanceof Refused) return err(e.error);
      // Two retries of one operation id raced (the second now finds the first), or a writer appended
      // without the order lock (the unique order_seq refused it): run again on the new state.
      const constraint = isUniqueViolation(e) ? (violatedConstraint(e) ?? '') : '';
      if (
        attempt < 3 &&
        (constraint === 'operations_pkey' || constraint.startsWith('operations_order_id_order_seq'))
      ) {
        continue;
      }
      const mapped = uniqueViolationAsError(e, paymentId);
      if (mapped) return err(mapped);
      throw e;
    }
  }
}

/** Carries a domain refusal out of `db.transaction` so the transaction rolls back. */
export class Refused extends Error {
  constructor(readonly error: DomainError) {
    super(error.message);
    this.name = 'Refused';
  }
}
