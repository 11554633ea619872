/**
 * A terminal as the sync API sees it, for tests: mints UUIDv7s and 19-digit payment ids with its own issuer
 * number (as the POS does offline), builds protocol messages (src-shared/sync-protocol.ts) and sends signed
 * requests with its terminal key.
 */
import { randomBytes } from 'node:crypto';
import {
  createUuidV7Generator,
  formatPaymentId,
  testCardById,
  type PaymentId,
  type Uuid,
} from '../../src-shared';
import type { SyncMessage, SyncPushResponse } from '../../src-shared/sync-protocol';
import { rawClient, type RawClient, type RawResponse } from './core-server';

export const eurMoney = (amountMinor: number) => ({ amountMinor, currency: 'EUR' as const });

/** Messages as the terminal sends them (wire shapes: plain strings for ids). */
export type WireMessage = Record<string, unknown> & { messageId: string; kind: SyncMessage['kind'] };

export interface TestTerminal {
  raw: RawClient;
  newId(): Uuid;
  nextPaymentId(): PaymentId;
  seq(): number;
  push(messages: WireMessage[]): Promise<RawResponse & { results: SyncPushResponse['results'] }>;
  /** ORDER_CREATED + PAYMENT_RECORDED (a card sale or deposit with a test card); returns the ids. */
  sale(input: {
    total: number;
    paid: number;
    cardId?: string;
    customerRef?: string;
    storeCard?: boolean;
  }): Promise<{ orderId: Uuid; paymentId: PaymentId; response: RawResponse }>;
  messages: {
    order(total: number | null, extra?: Record<string, unknown>): WireMessage & { orderId: Uuid };
    payment(
      orderId: string,
      amount: number,
      extra?: Record<string, unknown>,
    ): WireMessage & { paymentId: PaymentId; operationId: Uuid };
    onPayment(
      kind: 'CAPTURE' | 'AUTHORISATION_REVERSAL' | 'VOID' | 'REFUND',
      paymentId: string,
      extra?: Record<string, unknown>,
    ): WireMessage & { operationId: Uuid };
  };
}

export function cardFactsOf(cardId: string) {
  const c = testCardById(cardId)!;
  return { brand: c.brand, bin: c.pan.slice(0, 6), last4: c.pan.slice(-4), expiry: c.expiry, token: c.token };
}

export function testTerminal(
  baseUrl: string,
  terminal: { keyId: string; secret: string; issuer: number },
  options: { firstSequence?: number } = {},
): TestTerminal {
  const raw = rawClient(baseUrl, terminal.keyId, terminal.secret);
  const newId = createUuidV7Generator({
    now: () => Date.now(),
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
  });
  // A random start keeps several test terminals sharing an issuer (processes) from colliding.
  let sequence = options.firstSequence ?? randomBytes(4).readUInt32BE(0);
  let seq = 0;
  const nextPaymentId = () => formatPaymentId(terminal.issuer, sequence++);
  const now = () => new Date().toISOString();
  const messages: TestTerminal['messages'] = {
    order: (total, extra = {}) => ({
      messageId: newId(),
      seq: seq++,
      occurredAt: now(),
      kind: 'ORDER_CREATED',
      orderId: newId(),
      currency: 'EUR',
      total: total === null ? null : eurMoney(total),
      ...extra,
    }),
    payment: (orderId, amount, extra = {}) => ({
      messageId: newId(),
      seq: seq++,
      occurredAt: now(),
      kind: 'PAYMENT_RECORDED',
      orderId,
      paymentId: nextPaymentId(),
      operationId: newId(),
      method: 'CARD',
      result: { kind: 'SALE', amount: eurMoney(amount) },
      card: cardFactsOf('visa-approve'),
      authorisationCode: '123456',
      ...extra,
    }),
    onPayment: (kind, paymentId, extra = {}) => ({
      messageId: newId(),
      seq: seq++,
      occurredAt: now(),
      kind,
      paymentId,
      operationId: newId(),
      ...extra,
    }),
  };
  const push: TestTerminal['push'] = async (list) => {
    const r = await raw('POST', '/sync/v1/push', { body: { messages: list } });
    const results = (r.body as { results?: SyncPushResponse['results'] } | null)?.results ?? [];
    return { ...r, results };
  };
  return {
    raw,
    newId,
    nextPaymentId,
    seq: () => seq++,
    push,
    messages,
    async sale({ total, paid, cardId = 'visa-approve', customerRef, storeCard }) {
      const order = messages.order(total, customerRef ? { customerRef } : {});
      const payment = messages.payment(order.orderId, paid, {
        card: cardFactsOf(cardId),
        ...(storeCard ? { storeCard: true } : {}),
      });
      const response = await push([order, payment]);
      const bad = response.results.find((x) => x.status !== 'accepted');
      if (response.status !== 200 || bad) throw new Error(`sale push failed: ${response.text}`);
      return { orderId: order.orderId, paymentId: payment.paymentId, response };
    },
  };
}
