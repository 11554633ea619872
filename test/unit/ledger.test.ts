import { describe, expect, it } from 'vitest';
import {
  applyOperation,
  createOrder,
  formatPaymentId,
  money,
  orderBalances,
  orderTokens,
  replayOperations,
  toOrderDto,
  OrderDtoSchema,
  type Channel,
  type OperationBody,
  type OrderState,
  type PaymentId,
  type Uuid,
} from '../../src-shared';

const eur = (amountMinor: number) => money(amountMinor, 'EUR');
const inStorePayment = formatPaymentId(1_000, 7);
const onlinePayment = formatPaymentId(1, 42);
let n = 0;

function apply(order: OrderState, paymentId: PaymentId, body: OperationBody, channel: Channel = 'ONLINE') {
  n += 1;
  return applyOperation(order, {
    ...body,
    id: `01900000-0000-7000-8000-${String(n).padStart(12, '0')}` as Uuid,
    paymentId,
    channel,
    occurredAt: '2026-11-21T10:00:00.000Z',
  });
}

function must(order: OrderState, paymentId: PaymentId, body: OperationBody, channel?: Channel): OrderState {
  const r = apply(order, paymentId, body, channel);
  if (!r.ok) throw new Error(`${body.kind} refused: ${r.error.code} ${r.error.message}`);
  return r.value;
}

function refusal(order: OrderState, paymentId: PaymentId, body: OperationBody) {
  const r = apply(order, paymentId, body);
  if (r.ok) throw new Error(`${body.kind} was accepted`);
  return r.error;
}

function newOrder(total: number | null): OrderState {
  const r = createOrder({ orderId: 'ord-1', currency: 'EUR', total: total === null ? null : eur(total) });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('the omnichannel story: deposit in store, remainder online, refund after a return', () => {
  it('tracks balance due, refundable amounts and refusals across both channels', () => {
    let order = newOrder(100_00);
    order = must(order, inStorePayment, { kind: 'SALE', amount: eur(30_00) }, 'IN_STORE');
    expect(orderBalances(order).balanceDue).toEqual(eur(70_00));

    // Charging more than is due is refused with the numbers a cashier needs.
    const over = refusal(order, onlinePayment, { kind: 'SALE', amount: eur(80_00) });
    expect(over.code).toBe('ORDER_AMOUNT_EXCEEDED');
    expect(over.message).toBe(
      'Cannot charge 80.00 EUR: the order total is 100.00 EUR and 70.00 EUR is still due.',
    );

    order = must(order, onlinePayment, { kind: 'SALE', amount: eur(70_00) });
    let b = orderBalances(order);
    expect(b.balanceDue).toEqual(eur(0));
    expect(b.collected).toEqual(eur(100_00));
    expect(b.initialPaymentId).toBe(inStorePayment);

    // Refund the online part in two steps, then the in-store part at the counter.
    order = must(order, onlinePayment, { kind: 'REFUND', amount: eur(50_00) });
    order = must(order, onlinePayment, { kind: 'REFUND', amount: eur(20_00) });
    expect(refusal(order, onlinePayment, { kind: 'REFUND', amount: eur(1) }).code).toBe(
      'REFUND_EXCEEDS_REFUNDABLE',
    );
    order = must(order, inStorePayment, { kind: 'REFUND', amount: eur(30_00) }, 'IN_STORE');
    b = orderBalances(order);
    expect(b.refundable).toEqual(eur(0));
    expect(b.payments.get(onlinePayment)?.status).toBe('REFUNDED');
    expect(b.payments.get(inStorePayment)?.status).toBe('REFUNDED');
    const dto = toOrderDto(order);
    expect(OrderDtoSchema.parse(JSON.parse(JSON.stringify(dto)))).toEqual(dto);
    expect(dto.payments.map((p) => [p.role, p.channel])).toEqual([
      ['INITIAL', 'IN_STORE'],
      ['SUBSEQUENT', 'ONLINE'],
    ]);
  });

  it('pays out beyond one payment, capped by what the whole order collected', () => {
    let order = newOrder(null);
    order = must(order, inStorePayment, { kind: 'SALE', amount: eur(30_00) }, 'IN_STORE');
    order = must(order, onlinePayment, { kind: 'SALE', amount: eur(70_00) });
    expect(refusal(order, inStorePayment, { kind: 'REFUND', amount: eur(40_00) }).code).toBe(
      'REFUND_EXCEEDS_REFUNDABLE',
    );
    order = must(order, inStorePayment, { kind: 'PAYOUT', amount: eur(40_00) });
    const e = refusal(order, inStorePayment, { kind: 'PAYOUT', amount: eur(60_01) });
    expect(e.code).toBe('PAYOUT_EXCEEDS_COLLECTED');
    expect(e.message).toContain('60.00 EUR has not been paid back yet');
    // The online payment alone still holds 70.00, but the order only 60.00 after the payout.
    expect(orderBalances(order).payments.get(onlinePayment)?.refundable).toEqual(eur(60_00));
    expect(refusal(order, onlinePayment, { kind: 'REFUND', amount: eur(60_01) }).code).toBe(
      'REFUND_EXCEEDS_REFUNDABLE',
    );
  });
});

describe('authorisations', () => {
  it('captures partially and multiply, and a final capture releases the rest', () => {
    let order = newOrder(null);
    order = must(order, onlinePayment, {
      kind: 'AUTHORISATION',
      mode: 'PRE_AUTHORIZATION',
      amount: eur(100_00),
    });
    expect(refusal(order, onlinePayment, { kind: 'REFUND', amount: eur(1) }).code).toBe('NOTHING_CAPTURED');
    order = must(order, onlinePayment, { kind: 'CAPTURE', amount: eur(30_00), isFinal: false });
    order = must(order, onlinePayment, { kind: 'AUTHORISATION_REVERSAL', amount: eur(10_00) });
    let p = orderBalances(order).payments.get(onlinePayment);
    expect(p?.remainingFloat).toEqual(eur(60_00));
    expect(p?.status).toBe('PARTIALLY_CAPTURED');
    expect(refusal(order, onlinePayment, { kind: 'CAPTURE', amount: eur(60_01), isFinal: false }).code).toBe(
      'CAPTURE_EXCEEDS_AUTHORISED',
    );
    order = must(order, onlinePayment, { kind: 'CAPTURE', amount: eur(20_00), isFinal: true });
    p = orderBalances(order).payments.get(onlinePayment);
    expect(p).toMatchObject({
      captured: eur(50_00),
      reversed: eur(50_00),
      remainingFloat: eur(0),
      status: 'CAPTURED',
    });
    expect(refusal(order, onlinePayment, { kind: 'CAPTURE', amount: eur(1), isFinal: false }).code).toBe(
      'AUTHORISATION_CLOSED',
    );
  });

  it('cancels a payment whole: the float is released, captured money voided, nothing after', () => {
    let order = newOrder(null);
    order = must(order, onlinePayment, {
      kind: 'AUTHORISATION',
      mode: 'FINAL_AUTHORIZATION',
      amount: eur(80_00),
    });
    order = must(order, onlinePayment, { kind: 'CAPTURE', amount: eur(30_00), isFinal: false });
    order = must(order, onlinePayment, { kind: 'TOKEN_CREATE', tokenId: 'tok-1' });
    order = must(order, onlinePayment, { kind: 'CANCEL' });
    const p = orderBalances(order).payments.get(onlinePayment);
    expect(p).toMatchObject({
      status: 'CANCELLED',
      collected: eur(0),
      voided: eur(30_00),
      remainingFloat: eur(0),
    });
    expect(refusal(order, onlinePayment, { kind: 'REFUND', amount: eur(1) }).code).toBe('PAYMENT_CANCELLED');
    expect(refusal(order, onlinePayment, { kind: 'CANCEL' }).code).toBe('PAYMENT_CANCELLED');
    // Deleting the stored card must stay possible after a cancel.
    order = must(order, onlinePayment, { kind: 'TOKEN_DELETE', tokenId: 'tok-1' });
    expect(orderTokens(order)).toEqual([{ tokenId: 'tok-1', deleted: true }]);
    expect(refusal(order, onlinePayment, { kind: 'TOKEN_USE', tokenId: 'tok-1' }).code).toBe(
      'PAYMENT_CANCELLED',
    );
  });

  it('refuses to cancel once money went back', () => {
    let order = newOrder(null);
    order = must(order, onlinePayment, { kind: 'SALE', amount: eur(10_00) });
    order = must(order, onlinePayment, { kind: 'REFUND', amount: eur(1_00) });
    const e = refusal(order, onlinePayment, { kind: 'CANCEL' });
    expect(e.code).toBe('CANCEL_NOT_POSSIBLE');
    expect(e.message).toContain('it already has refunds');
  });
});

describe('chargebacks and rebills', () => {
  it('charges back at most what is held, reverses at most what is charged back, rebills on top', () => {
    let order = newOrder(null);
    order = must(order, onlinePayment, { kind: 'SALE', amount: eur(100_00) });
    order = must(order, onlinePayment, { kind: 'REFUND', amount: eur(40_00) });
    expect(refusal(order, onlinePayment, { kind: 'CHARGEBACK', amount: eur(60_01) }).code).toBe(
      'CHARGEBACK_EXCEEDS_AVAILABLE',
    );
    order = must(order, onlinePayment, { kind: 'CHARGEBACK', amount: eur(60_00) }, 'BACK_OFFICE');
    expect(orderBalances(order).payments.get(onlinePayment)?.status).toBe('CHARGEBACKED');
    expect(refusal(order, onlinePayment, { kind: 'CHARGEBACK_REVERSAL', amount: eur(60_01) }).code).toBe(
      'CHARGEBACK_REVERSAL_EXCEEDS_CHARGEBACK',
    );
    order = must(order, onlinePayment, { kind: 'CHARGEBACK_REVERSAL', amount: eur(60_00) }, 'BACK_OFFICE');
    order = must(order, onlinePayment, { kind: 'REBILL', amount: eur(20_00) }, 'BACK_OFFICE');
    const b = orderBalances(order);
    expect(b.collected).toEqual(eur(120_00));
    expect(b.refundable).toEqual(eur(80_00));
  });

  it('refuses a rebill on a payment with nothing captured', () => {
    let order = newOrder(null);
    order = must(order, onlinePayment, {
      kind: 'AUTHORISATION',
      mode: 'PRE_AUTHORIZATION',
      amount: eur(10_00),
    });
    expect(refusal(order, onlinePayment, { kind: 'REBILL', amount: eur(1_00) }).code).toBe(
      'REBILL_NOT_POSSIBLE',
    );
  });
});

describe('declined attempts and currencies', () => {
  it('records a declined attempt that holds no money and accepts nothing further', () => {
    let order = newOrder(50_00);
    order = must(order, onlinePayment, { kind: 'DECLINE', amount: eur(50_00), reason: 'INSUFFICIENT_FUNDS' });
    const b = orderBalances(order);
    expect(b.payments.get(onlinePayment)?.status).toBe('DECLINED');
    expect(b.balanceDue).toEqual(eur(50_00));
    expect(b.initialPaymentId).toBeNull();
    expect(refusal(order, onlinePayment, { kind: 'REFUND', amount: eur(1) }).code).toBe(
      'PAYMENT_NOT_SUCCESSFUL',
    );
    order = must(order, inStorePayment, { kind: 'SALE', amount: eur(50_00) }, 'IN_STORE');
    expect(orderBalances(order).initialPaymentId).toBe(inStorePayment);
  });

  it('never mixes currencies', () => {
    const order = must(newOrder(null), onlinePayment, { kind: 'SALE', amount: eur(10_00) });
    const e = refusal(order, onlinePayment, { kind: 'REFUND', amount: money(5_00, 'USD') });
    expect(e.code).toBe('CURRENCY_MISMATCH');
    expect(e.message).toContain('USD does not match EUR');
    expect(createOrder({ orderId: 'x', currency: 'EUR', total: money(1, 'JPY') })).toMatchObject({
      ok: false,
      error: { code: 'CURRENCY_MISMATCH' },
    });
  });

  it('reports a sum beyond the safe-integer range as an error value, not an exception', () => {
    let order = newOrder(null);
    order = must(order, onlinePayment, { kind: 'SALE', amount: eur(Number.MAX_SAFE_INTEGER) });
    const r = apply(order, inStorePayment, { kind: 'SALE', amount: eur(1) });
    expect(r).toMatchObject({ ok: false, error: { code: 'AMOUNT_NOT_SAFE_INTEGER' } });
  });
});

describe('replay', () => {
  it('rebuilds an order from stored operations and names the first one that breaks a rule', () => {
    let order = newOrder(null);
    order = must(order, onlinePayment, { kind: 'SALE', amount: eur(10_00) });
    order = must(order, onlinePayment, { kind: 'REFUND', amount: eur(4_00) });
    const ops = order.payments.flatMap((p) => p.operations);
    const rebuilt = replayOperations(newOrder(null), ops);
    expect(rebuilt.ok && orderBalances(rebuilt.value).refundable).toEqual(eur(6_00));
    const tampered = [
      ...ops,
      { ...ops[1]!, id: 'ffffffff-0000-7000-8000-000000000000' as Uuid, amount: eur(7_00) },
    ];
    const r = replayOperations(newOrder(null), tampered);
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'REFUND_EXCEEDS_REFUNDABLE', operationId: 'ffffffff-0000-7000-8000-000000000000' },
    });
  });
});
