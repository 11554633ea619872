/**
 * Recording a new payment's answer (a create or a subsequent payment's AUTHORISE row): the order (for a
 * create payment), the payment row and its opening operation (SALE, AUTHORISATION or DECLINE), the payment
 * kept as pending while the outcome is unknown, and the token operations that follow an approval.
 */
import { domainError } from '../../src-shared';
import { cardFacts } from '../acquirer/card-facts';
import type { AuthoriseOutcome } from '../acquirer/acquirer';
import type { Queryable } from '../db/adapter';
import type { LedgerContext } from '../ledger/context';
import type { CardFacts, OrderRecord } from '../ledger/rows';
import { appendOperationInTx, openPaymentInTx } from '../ledger/append';
import { newOrderLoaded, type LoadedOrder } from '../ledger/loaded-order';
import { createOrderInTx, Refused } from '../ledger/service';
import { recordUnknownPaymentInTx, resolveUnknownPaymentInTx } from '../ledger/unknown-payments';
import { selectOrder, selectPayment, WHEN_HELD } from '../ledger/store';
import { insertToken, insertTokenEvent } from '../ledger/tokens';
import type { AcquirerAnswer, JournalEntry, JournalRequest } from './entries';
import { closeEntryWrite } from './entry-store';
import { amountOf, close, type Classified, type Recording, type Unlocked } from './recording';

/** A new payment (create or subsequent): the order and payment rows, the opening operation, tokens. */
export async function recordAuthorisation(
  tx: Queryable,
  ctx: LedgerContext,
  entry: JournalEntry,
  request: Extract<JournalRequest, { kind: 'AUTHORISE' }>,
  c: Exclude<Classified, { is: 'movement' }>,
  answer: AcquirerAnswer,
  order: LoadedOrder | undefined,
  /** A subsequent payment's final answer recorded without locking first (`recordableUnlocked`, record.ts). */
  unlocked?: Unlocked,
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
      alsoInStatement: tokenWork
        ? []
        : [closeEntryWrite(entry.id, closing, unlocked ? WHEN_HELD : undefined)],
      lastInTransaction: !tokenWork,
      onlyIf: unlocked?.onlyIf,
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
