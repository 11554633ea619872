/**
 * Collection tasks (issue 9, docs/sync.md "A card payment declined at forwarding"): a card payment the
 * terminal approved that the acquirer refused when the core forwarded it (final refusal
 * CARD_DECLINED_AT_FORWARDING). The money never arrived, so in the same transaction that records the refusal
 * the payment is annulled on this counter (a CANCEL operation of origin SYNC, never pushed: the core has no
 * such payment) and its order owes the amount again. The sync exception says what is owed, why, and whom to
 * ask (the order's customer and contact when it has one); it stays open for a manager until the money is
 * collected (at the counter, as the order's balance) or written off, and the Z report warns about it.
 */
import { randomUUID } from 'node:crypto';
import { toDecimalString, type CurrencyCode, type PaymentId, type Uuid } from '../../src-shared';
import type { StoreDb } from './db';
import { getCustomer } from './catalogue';
import { appendOperation, getOrder } from './orders';

export const DECLINED_AT_FORWARDING = 'CARD_DECLINED_AT_FORWARDING';

interface PaymentRecordedMessage {
  kind: string;
  method?: string;
  orderId: string;
  paymentId: string;
  result?: { kind: string; amount?: { amountMinor: number; currency: string } };
}

const show = (amountMinor: number, currency: string) =>
  `${toDecimalString({ amountMinor, currency: currency as CurrencyCode })} ${currency}`;

/**
 * Inside the push-result transaction: when the refused message is a card sale, annuls it here and answers
 * the collection task's text (what is owed, why, whom to ask); null for any other refusal.
 */
export function openCollectionInTx(
  db: StoreDb,
  message: PaymentRecordedMessage,
  coreMessage: string,
  at: string,
): string | null {
  if (message.kind !== 'PAYMENT_RECORDED' || message.method !== 'CARD' || message.result?.kind !== 'SALE')
    return null;
  const amount = message.result.amount;
  if (!amount) return null;
  appendOperation(
    db,
    message.orderId,
    {
      id: randomUUID() as Uuid,
      paymentId: message.paymentId as PaymentId,
      channel: 'IN_STORE',
      occurredAt: at,
      kind: 'CANCEL',
    },
    'CARD',
    'SYNC',
  );
  const order = getOrder(db, message.orderId);
  const customer = order?.customerId ? getCustomer(db, order.customerId) : null;
  const who = customer
    ? `from ${customer.name}${customer.contact ? ` (${customer.contact})` : ' (no contact on the order)'}`
    : 'from the customer (the order has no customer contact: check the receipt and the terminal journal)';
  return (
    `Collect ${show(amount.amountMinor, amount.currency)} ${who} on order ${message.orderId}: ` +
    `${coreMessage} The order's balance is due again; take it at the counter as the order's balance.`
  );
}
