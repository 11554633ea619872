/**
 * Records an acquirer's answer in the ledger, for one journal row, inside the caller's transaction (the one
 * that also closes the row). The same code runs for the request that called the acquirer and for the
 * reconciler that asked about it later, so an answer is recorded the same way whoever records it; the ledger
 * operation carries the row's id as its operation id, so recording it twice is impossible even by mistake.
 *
 * A refusal by the ledger of an answer that moved money throws `Refused`: the caller rolls back and settles
 * it (journal.ts: a release of the authorisation, or a money exception).
 */
import { domainError, type DomainError, type OperationBody } from '../../src-shared';
import { cardFacts } from '../acquirer/card-facts';
import type { AuthoriseOutcome } from '../acquirer/acquirer';
import type { Queryable, SqlFragment, Tx } from '../db/adapter';
import type { LedgerContext } from '../ledger/context';
import { completeRefundLockWrite, releaseRefundLock } from '../ledger/refund-lock';
import type { CardFacts, OrderRecord } from '../ledger/rows';
import {
  appendOperationInTx,
  createOrderInTx,
  openPaymentInTx,
  recordUnknownPaymentInTx,
  Refused,
  resolveUnknownPaymentInTx,
  newOrderLoaded,
  type Appended,
  type LoadedOrder,
} from '../ledger/service';
import { selectOrder, selectPayment } from '../ledger/store';
import { insertToken, insertTokenEvent } from '../ledger/tokens';
import { closeEntryWrite, type AcquirerAnswer, type JournalEntry, type JournalRequest } from './entries';

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
type Classified =
  | { is: 'unknown'; card: AuthoriseOutcome['card']; acquirerReference: string | null }
  | { is: 'notReceived' }
  | { is: 'authorisation'; outcome: Final }
  | { is: 'movement'; answer: Extract<AcquirerAnswer, { type: 'MOVEMENT' }>['result'] };

/**
 * NOT_RECEIVED is final only once the row is older than the grace period: before that the request may still
 * be on its way to the acquirer (a call that failed on our side), and calling it "nothing happened" could
 * leave a charge unrecorded when it lands.
 */
function classify(answer: AcquirerAnswer, graceOver: boolean): Classified {
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

const close = (
  result: 'APPROVED' | 'DECLINED' | 'NOT_RECEIVED',
  error: DomainError | null = null,
  appended: Appended | null = null,
): Recording => ({ kind: 'close', result, error, appended, closed: false });

/**
 * Appends the operation and closes the row in the same statement (plus `more` writes that belong with it):
 * one round trip fewer on every journaled path. A refusal throws before anything is written.
 */
async function appendAndClose(
  tx: Tx,
  ctx: LedgerContext,
  entry: JournalEntry,
  answer: AcquirerAnswer,
  order: LoadedOrder | undefined,
  body: AppendBody,
  more: readonly SqlFragment[] = [],
): Promise<Recording> {
  const closing = { result: 'APPROVED', answer, error: null } as const;
  const appended = await append(tx, ctx, entry, order, body, [...more, closeEntryWrite(entry.id, closing)]);
  return { kind: 'close', result: 'APPROVED', error: null, appended, closed: true };
}

function mismatch(entry: JournalEntry, answer: AcquirerAnswer): never {
  throw new Error(`journal row ${entry.id} (${entry.kind}) got a ${answer.type} answer`);
}

export async function recordAnswerInTx(
  tx: Tx,
  ctx: LedgerContext,
  entry: JournalEntry,
  answer: AcquirerAnswer,
  graceOver: boolean,
  /** The order, when the caller locked and loaded it with the journal row (journal.ts); else loaded here. */
  order?: LoadedOrder,
): Promise<Recording> {
  const c = classify(answer, graceOver);
  const request = entry.request;
  switch (request.kind) {
    case 'AUTHORISE':
      if (c.is === 'movement') mismatch(entry, answer);
      return recordAuthorisation(tx, ctx, entry, request, c, answer, order);
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
      return recordMovement(tx, ctx, entry, request, c, answer, order);
  }
}

const amountOf = (entry: JournalEntry) => {
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
  });
  if (!r.ok) throw new Refused(r.error);
  return r.value;
}

type AppendBody = Exclude<OperationBody, { kind: 'SALE' | 'AUTHORISATION' | 'DECLINE' }>;

async function recordMovement(
  tx: Tx,
  ctx: LedgerContext,
  entry: JournalEntry,
  request: Extract<JournalRequest, { kind: 'CAPTURE' | 'REVERSAL' | 'CANCEL' | 'REFUND' | 'PAYOUT' }>,
  c: Classified,
  answer: AcquirerAnswer,
  order: LoadedOrder | undefined,
): Promise<Recording> {
  if (c.is === 'authorisation') mismatch(entry, answer);
  // While the outcome is unknown the lock row stays (and the open row holds the order even after it expires).
  if (c.is === 'unknown') return { kind: 'unknown' };
  const lockId = 'lockId' in request ? request.lockId : null;
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
    lockId ? [completeRefundLockWrite({ lockId })] : [],
  );
}

/** A new payment (create or subsequent): the order and payment rows, the opening operation, tokens. */
async function recordAuthorisation(
  tx: Queryable,
  ctx: LedgerContext,
  entry: JournalEntry,
  request: Extract<JournalRequest, { kind: 'AUTHORISE' }>,
  c: Exclude<Classified, { is: 'movement' }>,
  answer: AcquirerAnswer,
  order: LoadedOrder | undefined,
): Promise<Recording> {
  // Only a row that was kept open as UNKNOWN can have its payment recorded already (as pending): whoever
  // writes the payment row changes the state in the same transaction, and the caller holds the row lock.
  const existing =
    entry.state === 'PENDING' ? null : await selectPayment(tx, entry.merchantId, entry.paymentId);
  const base = {
    merchantId: entry.merchantId,
    orderId: entry.orderId,
    paymentId: entry.paymentId,
    channel: request.source.channel,
    cardOnFile: request.cardOnFile,
    cofRequestor: request.cofRequestor,
    merchantReference: request.source.merchantReference,
    initiatedByPaymentId: request.initiatedByPaymentId,
  };
  if (c.is === 'unknown') {
    // Keep what is known: the payment exists and reads AUTHORIZATION_REQUESTED until the outcome is known.
    if (!existing) {
      await ensureOrder(tx, ctx, entry, request);
      const r = await recordUnknownPaymentInTx(tx, ctx, {
        ...base,
        requestedMode: entry.mode ?? 'SALE',
        amount: amountOf(entry),
        card: c.card ? facts(request, c.card) : knownCard(request),
        acquirerReference: c.acquirerReference,
      });
      if (!r.ok) throw new Refused(r.error);
    }
    return { kind: 'unknown' };
  }
  if (existing?.outcome === 'RECORDED') {
    throw new Error(`payment ${entry.paymentId} of open journal row ${entry.id} is recorded already`);
  }
  if (c.is === 'notReceived') {
    // Nothing reached the acquirer: a payment shown as pending is declined (nothing was authorised).
    if (existing) {
      const r = await resolveUnknownPaymentInTx(tx, ctx, {
        merchantId: entry.merchantId,
        paymentId: entry.paymentId,
        operationId: entry.id,
        opening: { kind: 'DECLINE', amount: amountOf(entry), reason: 'ACQUIRER_TIMEOUT' },
      });
      if (!r.ok) throw new Refused(r.error);
    }
    return close('NOT_RECEIVED');
  }
  const o = c.outcome;
  const amount = amountOf(entry);
  const opening =
    o.outcome === 'DECLINED'
      ? ({ kind: 'DECLINE', amount, reason: o.reason } as const)
      : entry.mode === 'SALE' || entry.mode === null
        ? ({ kind: 'SALE', amount } as const)
        : ({ kind: 'AUTHORISATION', mode: entry.mode, amount } as const);
  const card = o.card ? facts(request, o.card) : request.fallbackCard;
  const authorisationCode = o.outcome === 'APPROVED' ? o.authorisationCode : null;
  const declined =
    o.outcome === 'DECLINED' ? domainError(o.reason, { reason: 'declined by the acquirer' }) : null;
  // Token operations follow an approved opening; without them the row is closed in the opening's statement.
  const tokenWork = !declined && (request.usedTokenId !== null || request.tokenize !== null);
  if (existing) {
    const r = await resolveUnknownPaymentInTx(tx, ctx, {
      merchantId: entry.merchantId,
      paymentId: entry.paymentId,
      operationId: entry.id,
      opening,
      authorisationCode,
      card,
    });
    if (!r.ok) throw new Refused(r.error);
  } else {
    const createdOrder = await ensureOrder(tx, ctx, entry, request);
    const closing = { result: declined ? 'DECLINED' : 'APPROVED', answer, error: declined } as const;
    const r = await openPaymentInTx(tx, ctx, {
      ...base,
      operationId: entry.id,
      freshIds: true,
      opening,
      card,
      authorisationCode,
      acquirerReference: o.acquirerReference,
      lockedOrder: createdOrder ? newOrderLoaded(createdOrder) : order,
      alsoInStatement: tokenWork ? [] : [closeEntryWrite(entry.id, closing)],
      lastInTransaction: !tokenWork,
    });
    if (!r.ok) throw new Refused(r.error);
    if (!tokenWork)
      return { kind: 'close', result: closing.result, error: declined, appended: r.value, closed: true };
  }
  if (declined) return close('DECLINED', declined);
  await recordTokenUse(tx, ctx, entry, request, card);
  return close('APPROVED');
}

const facts = (
  request: Extract<JournalRequest, { kind: 'AUTHORISE' }>,
  card: NonNullable<AuthoriseOutcome['card']>,
) => cardFacts(card, request.usedTokenId, request.paymentProductId);

/** Card facts known before the acquirer answered (a card sent by the merchant: masked facts only). */
function knownCard(request: Extract<JournalRequest, { kind: 'AUTHORISE' }>): CardFacts | null {
  if (request.card.kind === 'pan') {
    return {
      brand: request.card.brand,
      bin: request.card.bin,
      last4: request.card.last4,
      expiry: request.card.expiry,
      cardRef: null,
      tokenId: null,
      paymentProductId: request.paymentProductId,
    };
  }
  return request.fallbackCard;
}

/**
 * The new order of a create payment, unless an earlier recording of the row created it (only a row kept open
 * as UNKNOWN can have: whoever writes the order changes the row's state in the same transaction). Returns the
 * order when this transaction created it.
 */
async function ensureOrder(
  tx: Queryable,
  ctx: LedgerContext,
  entry: JournalEntry,
  request: Extract<JournalRequest, { kind: 'AUTHORISE' }>,
): Promise<OrderRecord | undefined> {
  if (!request.newOrder) return undefined;
  if (entry.state !== 'PENDING' && (await selectOrder(tx, entry.merchantId, entry.orderId))) return undefined;
  const created = await createOrderInTx(tx, ctx, {
    merchantId: entry.merchantId,
    orderId: entry.orderId,
    currency: entry.currency,
    total: null,
    channel: request.source.channel,
    customerRef: request.newOrder.customerRef,
    merchantReference: request.newOrder.merchantReference,
  });
  if (!created.ok) throw new Refused(created.error);
  return created.value;
}

/** A token the payment used (TOKEN_USE) or the card stored as a new token (TOKEN_CREATE), in the chain. */
async function recordTokenUse(
  tx: Queryable,
  ctx: LedgerContext,
  entry: JournalEntry,
  request: Extract<JournalRequest, { kind: 'AUTHORISE' }>,
  card: CardFacts | null,
): Promise<void> {
  const tokenOp = async (kind: 'TOKEN_CREATE' | 'TOKEN_USE', tokenId: string) => {
    const r = await appendOperationInTx(tx, ctx, {
      merchantId: entry.merchantId,
      paymentId: entry.paymentId,
      channel: request.source.channel,
      body: { kind, tokenId },
    });
    if (!r.ok) throw new Refused(r.error);
    await insertTokenEvent(tx, ctx, {
      merchantId: entry.merchantId,
      tokenId,
      kind,
      channel: request.source.channel,
      paymentId: entry.paymentId,
    });
  };
  if (request.usedTokenId) {
    await tokenOp('TOKEN_USE', request.usedTokenId);
    return;
  }
  if (!request.tokenize || !card?.expiry || !card.cardRef) return;
  const tokenId = request.tokenize.tokenId;
  await insertToken(tx, ctx, {
    merchantId: entry.merchantId,
    tokenId,
    customerRef: request.tokenize.customerRef,
    cardRef: card.cardRef,
    brand: card.brand,
    bin: card.bin,
    last4: card.last4,
    expiry: card.expiry,
    cardholderName: request.tokenize.cardholderName,
    paymentProductId: card.paymentProductId,
    channel: request.source.channel,
  });
  await tx.query('UPDATE payments SET token_id = $2 WHERE id = $1', [entry.paymentId, tokenId]);
  await tokenOp('TOKEN_CREATE', tokenId);
}
