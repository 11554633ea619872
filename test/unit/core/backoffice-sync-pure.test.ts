/**
 * Pure parts of the back-office and sync APIs: the derived order status, end-of-day reconciliation, the sync
 * message contract the terminal shares, list cursors and the OpenAPI generator.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineRoute } from '../../../src-core/routing/contract';
import { buildOpenApiDocument } from '../../../src-core/routing/openapi';
import { decodeCursor, encodeCursor } from '../../../src-core/backoffice/queries';
import { reconcile } from '../../../src-core/sync/end-of-day';
import { ApiFailure } from '../../../src-core/routing/api-error';
import {
  applyOperation,
  createOrder,
  formatPaymentId,
  money,
  orderBalances,
  type Operation,
  type OperationBody,
  type OrderState,
  type Uuid,
} from '../../../src-shared';
import { deriveOrderStatus } from '../../../src-shared/backoffice-api';
import { SyncMessageSchema } from '../../../src-shared/sync-protocol';

/* eslint-disable @typescript-eslint/no-explicit-any -- the generated document is read as JSON */
const eur = (n: number) => money(n, 'EUR');
let n = 0;
const opId = () => `01890a5d-ac96-774b-bcce-${String(n++).padStart(12, '0')}` as Uuid;
const P1 = formatPaymentId(1000, 1);
const P2 = formatPaymentId(1000, 2);

function order(total: number | null, ops: Array<[string, OperationBody]>): OrderState {
  const created = createOrder({ orderId: 'o', currency: 'EUR', total: total === null ? null : eur(total) });
  if (!created.ok) throw new Error(created.error.message);
  let state = created.value;
  for (const [paymentId, body] of ops) {
    const r = applyOperation(state, {
      ...body,
      id: opId(),
      paymentId,
      channel: 'IN_STORE',
      occurredAt: new Date(0).toISOString(),
    } as Operation);
    if (!r.ok) throw new Error(r.error.message);
    state = r.value;
  }
  return state;
}

describe('derived order status', () => {
  it('names where an order stands, first match wins', () => {
    expect(deriveOrderStatus(order(1_000, []))).toBe('PENDING');
    expect(
      deriveOrderStatus(
        order(1_000, [[P1, { kind: 'DECLINE', amount: eur(1_000), reason: 'CARD_DECLINED' }]]),
      ),
    ).toBe('DECLINED');
    expect(
      deriveOrderStatus(
        order(1_000, [[P1, { kind: 'AUTHORISATION', mode: 'PRE_AUTHORIZATION', amount: eur(1_000) }]]),
      ),
    ).toBe('AUTHORISED');
    expect(deriveOrderStatus(order(1_000, [[P1, { kind: 'SALE', amount: eur(300) }]]))).toBe(
      'PARTIALLY_PAID',
    );
    expect(deriveOrderStatus(order(null, [[P1, { kind: 'SALE', amount: eur(300) }]]))).toBe('PAID');
    const paid: Array<[string, OperationBody]> = [
      [P1, { kind: 'SALE', amount: eur(300) }],
      [P2, { kind: 'SALE', amount: eur(700) }],
    ];
    expect(deriveOrderStatus(order(1_000, paid))).toBe('PAID');
    expect(deriveOrderStatus(order(1_000, [...paid, [P2, { kind: 'REFUND', amount: eur(100) }]]))).toBe(
      'PARTIALLY_REFUNDED',
    );
    expect(
      deriveOrderStatus(
        order(1_000, [
          ...paid,
          [P2, { kind: 'REFUND', amount: eur(700) }],
          [P1, { kind: 'PAYOUT', amount: eur(300) }],
        ]),
      ),
    ).toBe('REFUNDED');
    expect(deriveOrderStatus(order(1_000, [...paid, [P1, { kind: 'CHARGEBACK', amount: eur(300) }]]))).toBe(
      'CHARGEBACKED',
    );
    expect(
      deriveOrderStatus(
        order(1_000, [
          [P1, { kind: 'SALE', amount: eur(300) }],
          [P1, { kind: 'CANCEL' }],
        ]),
      ),
    ).toBe('CANCELLED');
  });

  it('agrees with the balances for any sequence of sales, refunds, payouts and chargebacks (property)', () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('SALE' as const), amount: fc.integer({ min: 1, max: 5_000 }) }),
      fc.record({ kind: fc.constant('REFUND' as const), amount: fc.integer({ min: 1, max: 5_000 }) }),
      fc.record({ kind: fc.constant('PAYOUT' as const), amount: fc.integer({ min: 1, max: 5_000 }) }),
      fc.record({ kind: fc.constant('CHARGEBACK' as const), amount: fc.integer({ min: 1, max: 5_000 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 12 }), (steps) => {
        const created = createOrder({ orderId: 'o', currency: 'EUR', total: null });
        if (!created.ok) return;
        let state = created.value;
        let seq = 10;
        let last = formatPaymentId(1000, seq);
        for (const s of steps) {
          const paymentId = s.kind === 'SALE' ? formatPaymentId(1000, ++seq) : last;
          const r = applyOperation(state, {
            kind: s.kind,
            amount: eur(s.amount),
            id: opId(),
            paymentId,
            channel: 'ONLINE',
            occurredAt: new Date(0).toISOString(),
          } as Operation);
          if (r.ok) {
            state = r.value;
            if (s.kind === 'SALE') last = paymentId;
          }
        }
        const b = orderBalances(state);
        const status = deriveOrderStatus(state);
        const returned = b.refunded.amountMinor + b.paidOut.amountMinor;
        if (status === 'REFUNDED') expect(b.refundable.amountMinor === 0 && returned > 0).toBe(true);
        if (status === 'PAID') expect(returned === 0 && b.collected.amountMinor > 0).toBe(true);
        if (status === 'PENDING') expect(state.payments).toHaveLength(0);
        if (b.chargedBack.amountMinor > 0) expect(status).toBe('CHARGEBACKED');
      }),
    );
  });
});

describe('end-of-day reconciliation', () => {
  const t = (method: 'CARD' | 'CASH', sales: number) => ({
    currency: 'EUR' as const,
    method,
    salesMinor: sales,
    voidsMinor: 0,
    refundsMinor: 0,
    paymentCount: 1,
  });
  it('matches per currency and method, and shows a side the other does not have as zero', () => {
    const r = reconcile([t('CARD', 500), t('CASH', 100)], [t('CARD', 500)]);
    expect(r).toEqual([
      expect.objectContaining({ method: 'CARD', matches: true }),
      expect.objectContaining({
        method: 'CASH',
        matches: false,
        core: { salesMinor: 0, voidsMinor: 0, refundsMinor: 0, paymentCount: 0 },
      }),
    ]);
  });
});

describe('sync message contract', () => {
  const base = {
    messageId: '01890a5d-ac96-774b-bcce-b302099a8057',
    seq: 1,
    occurredAt: '2026-01-02T10:00:00.000Z',
  };
  const payment = {
    ...base,
    kind: 'PAYMENT_RECORDED',
    orderId: '01890a5d-ac96-774b-bcce-b302099a8058',
    paymentId: P1,
    operationId: '01890a5d-ac96-774b-bcce-b302099a8059',
    method: 'CARD',
    result: { kind: 'SALE', amount: { amountMinor: 100, currency: 'EUR' } },
    card: { brand: 'VISA', last4: '4675', token: 'tok' },
  };
  it('accepts a card payment and refuses the ways it can be incomplete', () => {
    expect(SyncMessageSchema.safeParse(payment).success).toBe(true);
    expect(SyncMessageSchema.safeParse({ ...payment, card: null }).success).toBe(false);
    expect(SyncMessageSchema.safeParse({ ...payment, method: 'CASH' }).success).toBe(false);
    expect(
      SyncMessageSchema.safeParse({ ...payment, storeCard: true, card: { brand: 'VISA', last4: '4675' } })
        .success,
    ).toBe(false);
    expect(
      SyncMessageSchema.safeParse({ ...payment, card: { brand: 'VISA', last4: '4330264936344675' } }).success,
    ).toBe(false);
    expect(
      SyncMessageSchema.safeParse({
        ...payment,
        result: { kind: 'SALE', amount: { amountMinor: 0, currency: 'EUR' } },
      }).success,
    ).toBe(false);
  });
});

describe('list cursors', () => {
  it('round-trip, and anything else is REQUEST_INVALID on query.cursor', () => {
    const c = { recordedAt: '2026-01-02T10:00:00.123Z', id: '01890a5d-ac96-774b-bcce-b302099a8057' };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
    for (const bad of [
      'x',
      encodeCursor({ recordedAt: 'never', id: c.id }),
      Buffer.from('[1,2]').toString('base64url'),
    ]) {
      try {
        decodeCursor(bad);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(ApiFailure);
        expect((e as ApiFailure).propertyName).toBe('query.cursor');
      }
    }
  });
});

describe('OpenAPI generator', () => {
  it('turns a route declaration into parameters, a body, an answer and error responses by status', () => {
    const route = defineRoute({
      method: 'POST',
      path: '/x/{id}',
      operationId: 'doX',
      tag: 'T',
      summary: 'Do x',
      auth: 'merchant',
      params: z.object({ id: z.string() }),
      query: z.object({ n: z.coerce.number().int().default(1), q: z.string() }),
      body: z.object({ a: z.number() }),
      answer: { status: 201, schema: z.object({ ok: z.boolean() }), description: 'done' },
      errors: ['PAYMENT_NOT_FOUND', 'REFUND_ORDER_LOCKED'],
      idempotent: true,
      handler: async () => ({ ok: true }),
    });
    const doc = buildOpenApiDocument([route], { title: 't', version: '1', description: 'd' }) as any;
    const op = doc.paths['/x/{id}'].post;
    expect(op.parameters.map((p: any) => [p.name, p.in, p.required])).toEqual([
      ['id', 'path', true],
      ['n', 'query', false],
      ['q', 'query', true],
      ['Date', 'header', true],
      ['X-GCS-Idempotence-Key', 'header', false],
    ]);
    expect(op.requestBody.content['application/json'].schema.required).toEqual(['a']);
    expect(Object.keys(op.responses).sort()).toEqual([
      '201',
      '400',
      '401',
      '403',
      '404',
      '409',
      '500',
      '503',
    ]);
    expect(op.responses['409'].description).toContain('REFUND_ORDER_LOCKED');
    expect(op.security).toEqual([{ merchantKey: [] }]);
  });
});
