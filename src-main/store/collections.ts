/**
 * Collection tasks (issue 9, docs/sync.md "A card payment declined at forwarding"): a card payment the
 * terminal approved that the acquirer refused when the core forwarded it (final refusal
 * CARD_DECLINED_AT_FORWARDING). The money never arrived, so in the same transaction that records the refusal
 * the payment is annulled on this counter (a CANCEL operation of origin SYNC, never pushed: the core has no
 * such payment) and its order owes the amount again. The sync exception says what is owed, why, and whom to
 * ask (the order's customer and contact when it has one); it stays open for a manager until the money is
 * collected (at the counter, as the order's balance) or written off, and the Z report warns about it.
 *
 * The store's small-amount policy (offline limits' `collectAtCounterAboveMinor`, default 0): a refused amount
 * at or below it is not worth chasing. It is annulled and owed all the same (a customer who comes back can
 * still pay it), but the exception is written already resolved — written off by the system, audited — so no
 * manager's task is opened; the Z report counts these apart from the open tasks.
 */
import { randomUUID } from 'node:crypto';
import { toDecimalString, type CurrencyCode, type PaymentId, type Uuid } from '../../src-shared';
import type { StoreDb } from './db';
import { appendAudit } from './audit';
import { getCustomer } from './catalogue';
import { appendOperation, getOrder } from './orders';
import { getSetting } from './settings';

export const DECLINED_AT_FORWARDING = 'CARD_DECLINED_AT_FORWARDING';
/** The `settings` key of the offline limits (checkout/counter-settings.ts), read here for the threshold. */
export const OFFLINE_LIMITS_SETTING = 'offline.limits';
/** Who resolved an exception the counter closed by its own policy (no manager). */
export const SYSTEM_RESOLVER = 'system';
/** How a written-off collection's resolution begins (the Z report counts these). */
export const WRITTEN_OFF = 'written off:';

interface PaymentRecordedMessage {
  kind: string;
  method?: string;
  orderId: string;
  paymentId: string;
  result?: { kind: string; amount?: { amountMinor: number; currency: string } };
}

const show = (amountMinor: number, currency: string) =>
  `${toDecimalString({ amountMinor, currency: currency as CurrencyCode })} ${currency}`;

/** The store's collection threshold: a refused amount at or below it is written off (0: none is). */
export function collectionThresholdMinor(db: StoreDb): number {
  const v = getSetting<{ collectAtCounterAboveMinor?: number }>(
    db,
    OFFLINE_LIMITS_SETTING,
  )?.collectAtCounterAboveMinor;
  return Number.isSafeInteger(v) && (v as number) > 0 ? (v as number) : 0;
}

export interface CollectionOutcome {
  /** The exception's text: what is owed, why, whom to ask (or why it was written off). */
  readonly message: string;
  /** Set when the amount is at or below the threshold: the exception is written resolved with it. */
  readonly writtenOff: string | null;
}

/**
 * Inside the push-result transaction: when the refused message is a card sale, annuls it here and answers
 * the exception's text (a collection task, or a write-off under the threshold); null for any other refusal.
 */
export function openCollectionInTx(
  db: StoreDb,
  message: PaymentRecordedMessage,
  coreMessage: string,
  at: string,
): CollectionOutcome | null {
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
  const owed = show(amount.amountMinor, amount.currency);
  const threshold = collectionThresholdMinor(db);
  if (amount.amountMinor <= threshold) {
    const limit = show(threshold, amount.currency);
    const writtenOff = `${WRITTEN_OFF} ${owed} is at or below the store's collection threshold ${limit}`;
    appendAudit(db, {
      at: new Date(at),
      actor: null,
      action: 'COLLECTION_WRITTEN_OFF',
      subject: message.orderId,
      details: {
        paymentId: message.paymentId,
        amountMinor: amount.amountMinor,
        currency: amount.currency,
        thresholdMinor: threshold,
        reason: coreMessage,
      },
    });
    return {
      message:
        `Not collected: ${owed} ${who} on order ${message.orderId}: ${coreMessage} No collection task: ` +
        `${owed} is at or below the store's collection threshold ${limit}. The order still owes it (a ` +
        `customer who comes back can pay it at the counter as the order's balance).`,
      writtenOff,
    };
  }
  return {
    message:
      `Collect ${owed} ${who} on order ${message.orderId}: ` +
      `${coreMessage} The order's balance is due again; take it at the counter as the order's balance.`,
    writtenOff: null,
  };
}

/** Card payments written off at forwarding under the threshold since a moment: how many, how much. */
export function writtenOffSince(
  db: StoreDb,
  since: string,
): { count: number; amountMinor: number; currency: string | null } {
  return db
    .prepare(
      `SELECT COUNT(*) AS count,
              COALESCE(SUM(json_extract(o.message, '$.result.amount.amountMinor')), 0) AS amountMinor,
              MAX(json_extract(o.message, '$.result.amount.currency')) AS currency
         FROM sync_exceptions e JOIN outbox o ON o.message_id = e.message_id
        WHERE e.code = ? AND e.resolved_by = ? AND e.resolution LIKE ? AND e.created_at >= ?`,
    )
    .get(DECLINED_AT_FORWARDING, SYSTEM_RESOLVER, `${WRITTEN_OFF}%`, since) as {
    count: number;
    amountMinor: number;
    currency: string | null;
  };
}

/** Collection tasks still open (any day): how many, how much. */
export function openCollections(db: StoreDb): { count: number; amountMinor: number } {
  return db
    .prepare(
      `SELECT COUNT(*) AS count,
              COALESCE(SUM(json_extract(o.message, '$.result.amount.amountMinor')), 0) AS amountMinor
         FROM sync_exceptions e JOIN outbox o ON o.message_id = e.message_id
        WHERE e.code = ? AND e.resolved_at IS NULL`,
    )
    .get(DECLINED_AT_FORWARDING) as { count: number; amountMinor: number };
}
