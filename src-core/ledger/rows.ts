/**
 * Row types of the ledger tables and their mappers (style.md "row types plus rowToX/xToRow mappers so SQL
 * encodings never leak"). Operations are stored one column per field so constraints can check them.
 */
import {
  isErrorCode,
  money,
  type Channel,
  type CurrencyCode,
  type Money,
  type Operation,
  type OperationBody,
  type PaymentId,
  type Uuid,
} from '../../src-shared';
import { toIso, toNullableSafeInteger, toSafeInteger, type SqlValue } from '../db/adapter';

export interface OperationRow {
  id: string;
  order_id: string;
  payment_id: string;
  merchant_id: string;
  order_seq: number;
  payment_seq: number;
  kind: string;
  amount_minor: string | number | null;
  currency: string;
  auth_mode: string | null;
  is_final: boolean | null;
  reason: string | null;
  token_id: string | null;
  channel: string;
  terminal_id: string | null;
  store_id: string | null;
  feed_pos: string | number | null;
  merchant_reference: string | null;
  operator_id: string | null;
  occurred_at: Date | string;
  recorded_at: Date | string;
}

/** An operation as the core stores it: the shared ledger's `Operation` plus where and when it was recorded. */
export interface StoredOperation {
  readonly operation: Operation;
  readonly orderId: Uuid;
  readonly merchantId: string;
  readonly orderSeq: number;
  /** 0 for the opening operation of a payment, then 1, 2, … */
  readonly paymentSeq: number;
  readonly terminalId: Uuid | null;
  readonly storeId: Uuid | null;
  /** Position in the store's change feed; null for orders without a store. */
  readonly feedPos: number | null;
  readonly merchantReference: string | null;
  readonly operatorId: string | null;
  readonly recordedAt: string;
}

export const OPERATION_COLUMNS =
  'id, order_id, payment_id, merchant_id, order_seq, payment_seq, kind, amount_minor, currency, auth_mode, ' +
  'is_final, reason, token_id, channel, terminal_id, store_id, feed_pos, merchant_reference, operator_id, ' +
  'occurred_at, recorded_at';

/** A module-level function, not a closure per row: every row of a whole-order load comes through here. */
const amountOf = (row: OperationRow): Money =>
  money(toSafeInteger(row.amount_minor, 'operations.amount_minor'), row.currency as CurrencyCode);

/**
 * The operation a row holds, built as one object literal per kind with its head's fields after the body's
 * (the order `operationOf` gives): every operation of a whole-order load comes through here, and spreading a
 * body of one of a dozen shapes into a new object was the largest single item of the core's own code in a
 * refund's profile.
 */
function operationFromRow(row: OperationRow): Operation {
  const id = row.id as Uuid;
  const paymentId = row.payment_id as PaymentId;
  const channel = row.channel as Channel;
  const occurredAt = toIso(row.occurred_at, 'operations.occurred_at');
  switch (row.kind) {
    case 'AUTHORISATION':
      if (row.auth_mode !== 'PRE_AUTHORIZATION' && row.auth_mode !== 'FINAL_AUTHORIZATION') {
        throw new Error(`operation ${row.id}: authorisation without a mode`);
      }
      return {
        kind: 'AUTHORISATION',
        mode: row.auth_mode,
        amount: amountOf(row),
        id,
        paymentId,
        channel,
        occurredAt,
      };
    case 'SALE':
      return { kind: 'SALE', amount: amountOf(row), id, paymentId, channel, occurredAt };
    case 'DECLINE': {
      const reason = row.reason ?? '';
      if (!isErrorCode(reason)) throw new Error(`operation ${row.id}: unknown decline reason ${reason}`);
      return { kind: 'DECLINE', amount: amountOf(row), reason, id, paymentId, channel, occurredAt };
    }
    case 'CAPTURE':
      return {
        kind: 'CAPTURE',
        amount: amountOf(row),
        isFinal: row.is_final === true,
        id,
        paymentId,
        channel,
        occurredAt,
      };
    case 'AUTHORISATION_REVERSAL':
    case 'REFUND':
    case 'PAYOUT':
    case 'CHARGEBACK':
    case 'CHARGEBACK_REVERSAL':
    case 'REBILL':
      return { kind: row.kind, amount: amountOf(row), id, paymentId, channel, occurredAt };
    case 'CANCEL':
      return { kind: 'CANCEL', id, paymentId, channel, occurredAt };
    case 'TOKEN_CREATE':
    case 'TOKEN_USE':
    case 'TOKEN_DELETE':
      return { kind: row.kind, tokenId: row.token_id ?? '', id, paymentId, channel, occurredAt };
    default:
      throw new Error(`operation ${row.id}: unknown kind ${row.kind}`);
  }
}

export function rowToStoredOperation(row: OperationRow): StoredOperation {
  const operation = operationFromRow(row);
  return {
    operation,
    orderId: row.order_id as Uuid,
    merchantId: row.merchant_id,
    orderSeq: toSafeInteger(row.order_seq, 'operations.order_seq'),
    paymentSeq: toSafeInteger(row.payment_seq, 'operations.payment_seq'),
    terminalId: row.terminal_id as Uuid | null,
    storeId: row.store_id as Uuid | null,
    feedPos: toNullableSafeInteger(row.feed_pos, 'operations.feed_pos'),
    merchantReference: row.merchant_reference,
    operatorId: row.operator_id,
    recordedAt: toIso(row.recorded_at, 'operations.recorded_at'),
  };
}

/** The columns of an operation's body, in the order of the INSERT in ledger/store.ts. */
export function operationBodyToColumns(body: OperationBody): {
  kind: string;
  amount_minor: number | null;
  currency: string | null;
  auth_mode: string | null;
  is_final: boolean | null;
  reason: string | null;
  token_id: string | null;
} {
  const base = {
    kind: body.kind,
    amount_minor: 'amount' in body ? body.amount.amountMinor : null,
    currency: 'amount' in body ? body.amount.currency : null,
    auth_mode: body.kind === 'AUTHORISATION' ? body.mode : null,
    is_final: body.kind === 'CAPTURE' ? body.isFinal : null,
    reason: body.kind === 'DECLINE' ? body.reason : null,
    token_id: 'tokenId' in body ? body.tokenId : null,
  };
  return base;
}

export interface OrderRow {
  id: string;
  merchant_id: string;
  store_id: string | null;
  terminal_id: string | null;
  customer_ref: string | null;
  channel: string;
  currency: string;
  total_minor: string | number | null;
  merchant_reference: string | null;
  op_count: number;
  occurred_at: Date | string;
  recorded_at: Date | string;
  updated_at: Date | string;
}

export interface OrderRecord {
  readonly orderId: Uuid;
  readonly merchantId: string;
  readonly storeId: Uuid | null;
  readonly terminalId: Uuid | null;
  readonly customerRef: string | null;
  /** Channel where the order was created. */
  readonly channel: Channel;
  readonly currency: CurrencyCode;
  readonly total: Money | null;
  readonly merchantReference: string | null;
  /** Number of operations recorded on the order (its last `order_seq`). */
  readonly operationCount: number;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly updatedAt: string;
}

export const ORDER_COLUMNS =
  'id, merchant_id, store_id, terminal_id, customer_ref, channel, currency, total_minor, merchant_reference, ' +
  'op_count, occurred_at, recorded_at, updated_at';

export function rowToOrder(row: OrderRow): OrderRecord {
  const currency = row.currency as CurrencyCode;
  const total = toNullableSafeInteger(row.total_minor, 'orders.total_minor');
  return {
    orderId: row.id as Uuid,
    merchantId: row.merchant_id,
    storeId: row.store_id as Uuid | null,
    terminalId: row.terminal_id as Uuid | null,
    customerRef: row.customer_ref,
    channel: row.channel as Channel,
    currency,
    total: total === null ? null : money(total, currency),
    merchantReference: row.merchant_reference,
    operationCount: toSafeInteger(row.op_count, 'orders.op_count'),
    occurredAt: toIso(row.occurred_at, 'orders.occurred_at'),
    recordedAt: toIso(row.recorded_at, 'orders.recorded_at'),
    updatedAt: toIso(row.updated_at, 'orders.updated_at'),
  };
}

export interface PaymentRow {
  id: string;
  order_id: string;
  merchant_id: string;
  channel: string;
  terminal_id: string | null;
  outcome: string;
  requested_mode: string;
  requested_amount_minor: string | number;
  currency: string;
  card_brand: string | null;
  card_bin: string | null;
  card_last4: string | null;
  card_expiry: string | null;
  card_ref: string | null;
  token_id: string | null;
  card_on_file: string | null;
  cof_requestor: string | null;
  payment_product_id: number | null;
  authorisation_code: string | null;
  acquirer_reference: string | null;
  merchant_reference: string | null;
  initiated_by_payment_id: string | null;
  occurred_at: Date | string;
  recorded_at: Date | string;
}

/** Card facts kept with a payment: never a full PAN (only BIN, last four, expiry and the acquirer's ref). */
export interface CardFacts {
  readonly brand: string;
  readonly bin: string | null;
  readonly last4: string;
  readonly expiry: string | null;
  /** The acquirer's reusable reference for the card (sandbox: the test card token), for later charges. */
  readonly cardRef: string | null;
  /** Our token id, when the payment used or created one. */
  readonly tokenId: string | null;
  readonly paymentProductId: number | null;
}

export interface PaymentRecord {
  readonly paymentId: PaymentId;
  readonly orderId: Uuid;
  readonly merchantId: string;
  readonly channel: Channel;
  readonly terminalId: Uuid | null;
  /** UNKNOWN: the acquirer did not answer; no operation is recorded until the outcome is known. */
  readonly outcome: 'RECORDED' | 'UNKNOWN';
  readonly requestedMode: 'SALE' | 'PRE_AUTHORIZATION' | 'FINAL_AUTHORIZATION';
  readonly requestedAmount: Money;
  readonly card: CardFacts | null;
  readonly cardOnFile: 'first' | 'subsequent' | null;
  readonly cofRequestor: 'cardholderInitiated' | 'merchantInitiated' | null;
  readonly authorisationCode: string | null;
  readonly acquirerReference: string | null;
  readonly merchantReference: string | null;
  /** For a subsequent payment: the payment id the caller named. */
  readonly initiatedByPaymentId: PaymentId | null;
  readonly occurredAt: string;
  readonly recordedAt: string;
}

/** A payment's columns, in the order every read selects them and the insert writes them (store.ts). */
export const PAYMENT_COLUMN_NAMES = [
  'id',
  'order_id',
  'merchant_id',
  'channel',
  'terminal_id',
  'outcome',
  'requested_mode',
  'requested_amount_minor',
  'currency',
  'card_brand',
  'card_bin',
  'card_last4',
  'card_expiry',
  'card_ref',
  'token_id',
  'card_on_file',
  'cof_requestor',
  'payment_product_id',
  'authorisation_code',
  'acquirer_reference',
  'merchant_reference',
  'initiated_by_payment_id',
  'occurred_at',
  'recorded_at',
] as const satisfies readonly (keyof PaymentRow)[];
export const PAYMENT_COLUMNS = PAYMENT_COLUMN_NAMES.join(', ');

export function rowToPayment(row: PaymentRow): PaymentRecord {
  const currency = row.currency as CurrencyCode;
  return {
    paymentId: row.id as PaymentId,
    orderId: row.order_id as Uuid,
    merchantId: row.merchant_id,
    channel: row.channel as Channel,
    terminalId: row.terminal_id as Uuid | null,
    outcome: row.outcome as PaymentRecord['outcome'],
    requestedMode: row.requested_mode as PaymentRecord['requestedMode'],
    requestedAmount: money(
      toSafeInteger(row.requested_amount_minor, 'payments.requested_amount_minor'),
      currency,
    ),
    card:
      row.card_last4 === null
        ? null
        : {
            brand: row.card_brand ?? 'UNKNOWN',
            bin: row.card_bin,
            last4: row.card_last4,
            expiry: row.card_expiry,
            cardRef: row.card_ref,
            tokenId: row.token_id,
            paymentProductId: row.payment_product_id,
          },
    cardOnFile: row.card_on_file as PaymentRecord['cardOnFile'],
    cofRequestor: row.cof_requestor as PaymentRecord['cofRequestor'],
    authorisationCode: row.authorisation_code,
    acquirerReference: row.acquirer_reference,
    merchantReference: row.merchant_reference,
    initiatedByPaymentId: row.initiated_by_payment_id as PaymentId | null,
    occurredAt: toIso(row.occurred_at, 'payments.occurred_at'),
    recordedAt: toIso(row.recorded_at, 'payments.recorded_at'),
  };
}

export type Params = SqlValue[];
