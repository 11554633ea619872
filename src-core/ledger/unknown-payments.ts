/**
 * Payments whose acquirer outcome is not known yet (the call timed out, or its process died before recording):
 * the payment row exists without an operation, so the merchant can look it up; the outcome is recorded once
 * the acquirer tells it. Never a silent decline (issue 3 "Sandbox acquirer").
 */
import {
  operationOf,
  domainError,
  err,
  ok,
  type DomainError,
  type Money,
  type PaymentId,
  type Result,
  type Uuid,
} from '../../src-shared';
import { type Queryable } from '../db/adapter';
import type { LedgerContext } from './context';
import type { CardFacts, PaymentRecord } from './rows';
import { insertPayment, mintCorePaymentId, selectPayment } from './store';
import { appendChecked, type OpeningBody, type OpenPayment } from './append';
import { loadOrderInTx } from './loaded-order';

export interface UnknownPayment extends Omit<OpenPayment, 'opening' | 'operationId'> {
  requestedMode: 'SALE' | 'PRE_AUTHORIZATION' | 'FINAL_AUTHORIZATION';
  amount: Money;
}

/**
 * Records a payment whose acquirer call timed out: the row exists (the merchant can look it up by id) but no
 * operation does, because nothing is known to have happened. `resolveUnknownPaymentInTx` records the
 * outcome once the acquirer tells it. Never a silent decline (issue 3 "Sandbox acquirer").
 */
export async function recordUnknownPaymentInTx(
  tx: Queryable,
  ctx: LedgerContext,
  input: UnknownPayment,
): Promise<Result<PaymentRecord, DomainError>> {
  const loaded = await loadOrderInTx(tx, input.merchantId, input.orderId, true);
  if (!loaded) return err(domainError('ORDER_NOT_FOUND', { orderId: input.orderId }));
  if (input.amount.currency !== loaded.order.currency) {
    return err(
      domainError('CURRENCY_MISMATCH', { expected: loaded.order.currency, actual: input.amount.currency }),
    );
  }
  const now = ctx.clock.now();
  // A write to the order's payments updates its row (selectWholeOrder's locked load relies on it).
  await tx.query('UPDATE orders SET updated_at = $2 WHERE id = $1', [input.orderId, now]);
  const payment = await insertPayment(tx, {
    paymentId: input.paymentId ?? (await mintCorePaymentId(tx)),
    orderId: input.orderId,
    merchantId: input.merchantId,
    channel: input.channel,
    terminalId: input.terminalId ?? null,
    outcome: 'UNKNOWN',
    requestedMode: input.requestedMode,
    requestedAmountMinor: input.amount.amountMinor,
    currency: loaded.order.currency,
    card: input.card ?? null,
    cardOnFile: input.cardOnFile ?? null,
    cofRequestor: input.cofRequestor ?? null,
    authorisationCode: null,
    acquirerReference: input.acquirerReference ?? null,
    merchantReference: input.merchantReference ?? null,
    initiatedByPaymentId: input.initiatedByPaymentId ?? null,
    occurredAt: input.occurredAt ?? now,
    recordedAt: now,
  });
  return ok(payment);
}

/** Records the opening operation of a payment whose outcome was unknown; a no-op when already resolved. */
export async function resolveUnknownPaymentInTx(
  tx: Queryable,
  ctx: LedgerContext,
  input: {
    merchantId: string;
    paymentId: PaymentId;
    opening: OpeningBody;
    authorisationCode?: string | null;
    /** Makes recording the outcome idempotent (the acquirer journal passes its row id). */
    operationId?: Uuid;
    /** Card facts learnt with the outcome (the acquirer's card reference), replacing what was known. */
    card?: CardFacts | null;
  },
): Promise<Result<PaymentRecord, DomainError>> {
  const payment = await selectPayment(tx, input.merchantId, input.paymentId);
  if (!payment) return err(domainError('PAYMENT_NOT_FOUND', { paymentId: input.paymentId }));
  const loaded = await loadOrderInTx(tx, input.merchantId, payment.orderId, true);
  if (!loaded) throw new Error(`payment ${input.paymentId} without its order`);
  const current = loaded.payments.find((p) => p.paymentId === input.paymentId);
  if (!current || current.outcome === 'RECORDED') return ok(current ?? payment);
  const operation = operationOf(input.opening, {
    id: input.operationId ?? ctx.newId(),
    paymentId: input.paymentId,
    channel: payment.channel,
    occurredAt: ctx.clock.now().toISOString(),
  });
  const appended = await appendChecked(
    tx,
    ctx,
    loaded,
    payment,
    { merchantId: payment.merchantId, channel: payment.channel, terminalId: payment.terminalId },
    operation,
    0,
  );
  if (!appended.ok) return appended;
  await tx.query(`UPDATE payments SET outcome = 'RECORDED', authorisation_code = $2 WHERE id = $1`, [
    input.paymentId,
    input.authorisationCode ?? null,
  ]);
  const card = input.card ?? current.card;
  if (input.card) {
    await tx.query(
      `UPDATE payments SET card_brand = $2, card_bin = $3, card_last4 = $4, card_expiry = $5, card_ref = $6,
         token_id = $7, payment_product_id = $8 WHERE id = $1`,
      [
        input.paymentId,
        card?.brand ?? null,
        card?.bin ?? null,
        card?.last4 ?? null,
        card?.expiry ?? null,
        card?.cardRef ?? null,
        card?.tokenId ?? null,
        card?.paymentProductId ?? null,
      ],
    );
  }
  return ok({ ...current, card, outcome: 'RECORDED', authorisationCode: input.authorisationCode ?? null });
}
