import { afterEach, describe, expect, it } from 'vitest';
import { formatPaymentId, type Uuid } from '../../../src-shared';
import {
  appendOperation,
  applyChangesFromSync,
  enqueueMessage,
  insertOrder,
  insertPayment,
  loadOrderState,
  openSyncExceptions,
  pendingOutbox,
  recordPushFailure,
  recordPushResults,
  recordSyncSuccess,
  syncCursor,
  syncStatus,
  type StoreDb,
} from '../../../src-main/store';
import { orderBalances } from '../../../src-shared';
import { newIdGenerator, openTestStore } from '../../helpers/host-store';

const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' as const });
const newId = newIdGenerator();
let db: StoreDb;
afterEach(() => db?.close());

/** A paid card sale written the way checkout writes it: facts and messages in one transaction. */
function sale(db: StoreDb, amount: number, seq: number) {
  const orderId = newId();
  const paymentId = formatPaymentId(1000, seq);
  const operationId = newId();
  const at = new Date().toISOString();
  db.tx(() => {
    insertOrder(db, {
      orderId,
      kind: 'SALE',
      currency: 'EUR',
      totalMinor: amount,
      taxMinor: 0,
      customerId: null,
      merchantReference: null,
      operatorId: 'c1',
      origin: 'LOCAL',
      createdAt: at,
      businessDay: at.slice(0, 10),
    });
    insertPayment(db, {
      paymentId,
      orderId,
      channel: 'IN_STORE',
      method: 'CARD',
      collectedHere: true,
      cardBrand: 'VISA',
      cardLast4: '0002',
      cardToken: null,
      terminalReference: '0001',
      authorisationCode: null,
      createdAt: at,
    });
    appendOperation(
      db,
      orderId,
      { id: operationId, paymentId, channel: 'IN_STORE', occurredAt: at, kind: 'SALE', amount: eur(amount) },
      'CARD',
      'LOCAL',
    );
    enqueueMessage(db, {
      messageId: newId(),
      occurredAt: at,
      kind: 'ORDER_CREATED',
      orderId,
      currency: 'EUR',
      total: eur(amount),
    });
    enqueueMessage(db, {
      messageId: newId(),
      occurredAt: at,
      kind: 'PAYMENT_RECORDED',
      orderId,
      paymentId,
      operationId,
      method: 'CARD',
      result: { kind: 'SALE', amount: eur(amount) },
      card: { brand: 'VISA', last4: '0002' },
    });
  });
  return { orderId, paymentId };
}

describe('the outbox (HOST-SYNC-CONTRACT.md)', () => {
  it('hands out queued messages in order with strictly increasing seq matching the message', () => {
    db = openTestStore();
    sale(db, 1000, 1);
    sale(db, 2000, 2);
    const items = pendingOutbox(db, 10);
    expect(items.map((i) => i.kind)).toEqual([
      'ORDER_CREATED',
      'PAYMENT_RECORDED',
      'ORDER_CREATED',
      'PAYMENT_RECORDED',
    ]);
    expect(items.map((i) => i.seq)).toEqual([1, 2, 3, 4]);
    for (const i of items) expect(i.message.seq).toBe(i.seq);
    expect(items[1]?.orderId).toBe(items[0]?.orderId);
    expect(pendingOutbox(db, 3)).toHaveLength(3);
    expect(syncStatus(db, new Date())).toMatchObject({ queued: 4, lastSyncAt: null, openExceptions: 0 });
  });

  it('refuses to queue a message that breaks the sync contract, and the fact rolls back with it', () => {
    db = openTestStore();
    const orderId = newId();
    expect(() =>
      db.tx(() => {
        insertOrder(db, {
          orderId,
          kind: 'SALE',
          currency: 'EUR',
          totalMinor: 100,
          taxMinor: 0,
          customerId: null,
          merchantReference: null,
          operatorId: null,
          origin: 'LOCAL',
          createdAt: new Date().toISOString(),
          businessDay: '2026-11-26',
        });
        enqueueMessage(db, {
          messageId: newId(),
          occurredAt: new Date().toISOString(),
          kind: 'ORDER_CREATED',
          orderId,
          currency: 'EUR',
          total: eur(-5),
        });
      }),
    ).toThrow();
    expect(loadOrderState(db, orderId)).toBeNull();
    expect(pendingOutbox(db, 10)).toEqual([]);
  });

  it('acknowledges accepted and duplicate answers, keeps retryable rejections queued, and turns final rejections into exceptions with the order attached', () => {
    db = openTestStore();
    const a = sale(db, 1000, 1);
    sale(db, 2000, 2);
    const [m1, m2, m3, m4] = pendingOutbox(db, 10);
    recordPushResults(
      db,
      [
        { messageId: m1!.messageId, status: 'accepted', details: {} },
        { messageId: m2!.messageId, status: 'duplicate', details: {} },
        {
          messageId: m3!.messageId,
          status: 'rejected',
          code: 'REFUND_ORDER_LOCKED',
          message: 'locked',
          retryable: true,
        },
        {
          messageId: m4!.messageId,
          status: 'rejected',
          code: 'SYNC_MESSAGE_INVALID',
          message: 'bad',
          retryable: false,
        },
      ],
      new Date(),
    );
    const left = pendingOutbox(db, 10);
    expect(left.map((i) => i.messageId)).toEqual([m3!.messageId]);
    expect(left[0]).toMatchObject({ attempts: 1, lastError: 'REFUND_ORDER_LOCKED: locked' });
    const ex = openSyncExceptions(db);
    expect(ex).toHaveLength(1);
    expect(ex[0]).toMatchObject({
      messageId: m4!.messageId,
      code: 'SYNC_MESSAGE_INVALID',
      orderId: m4!.orderId,
    });
    expect(ex[0]?.orderSnapshot).toMatchObject({
      order: { order_id: m4!.orderId },
      operations: [{ origin: 'LOCAL' }],
    });
    // The rejected order stays paid here: nothing local is undone.
    const state = loadOrderState(db, m4!.orderId!)!;
    expect(orderBalances(state).collected).toEqual(eur(2000));
    expect(syncStatus(db, new Date())).toMatchObject({ queued: 1, openExceptions: 1 });
    expect(orderBalances(loadOrderState(db, a.orderId)!).collected).toEqual(eur(1000));
  });

  it('counts failed pushes without losing or reordering messages', () => {
    db = openTestStore();
    sale(db, 1000, 1);
    const ids = pendingOutbox(db, 10).map((i) => i.messageId);
    recordPushFailure(db, ids, 'ECONNREFUSED 127.0.0.1:9', new Date());
    recordPushFailure(db, ids, 'timeout', new Date());
    const items = pendingOutbox(db, 10);
    expect(items.map((i) => i.messageId)).toEqual(ids);
    expect(items.every((i) => i.attempts === 2 && i.lastError === 'timeout')).toBe(true);
    recordSyncSuccess(db, new Date('2026-11-26T10:00:00Z'));
    expect(syncStatus(db, new Date()).lastSyncAt).toBe('2026-11-26T10:00:00.000Z');
  });

  it('applies changes made elsewhere without echoing them, once, and advances the cursor', () => {
    db = openTestStore();
    const local = sale(db, 5000, 1);
    const remoteOrder = newId();
    const remotePayment = formatPaymentId(1, 77);
    const refundId = newId();
    const pull = {
      storeId: newId(),
      after: 0,
      nextCursor: 12,
      head: 12,
      hasMore: false,
      changes: [
        {
          position: 10,
          orderId: local.orderId,
          orderSeq: 2,
          paymentSeq: 0,
          operation: {
            id: refundId,
            paymentId: local.paymentId,
            channel: 'ONLINE' as const,
            occurredAt: new Date().toISOString(),
            kind: 'REFUND' as const,
            amount: eur(1500),
          },
          terminalId: null,
          operatorId: null,
          merchantReference: null,
          recordedAt: new Date().toISOString(),
        },
        {
          position: 11,
          orderId: remoteOrder,
          orderSeq: 1,
          paymentSeq: 0,
          operation: {
            id: newId(),
            paymentId: remotePayment,
            channel: 'ONLINE' as const,
            occurredAt: new Date().toISOString(),
            kind: 'SALE' as const,
            amount: eur(900),
          },
          terminalId: null,
          operatorId: null,
          merchantReference: 'web-1',
          recordedAt: new Date().toISOString(),
        },
      ],
      orders: [],
    };
    const queuedBefore = pendingOutbox(db, 100).length;
    applyChangesFromSync(db, pull, new Date());
    applyChangesFromSync(db, pull, new Date()); // the same page again (a retried pull) changes nothing
    expect(syncCursor(db)).toBe(12);
    expect(pendingOutbox(db, 100)).toHaveLength(queuedBefore);
    const b = orderBalances(loadOrderState(db, local.orderId)!);
    expect(b.refunded).toEqual(eur(1500));
    expect(b.refundable).toEqual(eur(3500));
    const r = orderBalances(loadOrderState(db, remoteOrder as Uuid)!);
    expect(r.collected).toEqual(eur(900));
  });
});
