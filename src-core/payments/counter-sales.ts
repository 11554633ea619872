/**
 * What a counter sold, as the terminal sync API reports it afterwards: the card terminal (or the cash drawer)
 * moved the money, so the core records what happened, in the sync push's transaction (the message and its
 * idempotence record commit with it). Nothing here calls the acquirer or takes the refund lock: money going
 * back to the customer is counter-refunds.ts, captures and reversals counter-captures.ts.
 *
 * - `openCounterOrderInTx`: the order the counter created (its UUID, its store and terminal);
 * - `recordCounterPaymentInTx`: a payment with the terminal's 19-digit id, forwarded to the acquirer for
 *   clearing (which may still refuse it), its card token kept as the payment's card reference and, when the
 *   customer agreed, as one of the customer's stored cards.
 */
import {
  domainError,
  err,
  ok,
  paymentIdIssuer,
  toDecimalString,
  type CurrencyCode,
  type DomainError,
  type Money,
  type PaymentId,
  type Result,
  type Uuid,
} from '../../src-shared';
import { acquirerAmountOutcome } from '../../src-shared/test-cards';
import type { Terminal } from '../accounts/accounts';
import type { Queryable } from '../db/adapter';
import type { LedgerContext } from '../ledger/context';
import type { CardFacts, OrderRecord } from '../ledger/rows';
import { appendOperationInTx, openPaymentInTx, type Appended, type OpeningBody } from '../ledger/append';
import { loadOrderInTx } from '../ledger/loaded-order';
import { createOrderInTx } from '../ledger/service';
import { insertToken, insertTokenEvent, selectToken } from '../ledger/tokens';

/** The terminal that reports: whose merchant, store and payment-id issuer number. */
export type CounterTerminal = Pick<Terminal, 'terminalId' | 'merchantId' | 'storeId' | 'issuer'>;

export interface CounterOrder {
  orderId: Uuid;
  currency: CurrencyCode;
  /** What the order is worth; null for an order that grows with each payment. */
  total: Money | null;
  customerRef: string | null;
  merchantReference: string | null;
  /** The terminal's clock. */
  occurredAt: Date;
}

/** Opens the order a counter created; ORDER_ALREADY_EXISTS when its id is taken. */
export async function openCounterOrderInTx(
  tx: Queryable,
  ctx: LedgerContext,
  terminal: CounterTerminal,
  order: CounterOrder,
): Promise<Result<OrderRecord, DomainError>> {
  const exists = await tx.query('SELECT 1 FROM orders WHERE id = $1', [order.orderId]);
  if (exists.length > 0) return err(domainError('ORDER_ALREADY_EXISTS', { orderId: order.orderId }));
  return createOrderInTx(tx, ctx, {
    merchantId: terminal.merchantId,
    orderId: order.orderId,
    currency: order.currency,
    total: order.total,
    channel: 'IN_STORE',
    storeId: terminal.storeId,
    terminalId: terminal.terminalId,
    customerRef: order.customerRef,
    merchantReference: order.merchantReference,
    occurredAt: order.occurredAt,
  });
}

/** The card as the card terminal read it: masked facts and its token, never a PAN. */
export interface CounterCard {
  brand: string;
  bin?: string | null;
  last4: string;
  expiry?: string | null;
  /** The terminal's reusable card token. */
  token?: string | null;
}

export interface CounterPayment {
  orderId: Uuid;
  /** Minted by the terminal with its own issuer number. */
  paymentId: PaymentId;
  /** The id of the payment's opening operation (a resend is a duplicate). */
  operationId: Uuid;
  method: 'CARD' | 'CASH';
  opening: OpeningBody;
  card: CounterCard | null;
  /** The customer agreed to keep the card on file (needs the order's customerRef, the card's expiry). */
  storeCard: boolean;
  authorisationCode: string | null;
  terminalReference: string | null;
  operatorId: string | null;
  occurredAt: Date;
}

/**
 * Why a counter's payment was not recorded: a ledger or forwarding refusal, or a card the customer asked to
 * store that cannot be (the order has no customer, the card no expiry): the message itself is wrong.
 */
export type CounterPaymentFailure =
  { kind: 'REFUSED'; error: DomainError } | { kind: 'CARD_NOT_STORABLE'; reason: string };

const refused = (error: DomainError): Result<never, CounterPaymentFailure> => err({ kind: 'REFUSED', error });

/**
 * Records a payment the counter took. The card token becomes the payment's card reference (so the order can
 * be charged online later); with `storeCard` it also becomes one of the customer's contracts, which the back
 * office can deactivate. A resend of the same operation is answered as recorded (`duplicate`).
 */
export async function recordCounterPaymentInTx(
  tx: Queryable,
  ctx: LedgerContext,
  terminal: CounterTerminal,
  p: CounterPayment,
): Promise<Result<Appended, CounterPaymentFailure>> {
  const issuer = paymentIdIssuer(p.paymentId);
  if (issuer !== terminal.issuer) {
    return refused(
      domainError('PAYMENT_ID_NOT_TERMINALS', { paymentId: p.paymentId, issuer, expected: terminal.issuer }),
    );
  }
  // Forwarding: the terminal's approval goes to the acquirer for clearing, and the acquirer may still refuse
  // it (an approval the terminal gave offline, a card blocked since). The sandbox acquirer refuses a card sale
  // of a documented test amount (…99.05, ACQUIRER_TEST_AMOUNTS): a final refusal, which the counter turns
  // into a collection task (docs/sync.md "A card payment declined at forwarding").
  if (p.method === 'CARD' && p.opening.kind === 'SALE') {
    if (acquirerAmountOutcome(p.opening.amount.amountMinor) === 'DECLINE') {
      return refused(
        domainError('CARD_DECLINED_AT_FORWARDING', {
          paymentId: p.paymentId,
          amount: `${toDecimalString(p.opening.amount)} ${p.opening.amount.currency}`,
        }),
      );
    }
  }
  const token = p.card?.token ?? null;
  const storeCard = p.storeCard && p.opening.kind !== 'DECLINE' && !!token;
  const order = await loadOrderInTx(tx, terminal.merchantId, p.orderId, true);
  if (!order) return refused(domainError('ORDER_NOT_FOUND', { orderId: p.orderId }));
  if (storeCard && (!order.order.customerRef || !p.card?.expiry)) {
    return err({
      kind: 'CARD_NOT_STORABLE',
      reason: 'storing a card needs an order with a customerRef and the card expiry',
    });
  }
  const card: CardFacts | null = p.card
    ? {
        brand: p.card.brand,
        bin: p.card.bin ?? null,
        last4: p.card.last4,
        expiry: p.card.expiry ?? null,
        cardRef: token,
        tokenId: storeCard ? token : null,
        paymentProductId: null,
      }
    : null;
  const source = {
    merchantId: terminal.merchantId,
    channel: 'IN_STORE',
    terminalId: terminal.terminalId,
    occurredAt: p.occurredAt,
  } as const;
  const opened = await openPaymentInTx(tx, ctx, {
    ...source,
    orderId: p.orderId,
    paymentId: p.paymentId,
    operationId: p.operationId,
    opening: p.opening,
    card,
    cardOnFile: storeCard ? 'first' : null,
    cofRequestor: storeCard ? 'cardholderInitiated' : null,
    authorisationCode: p.authorisationCode,
    acquirerReference: p.terminalReference,
    operatorId: p.operatorId,
  });
  if (!opened.ok) return refused(opened.error);
  if (storeCard && !opened.value.duplicate && card?.expiry && token) {
    const existing = await selectToken(tx, terminal.merchantId, token);
    const kind = existing ? 'TOKEN_USE' : 'TOKEN_CREATE';
    if (!existing) {
      await insertToken(tx, ctx, {
        merchantId: terminal.merchantId,
        tokenId: token,
        customerRef: order.order.customerRef,
        cardRef: token,
        brand: card.brand,
        bin: card.bin,
        last4: card.last4,
        expiry: card.expiry,
        cardholderName: null,
        paymentProductId: null,
        channel: 'IN_STORE',
      });
    }
    const r = await appendOperationInTx(tx, ctx, {
      ...source,
      paymentId: p.paymentId,
      body: { kind, tokenId: token },
    });
    if (!r.ok) return refused(r.error);
    await insertTokenEvent(tx, ctx, {
      merchantId: terminal.merchantId,
      tokenId: token,
      kind,
      channel: 'IN_STORE',
      paymentId: p.paymentId,
    });
  }
  return ok(opened.value);
}
