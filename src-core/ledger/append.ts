/**
 * Appending to the ledger, in the caller's transaction: opening a payment (its SALE, AUTHORISATION or
 * DECLINE) and appending any later operation, each under the order row lock (or on the order the caller holds
 * already, `lockedOrder`), checked with the shared `applyOperation` (src-shared/ledger.ts, the one source of
 * the rules) before anything is written; and the same check as a dry run (`checkOperation`). An operation id
 * seen before is answered with what was recorded then (`duplicate`).
 */
import {
  applyOperation,
  operationOf,
  domainError,
  err,
  ok,
  parsePaymentId,
  type Channel,
  type DomainError,
  type OperationBody,
  type OrderState,
  type PaymentId,
  type Result,
  type Uuid,
  type Operation,
} from '../../src-shared';
import { lastStatement, type CommitShare, type Queryable, type SqlFragment } from '../db/adapter';
import type { LedgerContext } from './context';
import { orderSummaryColumns } from './order-summary';
import type { CardFacts, OrderRecord, PaymentRecord, StoredOperation } from './rows';
import {
  insertOperation,
  insertedPayment,
  insertPaymentWrite,
  mintCorePaymentId,
  selectOperation,
  WHEN_HELD,
  type NewPaymentRow,
} from './store';
import { loadOrderInTx, loadOrderOfPaymentInTx, type LoadedOrder } from './loaded-order';

/** Who/where an operation came from; the same for every kind. */
export interface OperationSource {
  channel: Channel;
  terminalId?: Uuid | null;
  /** A UUID minted where the operation happened (a terminal's), making a retry idempotent; minted when absent. */
  operationId?: Uuid;
  occurredAt?: Date;
  merchantReference?: string | null;
  operatorId?: string | null;
  /**
   * The caller guarantees `operationId` (and, opening a payment, `paymentId`) were never recorded: the acquirer
   * journal, which records each row once under its row lock. Skips the lookups for them; the primary keys of
   * operations and payments still refuse a second one.
   */
  freshIds?: boolean;
  /**
   * Writes that must commit with the operation (free the refund lock, close the journal row that asked for
   * it), run in the statement that appends it, so they cost no round trip of their own. They run only when
   * the operation is appended: not for a duplicate, not when the ledger refuses it.
   */
  alsoInStatement?: readonly SqlFragment[];
  /**
   * The append is the transaction's last statement (the caller runs nothing after it): on PostgreSQL COMMIT
   * goes out with it, one round trip fewer (`Tx.queryAndCommit`). The append is one statement when the order
   * is held already (`lockedOrder`); the ledger's refusal comes before it, so a refusal still rolls back.
   */
  lastInTransaction?: boolean;
  /**
   * The order as this transaction holds it already, so it is not locked and loaded again: locked and loaded
   * with the journal row (one statement, journal.ts), or just created by this transaction (`newOrderLoaded`:
   * no payments, no operations, and no other transaction can see it yet). It is the order before this
   * operation: good for one operation.
   */
  lockedOrder?: LoadedOrder;
  /**
   * Append only if this holds when the append's statement runs: a SELECT that returns a row exactly when the
   * order (and whatever else the caller relies on) is still as `lockedOrder` says, locking it FOR UPDATE.
   * The caller then needs no statement of its own to lock and check first (one round trip fewer). When it
   * returns no row nothing is written and the append throws `NotAsHeld`: the caller runs its ordinary path.
   * Writes in `alsoInStatement` test `WHEN_HELD` (store.ts) themselves, as the payment row's insert does when
   * opening a payment.
   */
  onlyIf?: SqlFragment;
}

export type OpeningBody = Extract<OperationBody, { kind: 'SALE' | 'AUTHORISATION' | 'DECLINE' }>;

export interface OpenPayment extends OperationSource {
  merchantId: string;
  orderId: Uuid;
  /** A 19-digit id a terminal minted; when absent the core mints one (issuer 1). */
  paymentId?: PaymentId;
  opening: OpeningBody;
  card?: CardFacts | null;
  cardOnFile?: 'first' | 'subsequent' | null;
  cofRequestor?: 'cardholderInitiated' | 'merchantInitiated' | null;
  authorisationCode?: string | null;
  acquirerReference?: string | null;
  /** For a subsequent payment: the payment id the caller named. */
  initiatedByPaymentId?: PaymentId | null;
}

export interface AppendOperation extends OperationSource {
  merchantId: string;
  paymentId: PaymentId;
  body: Exclude<OperationBody, OpeningBody>;
}

export interface Appended {
  readonly stored: StoredOperation;
  readonly payment: PaymentRecord;
  readonly order: OrderRecord;
  /** The order's ledger state after the operation. */
  readonly state: OrderState;
  /** True when an operation with this id was recorded before: nothing new was written. */
  readonly duplicate: boolean;
  /**
   * The whole order after the operation, as this transaction sees it (for an answer built without reading the
   * order back after commit).
   */
  readonly after: LoadedOrder;
}

export async function appendChecked(
  tx: Queryable,
  ctx: LedgerContext,
  loaded: LoadedOrder,
  payment: PaymentRecord,
  source: OperationSource & { merchantId: string },
  operation: Operation,
  paymentSeq: number,
): Promise<Result<Appended, DomainError>> {
  const applied = applyOperation(loaded.state, operation);
  if (!applied.ok) return applied;
  const now = ctx.clock.now();
  const stored = await insertOperation(source.lastInTransaction ? lastStatement(tx, shareOf(loaded)) : tx, {
    operation,
    orderId: loaded.order.orderId,
    merchantId: source.merchantId,
    orderSeq: loaded.order.operationCount + 1,
    paymentSeq,
    currency: loaded.order.currency,
    terminalId: source.terminalId ?? null,
    storeId: loaded.order.storeId,
    merchantReference: source.merchantReference ?? null,
    operatorId: source.operatorId ?? null,
    recordedAt: now,
    summary: orderSummaryColumns(applied.value),
    also: source.alsoInStatement,
    onlyIf: source.onlyIf,
  });
  if (!stored) throw new NotAsHeld();
  const order = { ...loaded.order, operationCount: stored.orderSeq, updatedAt: now.toISOString() };
  const known = loaded.payments.some((p) => p.paymentId === payment.paymentId);
  const payments = known ? loaded.payments : [...loaded.payments, payment].sort(byRecordedAtThenId);
  const after = { order, payments, operations: [...loaded.operations, stored], state: applied.value };
  return ok({ stored, payment, order, state: applied.value, duplicate: false, after });
}

/**
 * An append that is its transaction's only statement may share its commit with others (db/shared-commits.ts)
 * when it locks rows of its order alone: not on an order of a store, whose append bumps the store's feed head,
 * a row every order of the store shares.
 */
const shareOf = (loaded: LoadedOrder): CommitShare | undefined =>
  loaded.order.storeId === null ? { lockKey: loaded.order.orderId } : undefined;

/** The order of `payments` in an order load (ORDER BY recorded_at, id). */
const byRecordedAtThenId = (a: PaymentRecord, b: PaymentRecord) =>
  a.recordedAt < b.recordedAt ? -1 : a.recordedAt > b.recordedAt ? 1 : a.paymentId < b.paymentId ? -1 : 1;

/** An operation id seen before is answered with what was recorded then (retries from terminals). */
async function findDuplicate(
  tx: Queryable,
  merchantId: string,
  operationId: Uuid | undefined,
): Promise<Appended | null> {
  if (!operationId) return null;
  const stored = await selectOperation(tx, merchantId, operationId);
  if (!stored) return null;
  const loaded = await loadOrderInTx(tx, merchantId, stored.orderId);
  const payment = loaded?.payments.find((p) => p.paymentId === stored.operation.paymentId);
  if (!loaded || !payment) throw new Error(`operation ${operationId} without its order or payment`);
  return { stored, payment, order: loaded.order, state: loaded.state, duplicate: true, after: loaded };
}

/**
 * Opens a payment on an order: its first operation is SALE, AUTHORISATION or DECLINE. The payment id is the
 * terminal's (a retry with the same id and operation id is a duplicate) or minted from the core's sequence.
 */
export async function openPaymentInTx(
  tx: Queryable,
  ctx: LedgerContext,
  input: OpenPayment,
): Promise<Result<Appended, DomainError>> {
  const duplicate = input.freshIds ? null : await findDuplicate(tx, input.merchantId, input.operationId);
  if (duplicate) return ok(duplicate);
  const held = input.lockedOrder?.order;
  if (held && (held.orderId !== input.orderId || held.merchantId !== input.merchantId)) {
    throw new Error(`openPaymentInTx: the order held is not order ${input.orderId}`);
  }
  const loaded = input.lockedOrder ?? (await loadOrderInTx(tx, input.merchantId, input.orderId, true));
  if (!loaded) return err(domainError('ORDER_NOT_FOUND', { orderId: input.orderId }));
  if (input.paymentId) {
    const id = parsePaymentId(input.paymentId);
    if (!id.ok) return id;
    const existing = input.freshIds
      ? []
      : await tx.query('SELECT 1 FROM payments WHERE id = $1', [input.paymentId]);
    if (existing.length > 0)
      return err(domainError('PAYMENT_ALREADY_EXISTS', { paymentId: input.paymentId }));
  }
  const paymentId = input.paymentId ?? (await mintCorePaymentId(tx));
  const now = ctx.clock.now();
  const occurredAt = input.occurredAt ?? now;
  const operation = operationOf(input.opening, {
    id: input.operationId ?? ctx.newId(),
    paymentId,
    channel: input.channel,
    occurredAt: occurredAt.toISOString(),
  });
  // Check the rules before inserting the payment row, so a refused opening leaves nothing behind.
  const check = applyOperation(loaded.state, operation);
  if (!check.ok) return check;
  // Sent without waiting for its answer: the append's statement follows it on the wire (one round trip).
  // With `onlyIf` both statements check it: the first locks what it names, so the second finds it as held.
  const newPayment: NewPaymentRow = {
    paymentId,
    orderId: loaded.order.orderId,
    merchantId: input.merchantId,
    channel: input.channel,
    terminalId: input.terminalId ?? null,
    outcome: 'RECORDED',
    requestedMode: input.opening.kind === 'AUTHORISATION' ? input.opening.mode : 'SALE',
    requestedAmountMinor: input.opening.amount.amountMinor,
    currency: loaded.order.currency,
    card: input.card ?? null,
    cardOnFile: input.cardOnFile ?? null,
    cofRequestor: input.cofRequestor ?? null,
    authorisationCode: input.authorisationCode ?? null,
    acquirerReference: input.acquirerReference ?? null,
    merchantReference: input.merchantReference ?? null,
    initiatedByPaymentId: input.initiatedByPaymentId ?? null,
    occurredAt,
    recordedAt: now,
  };
  // The payment row rides in the append's statement, ahead of the writes the caller adds (with `onlyIf`, only
  // when it holds): one statement for the payment and its opening.
  const alsoInStatement = [
    insertPaymentWrite(newPayment, input.onlyIf ? WHEN_HELD : undefined),
    ...(input.alsoInStatement ?? []),
  ];
  return appendChecked(
    tx,
    ctx,
    loaded,
    insertedPayment(newPayment),
    { ...input, alsoInStatement },
    operation,
    0,
  );
}

/** Appends any non-opening operation (capture, reversal, cancel, refund, payout, chargeback, rebill, token). */
export async function appendOperationInTx(
  tx: Queryable,
  ctx: LedgerContext,
  input: AppendOperation,
): Promise<Result<Appended, DomainError>> {
  const duplicate = input.freshIds ? null : await findDuplicate(tx, input.merchantId, input.operationId);
  if (duplicate) return ok(duplicate);
  if (input.lockedOrder && input.lockedOrder.order.merchantId !== input.merchantId) {
    throw new Error(`appendOperationInTx: the order held is not merchant ${input.merchantId}'s`);
  }
  // The order held must be the payment's: a payment not among its payments is not found.
  const loaded =
    input.lockedOrder ?? (await loadOrderOfPaymentInTx(tx, input.merchantId, input.paymentId, true));
  const payment = loaded?.payments.find((p) => p.paymentId === input.paymentId);
  if (!loaded || !payment) return err(domainError('PAYMENT_NOT_FOUND', { paymentId: input.paymentId }));
  const paymentSeq = loaded.operations.filter((s) => s.operation.paymentId === input.paymentId).length;
  const operation = operationOf(input.body, {
    id: input.operationId ?? ctx.newId(),
    paymentId: input.paymentId,
    channel: input.channel,
    occurredAt: (input.occurredAt ?? ctx.clock.now()).toISOString(),
  });
  if (paymentSeq === 0) {
    // The payment exists but its outcome is unknown: nothing can be done on it until it is resolved.
    return err(domainError('PAYMENT_OUTCOME_UNKNOWN', { paymentId: input.paymentId }));
  }
  return appendChecked(tx, ctx, loaded, payment, input, operation, paymentSeq);
}

/** Dry run: would this operation be accepted on the order right now? (No lock, no write.) */
export async function checkOperation(
  q: Queryable,
  ctx: LedgerContext,
  input: AppendOperation,
): Promise<Result<{ order: LoadedOrder; payment: PaymentRecord }, DomainError>> {
  const loaded = await loadOrderOfPaymentInTx(q, input.merchantId, input.paymentId);
  return loaded
    ? checkOperationOn(loaded, ctx, input)
    : err(domainError('PAYMENT_NOT_FOUND', { paymentId: input.paymentId }));
}

/** The same dry run on an order already loaded (in the caller's transaction). */
export function checkOperationOn(
  loaded: LoadedOrder,
  ctx: LedgerContext,
  input: AppendOperation,
): Result<{ order: LoadedOrder; payment: PaymentRecord }, DomainError> {
  const payment = loaded.payments.find((p) => p.paymentId === input.paymentId);
  if (!payment) return err(domainError('PAYMENT_NOT_FOUND', { paymentId: input.paymentId }));
  if (payment.outcome === 'UNKNOWN') {
    return err(domainError('PAYMENT_OUTCOME_UNKNOWN', { paymentId: input.paymentId }));
  }
  const r = applyOperation(
    loaded.state,
    operationOf(input.body, {
      id: ctx.newId(),
      paymentId: input.paymentId,
      channel: input.channel,
      occurredAt: ctx.clock.now().toISOString(),
    }),
  );
  return r.ok ? ok({ order: loaded, payment }) : r;
}

/**
 * An append with `onlyIf` found the order (or what else its condition names) changed since it was read:
 * nothing was written. Not a refusal: the caller locks and loads afresh and appends the ordinary way.
 */
export class NotAsHeld extends Error {
  constructor() {
    super('the order changed since it was read: nothing appended');
    this.name = 'NotAsHeld';
  }
}
