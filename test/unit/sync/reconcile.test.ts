import { describe, expect, it } from 'vitest';
import { compareOrders, type LocalOrderView, type OrderView } from '../../../src-main/sync/reconcile';

const order = (over: Partial<OrderView> = {}): OrderView => ({
  orderId: 'o1',
  currency: 'EUR',
  totalMinor: 5_000,
  collectedMinor: 2_000,
  refundedMinor: 0,
  payments: [{ paymentId: 'p1', collectedMinor: 2_000, refundedMinor: 0, cancelled: false }],
  ...over,
});
const local = (over: Partial<LocalOrderView> = {}): LocalOrderView => ({
  ...order(),
  queued: false,
  ...over,
});

describe('compareOrders', () => {
  it('finds nothing when the counter and the core agree', () => {
    expect(compareOrders([local()], new Map([['o1', order()]]))).toEqual([]);
  });

  it('reports an order the core does not have, waiting while it is queued and for a manager when not', () => {
    expect(compareOrders([local({ queued: true })], new Map([['o1', null]]))).toEqual([
      {
        orderId: 'o1',
        kind: 'MISSING_IN_CORE',
        paymentId: null,
        counter: 'o1',
        core: null,
        action: 'WAITING_IN_QUEUE',
      },
    ]);
    expect(compareOrders([local()], new Map())[0]).toMatchObject({
      kind: 'MISSING_IN_CORE',
      action: 'FOR_MANAGER',
    });
  });

  it('reports every differing amount, per order and per payment, and payments on one side only', () => {
    const core = order({
      refundedMinor: 500,
      payments: [
        { paymentId: 'p1', collectedMinor: 2_000, refundedMinor: 500, cancelled: false },
        { paymentId: 'p2', collectedMinor: 3_000, refundedMinor: 0, cancelled: false },
      ],
      collectedMinor: 5_000,
    });
    const mine = local({
      payments: [
        { paymentId: 'p1', collectedMinor: 2_000, refundedMinor: 0, cancelled: false },
        { paymentId: 'p3', collectedMinor: 100, refundedMinor: 0, cancelled: true },
      ],
    });
    const kinds = compareOrders([mine], new Map([['o1', core]])).map((d) => [
      d.kind,
      d.paymentId,
      d.counter,
      d.core,
    ]);
    expect(kinds).toEqual([
      ['COLLECTED_DIFFERS', null, 2_000, 5_000],
      ['REFUNDED_DIFFERS', null, 0, 500],
      ['PAYMENT_REFUNDED_DIFFERS', 'p1', 0, 500],
      ['PAYMENT_MISSING_IN_CORE', 'p3', 100, null],
      ['PAYMENT_MISSING_ON_COUNTER', 'p2', null, 3_000],
    ]);
  });
});
