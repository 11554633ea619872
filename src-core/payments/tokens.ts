/**
 * Tokens: storing a card as a token (the acquirer tokenises it; the token and its TOKEN_CREATE event are
 * recorded together), deleting one (a TOKEN_DELETE on the payment that created it), and finding a token a
 * charge may use (ours, or a card the counter's terminal reported that the acquirer knows). Failures are
 * catalog values; the adapter names the field at fault.
 */
import { randomUUID } from 'node:crypto';
import { domainError, err, ok, type DomainError, type Result } from '../../src-shared';
import type { CardInput } from '../acquirer/acquirer';
import { cardFacts } from '../acquirer/card-facts';
import type { Queryable } from '../db/adapter';
import type { AcquirerJournal } from '../journal/journal';
import { appendOperationInTx } from '../ledger/append';
import { Refused, type LedgerService } from '../ledger/service';
import {
  endToken,
  insertToken,
  insertTokenEvent,
  paymentThatCreatedToken,
  selectToken,
  type TokenRecord,
} from '../ledger/tokens';

/** A token the merchant may charge: ours and active, or a virtual-terminal card token the acquirer knows. */
export async function usableToken(
  journal: Pick<AcquirerJournal, 'ledger' | 'acquirer'>,
  q: Queryable,
  merchantId: string,
  tokenId: string,
): Promise<Result<TokenRecord, DomainError>> {
  const token = await selectToken(q, merchantId, tokenId);
  if (token) {
    return token.status === 'ACTIVE' ? ok(token) : err(domainError('TOKEN_DELETED', { tokenId }));
  }
  // A card used at the counter: the terminal reported its token, and the acquirer knows it.
  const known = journal.acquirer.describeCardRef(tokenId);
  if (!known || !known.expiry) return err(domainError('TOKEN_NOT_FOUND', { tokenId }));
  return ok(
    await insertToken(q, journal.ledger.ctx, {
      merchantId,
      tokenId,
      customerRef: null,
      cardRef: known.cardRef,
      brand: known.brand,
      bin: known.bin,
      last4: known.last4,
      expiry: known.expiry,
      cardholderName: null,
      paymentProductId: null,
      channel: 'IN_STORE',
    }),
  );
}

export interface CreateTokenCommand {
  merchantId: string;
  card: Extract<CardInput, { kind: 'pan' }>;
  customerRef: string | null;
  paymentProductId: number | null;
  now: Date;
}

/**
 * A card stored as a token of the online channel. The one failure is the acquirer's refusal of the card (a
 * catalog value about the card given); nothing is recorded then.
 */
export async function createToken(
  journal: Pick<AcquirerJournal, 'ledger' | 'acquirer'>,
  cmd: CreateTokenCommand,
): Promise<Result<TokenRecord, DomainError>> {
  const { db, ctx } = journal.ledger;
  const { merchantId, card } = cmd;
  const tokenized = await journal.acquirer.tokenize(card, cmd.now);
  if (!tokenized.ok) return err(tokenized.error);
  const facts = cardFacts(tokenized.card, null, cmd.paymentProductId);
  const tokenId = randomUUID();
  return ok(
    await db.transaction(async (tx) => {
      const t = await insertToken(tx, ctx, {
        merchantId,
        tokenId,
        customerRef: cmd.customerRef,
        cardRef: tokenized.card.cardRef,
        brand: facts.brand,
        bin: facts.bin,
        last4: facts.last4,
        expiry: card.expiry,
        cardholderName: card.cardholderName ?? null,
        paymentProductId: facts.paymentProductId,
        channel: 'ONLINE',
      });
      await insertTokenEvent(tx, ctx, {
        merchantId,
        tokenId,
        kind: 'TOKEN_CREATE',
        channel: 'ONLINE',
        paymentId: null,
      });
      return t;
    }),
  );
}

/**
 * Deleting a token is a token operation: the token ends, with an event, and a TOKEN_DELETE on the payment
 * that created it, in one transaction. TOKEN_NOT_FOUND, TOKEN_DELETED (already), or the ledger's refusal.
 */
export async function deleteToken(
  ledger: Pick<LedgerService, 'db' | 'ctx'>,
  cmd: { merchantId: string; tokenId: string },
): Promise<Result<null, DomainError>> {
  const { db, ctx } = ledger;
  const { merchantId, tokenId } = cmd;
  const existing = await selectToken(db, merchantId, tokenId);
  if (!existing) return err(domainError('TOKEN_NOT_FOUND', { tokenId }));
  try {
    await db.transaction(async (tx) => {
      const ended = await endToken(tx, ctx, { merchantId, tokenId, to: 'DELETED', channel: 'ONLINE' });
      if (!ended) throw new Refused(domainError('TOKEN_DELETED', { tokenId }));
      const paymentId = await paymentThatCreatedToken(tx, merchantId, tokenId);
      if (paymentId) {
        const r = await appendOperationInTx(tx, ctx, {
          merchantId,
          paymentId,
          channel: 'ONLINE',
          body: { kind: 'TOKEN_DELETE', tokenId },
        });
        if (!r.ok) throw new Refused(r.error);
      }
    });
  } catch (e) {
    if (e instanceof Refused) return err(e.error);
    throw e;
  }
  return ok(null);
}
