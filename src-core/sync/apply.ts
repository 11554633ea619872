/**
 * Applies one terminal message inside the transaction push.ts opened (so the message and its idempotence
 * record commit together). Every ledger write goes through the ledger service's `…InTx` functions; a refusal
 * is returned as a value and push.ts rolls the transaction back.
 *
 * Money going back to a customer at the counter (a refund claim, a void) is the use-case layer's
 * (payments/counter-refunds.ts): it takes the order's refund lock inside the transaction and frees it in the
 * same commit. If another channel holds it, the message is rejected REFUND_ORDER_LOCKED (retryable: the
 * terminal sends it again later).
 */
import {
  domainError,
  err,
  ok,
  orderBalances,
  paymentIdIssuer,
  toDecimalString,
  zero,
  type DomainError,
  type Result,
  type Uuid,
} from '../../src-shared';
import type { AcceptedDetails, SyncMessage } from '../../src-shared/sync-protocol';
import { acquirerAmountOutcome } from '../../src-shared/test-cards';
import type { Terminal } from '../accounts/accounts';
import type { Queryable } from '../db/adapter';
import type { LedgerContext } from '../ledger/context';
import type { CardFacts } from '../ledger/rows';
import {
  appendOperationInTx,
  createOrderInTx,
  loadOrderInTx,
  openPaymentInTx,
  type Appended,
} from '../ledger/service';
import { recordCounterMoneyBackInTx } from '../payments/counter-refunds';
import { insertToken, insertTokenEvent, selectToken } from '../ledger/tokens';
import { recordEndOfDayInTx } from './end-of-day';
import { confirmReservationInTx } from './reservations';

export interface ApplyContext {
  ctx: LedgerContext;
  terminal: Terminal;
}

type Applied = Result<AcceptedDetails, DomainError>;

function details(a: Appended): AcceptedDetails {
  return {
    orderId: a.order.orderId,
    paymentId: a.stored.operation.paymentId,
    operationId: a.stored.operation.id,
    feedPosition: a.stored.feedPos,
    refundable: orderBalances(a.state).refundable,
  };
}

export async function applyMessageInTx(tx: Queryable, ac: ApplyContext, m: SyncMessage): Promise<Applied> {
  const { terminal } = ac;
  const source = {
    merchantId: terminal.merchantId,
    channel: 'IN_STORE' as const,
    terminalId: terminal.terminalId,
    occurredAt: new Date(m.occurredAt),
  };
  switch (m.kind) {
    case 'ORDER_CREATED': {
      const exists = await tx.query('SELECT 1 FROM orders WHERE id = $1', [m.orderId]);
      if (exists.length > 0) return err(domainError('ORDER_ALREADY_EXISTS', { orderId: m.orderId }));
      const created = await createOrderInTx(tx, ac.ctx, {
        merchantId: terminal.merchantId,
        orderId: m.orderId,
        currency: m.currency,
        total: m.total,
        channel: 'IN_STORE',
        storeId: terminal.storeId,
        terminalId: terminal.terminalId,
        customerRef: m.customerRef ?? null,
        merchantReference: m.merchantReference ?? null,
        occurredAt: source.occurredAt,
      });
      if (!created.ok) return created;
      return ok({ orderId: created.value.orderId, refundable: zero(m.currency) });
    }
    case 'PAYMENT_RECORDED':
      return recordPayment(tx, ac, m, source);
    case 'CAPTURE':
    case 'AUTHORISATION_REVERSAL': {
      const r = await appendOperationInTx(tx, ac.ctx, {
        ...source,
        paymentId: m.paymentId,
        operationId: m.operationId,
        operatorId: m.operatorId ?? null,
        body:
          m.kind === 'CAPTURE'
            ? { kind: 'CAPTURE', amount: m.amount, isFinal: m.isFinal }
            : { kind: 'AUTHORISATION_REVERSAL', amount: m.amount },
      });
      return r.ok ? ok(details(r.value)) : r;
    }
    case 'VOID':
      return counterMoneyBack(tx, ac, {
        ...source,
        paymentId: m.paymentId,
        operationId: m.operationId,
        operatorId: m.operatorId ?? null,
        body: { kind: 'CANCEL' },
      });
    case 'REFUND': {
      if (m.reservationId) {
        const r = await confirmReservationInTx(tx, ac.ctx, terminal, m.reservationId, {
          paymentId: m.paymentId,
          operationId: m.operationId,
          amount: m.amount,
          occurredAt: source.occurredAt,
          operatorId: m.operatorId ?? null,
        });
        if (!r.ok) return r;
        return ok({
          ...(r.value.appended ? details(r.value.appended) : {}),
          orderId: r.value.reservation.orderId,
          paymentId: r.value.reservation.paymentId,
          operationId: m.operationId,
          reservationWasHeld: r.value.reservationWasHeld,
        });
      }
      return counterMoneyBack(tx, ac, {
        ...source,
        paymentId: m.paymentId,
        operationId: m.operationId,
        operatorId: m.operatorId ?? null,
        body: { kind: 'REFUND', amount: m.amount },
      });
    }
    case 'CASH_MOVEMENT':
      await tx.query(
        `INSERT INTO cash_movements (id, merchant_id, store_id, terminal_id, direction, reason, amount_minor,
           currency, note, operator_id, occurred_at, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
          m.messageId,
          terminal.merchantId,
          terminal.storeId,
          terminal.terminalId,
          m.direction,
          m.reason,
          m.amount.amountMinor,
          m.amount.currency,
          m.note ?? null,
          m.operatorId ?? null,
          source.occurredAt,
          ac.ctx.clock.now(),
        ],
      );
      return ok({});
    case 'END_OF_DAY':
      return ok({ reconciliation: await recordEndOfDayInTx(tx, ac.ctx, terminal, m) });
  }
}

/**
 * An in-store payment with the terminal's 19-digit id. The card token becomes the payment's card reference
 * (so the order can be charged online later); with `storeCard` it also becomes one of the customer's
 * contracts, which the back office can deactivate.
 */
async function recordPayment(
  tx: Queryable,
  ac: ApplyContext,
  m: Extract<SyncMessage, { kind: 'PAYMENT_RECORDED' }>,
  source: { merchantId: string; channel: 'IN_STORE'; terminalId: Uuid; occurredAt: Date },
): Promise<Applied> {
  const { terminal, ctx } = ac;
  const issuer = paymentIdIssuer(m.paymentId);
  if (issuer !== terminal.issuer) {
    return err(
      domainError('PAYMENT_ID_NOT_TERMINALS', {
        paymentId: m.paymentId,
        issuer,
        expected: terminal.issuer,
      }),
    );
  }
  // Forwarding: the terminal's approval goes to the acquirer for clearing, and the acquirer may still refuse
  // it (an approval the terminal gave offline, a card blocked since). The sandbox acquirer refuses a card sale
  // of a documented test amount (…99.05, ACQUIRER_TEST_AMOUNTS): a final refusal, which the counter turns
  // into a collection task (docs/sync.md "A card payment declined at forwarding").
  if (m.method === 'CARD' && m.result.kind === 'SALE') {
    if (acquirerAmountOutcome(m.result.amount.amountMinor) === 'DECLINE') {
      return err(
        domainError('CARD_DECLINED_AT_FORWARDING', {
          paymentId: m.paymentId,
          amount: `${toDecimalString(m.result.amount)} ${m.result.amount.currency}`,
        }),
      );
    }
  }
  const storeCard = m.storeCard === true && m.result.kind !== 'DECLINE' && !!m.card?.token;
  const order = await loadOrderInTx(tx, terminal.merchantId, m.orderId, true);
  if (!order) return err(domainError('ORDER_NOT_FOUND', { orderId: m.orderId }));
  if (storeCard && (!order.order.customerRef || !m.card?.expiry)) {
    return err(
      domainError('SYNC_MESSAGE_INVALID', {
        messageId: m.messageId,
        reason: 'storing a card needs an order with a customerRef and the card expiry',
      }),
    );
  }
  const card: CardFacts | null = m.card
    ? {
        brand: m.card.brand,
        bin: m.card.bin ?? null,
        last4: m.card.last4,
        expiry: m.card.expiry ?? null,
        cardRef: m.card.token ?? null,
        tokenId: storeCard ? (m.card.token ?? null) : null,
        paymentProductId: null,
      }
    : null;
  const opened = await openPaymentInTx(tx, ctx, {
    ...source,
    terminalId: terminal.terminalId,
    orderId: m.orderId,
    paymentId: m.paymentId,
    operationId: m.operationId,
    opening: m.result,
    card,
    cardOnFile: storeCard ? 'first' : null,
    cofRequestor: storeCard ? 'cardholderInitiated' : null,
    authorisationCode: m.authorisationCode ?? null,
    acquirerReference: m.terminalReference ?? null,
    operatorId: m.operatorId ?? null,
  });
  if (!opened.ok) return opened;
  if (storeCard && !opened.value.duplicate && m.card?.token) {
    const tokenId = m.card.token;
    const existing = await selectToken(tx, terminal.merchantId, tokenId);
    const kind = existing ? 'TOKEN_USE' : 'TOKEN_CREATE';
    if (!existing) {
      await insertToken(tx, ctx, {
        merchantId: terminal.merchantId,
        tokenId,
        customerRef: order.order.customerRef,
        cardRef: tokenId,
        brand: m.card.brand,
        bin: m.card.bin ?? null,
        last4: m.card.last4,
        expiry: m.card.expiry!,
        cardholderName: null,
        paymentProductId: null,
        channel: 'IN_STORE',
      });
    }
    const r = await appendOperationInTx(tx, ctx, {
      ...source,
      paymentId: m.paymentId,
      body: { kind, tokenId },
    });
    if (!r.ok) return r;
    await insertTokenEvent(tx, ctx, {
      merchantId: terminal.merchantId,
      tokenId,
      kind,
      channel: 'IN_STORE',
      paymentId: m.paymentId,
    });
  }
  return ok(details(opened.value));
}

/** A refund or void the counter made: recorded holding the order's refund lock (payments/counter-refunds.ts). */
async function counterMoneyBack(
  tx: Queryable,
  ac: ApplyContext,
  input: Parameters<typeof recordCounterMoneyBackInTx>[2],
): Promise<Applied> {
  const r = await recordCounterMoneyBackInTx(tx, ac.ctx, input);
  return r.ok ? ok(details(r.value)) : r;
}
