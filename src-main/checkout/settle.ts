/**
 * The business facts of a card transaction the terminal approved, written in the same transaction that
 * closes its attempt. Everything they need is in the attempt row (kind, ids, amount, intent), so a
 * transaction recovered after a crash is recorded exactly like one that finished normally.
 */
import { applyOperation, type Money, type Operation, type PaymentId, type Uuid } from '../../src-shared';
import {
  appendAudit,
  appendOperation,
  enqueueMessage,
  insertPayment,
  loadOrderState,
  updateRefundRequest,
  type AttemptRecord,
} from '../store';
import type { TransactionDetails } from '../zvt/session/types';
import type { CheckoutDeps } from './context';

/** What a card payment attempt carries to its settlement. */
export interface PaymentIntent {
  readonly what: 'SALE' | 'DEPOSIT' | 'BALANCE';
  /** Keep the card on file (the deposit's initial cardholder-initiated payment). */
  readonly storeCard: boolean;
  readonly operationId: string;
  readonly messageId: string;
}

export interface VoidIntent {
  readonly operationId: string;
  readonly messageId: string;
  readonly approvedBy: string;
}

export interface TerminalRefundIntent {
  readonly operationId: string;
  readonly messageId: string;
  readonly reservationId: string;
  readonly requestId: string | null;
  readonly approvedBy: string;
  readonly reason: string;
}

export interface CardFacts {
  readonly brand: string;
  readonly bin: string | null;
  readonly last4: string;
  readonly expiry: string | null;
  readonly token: string | null;
}

/** The card as the sync contract wants it: never more than BIN and last four (P15 BMP 22 is masked). */
export function cardFacts(d: TransactionDetails | undefined): CardFacts {
  const pan = (d?.maskedPan ?? '').replace(/\s/g, '');
  const last4 = /(\d{4})$/.exec(pan)?.[1] ?? '0000';
  const bin = /^(\d{6})/.exec(pan)?.[1] ?? null;
  // ZVT BMP 0E is YYMM; the sync contract wants MMYY.
  const yymm = d?.expiry && /^\d{4}$/.test(d.expiry) ? d.expiry : null;
  const expiry = yymm && /^(0[1-9]|1[0-2])$/.test(yymm.slice(2)) ? yymm.slice(2) + yymm.slice(0, 2) : null;
  const brand = (d?.cardName ?? d?.cardType?.name ?? 'CARD').slice(0, 20) || 'CARD';
  const token = d?.cardToken && d.cardToken.length <= 64 ? d.cardToken : null;
  return { brand, bin, last4, expiry, token };
}

/** Only what an auditor needs from the terminal's answer: no track data, the PAN only masked. */
export function keptDetails(d: TransactionDetails | undefined): Record<string, unknown> {
  if (!d) return {};
  return {
    receiptNumber: d.receiptNumber ?? null,
    trace: d.trace ?? null,
    amountMinor: d.amount?.amountMinor ?? null,
    maskedPan: d.maskedPan ?? null,
    cardName: d.cardName ?? null,
    aid: d.aid ?? null,
    date: d.date ?? null,
    time: d.time ?? null,
  };
}

function money(a: AttemptRecord): Money {
  return { amountMinor: a.amountMinor, currency: a.currency };
}

/** Appends a locally made operation, checked by the shared ledger first (a failure here is a bug). */
function appendCheckedOperation(
  deps: CheckoutDeps,
  orderId: string,
  op: Operation,
  method: 'CARD' | 'CASH',
): void {
  const state = loadOrderState(deps.db, orderId);
  const checked = state ? applyOperation(state, op) : null;
  if (checked && !checked.ok) {
    // The money already moved on the terminal: record it anyway and leave a trail for the manager.
    appendAudit(deps.db, {
      at: deps.clock(),
      actor: null,
      action: 'LEDGER_WARNING',
      subject: orderId,
      details: { operationId: op.id, code: checked.error.code, message: checked.error.message },
    });
  }
  appendOperation(deps.db, orderId, op, method, 'LOCAL');
}

export function settleCardPayment(
  deps: CheckoutDeps,
  a: AttemptRecord,
  d: TransactionDetails | undefined,
): void {
  const intent = a.intent as unknown as PaymentIntent;
  const at = deps.clock().toISOString();
  const card = cardFacts(d);
  const amount = d?.amount && d.amount.amountMinor > 0 ? d.amount : money(a);
  const storeCard = intent.storeCard && card.token !== null;
  insertPayment(deps.db, {
    paymentId: a.paymentId,
    orderId: a.orderId,
    channel: 'IN_STORE',
    method: 'CARD',
    collectedHere: true,
    cardBrand: card.brand,
    cardLast4: card.last4,
    cardToken: card.token,
    terminalReference: d?.receiptNumber ?? null,
    authorisationCode: d?.aid ?? null,
    createdAt: at,
  });
  appendCheckedOperation(
    deps,
    a.orderId,
    {
      id: intent.operationId as Uuid,
      paymentId: a.paymentId,
      channel: 'IN_STORE',
      occurredAt: at,
      kind: 'SALE',
      amount,
    },
    'CARD',
  );
  enqueueMessage(deps.db, {
    messageId: intent.messageId,
    occurredAt: at,
    kind: 'PAYMENT_RECORDED',
    orderId: a.orderId,
    paymentId: a.paymentId,
    operationId: intent.operationId,
    method: 'CARD',
    result: { kind: 'SALE', amount },
    card,
    storeCard: storeCard || undefined,
    authorisationCode: d?.aid?.slice(0, 20) ?? null,
    terminalReference: d?.receiptNumber ?? null,
    operatorId: a.operatorId,
  } as Parameters<typeof enqueueMessage>[1]);
  deps.onLocalPayment?.(a.orderId);
}

export function settleVoid(deps: CheckoutDeps, a: AttemptRecord, d: TransactionDetails | undefined): void {
  const intent = a.intent as unknown as VoidIntent;
  const at = deps.clock().toISOString();
  appendCheckedOperation(
    deps,
    a.orderId,
    {
      id: intent.operationId as Uuid,
      paymentId: a.paymentId,
      channel: 'IN_STORE',
      occurredAt: at,
      kind: 'CANCEL',
    },
    'CARD',
  );
  enqueueMessage(deps.db, {
    messageId: intent.messageId,
    occurredAt: at,
    kind: 'VOID',
    paymentId: a.paymentId,
    operationId: intent.operationId,
    operatorId: a.operatorId,
  } as Parameters<typeof enqueueMessage>[1]);
  appendAudit(deps.db, {
    at: deps.clock(),
    actor: intent.approvedBy,
    action: 'VOID',
    subject: a.orderId,
    details: { paymentId: a.paymentId, amountMinor: a.amountMinor, receipt: d?.receiptNumber ?? null },
  });
}

export function settleTerminalRefund(
  deps: CheckoutDeps,
  a: AttemptRecord,
  d: TransactionDetails | undefined,
): void {
  const intent = a.intent as unknown as TerminalRefundIntent;
  const at = deps.clock().toISOString();
  const amount = money(a);
  appendCheckedOperation(
    deps,
    a.orderId,
    {
      id: intent.operationId as Uuid,
      paymentId: a.paymentId as PaymentId,
      channel: 'IN_STORE',
      occurredAt: at,
      kind: 'REFUND',
      amount,
    },
    'CARD',
  );
  enqueueMessage(deps.db, {
    messageId: intent.messageId,
    occurredAt: at,
    kind: 'REFUND',
    paymentId: a.paymentId,
    operationId: intent.operationId,
    amount,
    method: 'CARD',
    reservationId: intent.reservationId,
    terminalReference: d?.receiptNumber ?? null,
    operatorId: a.operatorId,
  } as Parameters<typeof enqueueMessage>[1]);
  if (intent.requestId) updateRefundRequest(deps.db, intent.requestId, { state: 'DONE' }, deps.clock());
  appendAudit(deps.db, {
    at: deps.clock(),
    actor: intent.approvedBy,
    action: 'REFUND_TERMINAL_CARD',
    subject: a.orderId,
    details: {
      paymentId: a.paymentId,
      amountMinor: a.amountMinor,
      reason: intent.reason,
      reservationId: intent.reservationId,
    },
  });
}
