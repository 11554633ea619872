import { describe, expect, it } from 'vitest';
import {
  applySettingsChange,
  coreUrlProblem,
  counterSettings,
  settingsProblems,
  type CounterSettings,
} from '../../src-main/checkout/counter-settings';
import { orderStatus } from '../../src-main/checkout/order-views';
import { money, orderBalances, type Operation, type OrderState, type PaymentId } from '../../src-shared';

describe('counter settings rules', () => {
  it('the core URL: https anywhere, plain http only on this machine', () => {
    expect(coreUrlProblem('https://pay.example.com')).toBeNull();
    expect(coreUrlProblem('http://127.0.0.1:8080')).toBeNull();
    expect(coreUrlProblem('http://localhost:8080')).toBeNull();
    expect(coreUrlProblem('http://[::1]:8080')).toBeNull();
    expect(coreUrlProblem('http://10.0.0.5')).toMatch(/plain http is allowed only on this machine/);
    expect(coreUrlProblem('ftp://x')).toMatch(/use https/);
    expect(coreUrlProblem('not a url')).toMatch(/not a URL/);
    expect(coreUrlProblem('https://u:p@pay.example.com')).toMatch(/user name or password/);
  });

  it('names every problem of a change at once', () => {
    const base = counterSettings({
      db: { prepare: () => ({ get: () => undefined }) } as never,
    }) as CounterSettings;
    const after = applySettingsChange(base, {
      terminal: { serialPath: 'ttyUSB0', tcp: 'host' },
      offline: { perPaymentMaxMinor: 10, totalMaxMinor: 5, maxAgeHours: 0 },
      receiptHeader: ['a\u0007b', 'x'.repeat(65)],
    });
    expect(settingsProblems(after)).toEqual([
      'terminal.serialPath: give a serial device path such as /dev/ttyUSB0 or COM3',
      'terminal.tcp: give host:port, e.g. 192.168.1.50:20007',
      'offline.perPaymentMaxMinor: one offline payment cannot be more than the offline total',
      'offline.maxAgeHours: between 1 hour and 30 days (720)',
      'receiptHeader.0: at most 64 printable characters per line',
      'receiptHeader.1: at most 64 printable characters per line',
    ]);
    expect(settingsProblems(applySettingsChange(base, { terminal: { serialPath: 'COM3' } }))).toEqual([]);
  });
});

describe('order status', () => {
  const P = '1000000000000000017' as PaymentId;
  const op = (o: Partial<Operation> & Pick<Operation, 'kind'>): Operation =>
    ({
      id: crypto.randomUUID(),
      paymentId: P,
      channel: 'IN_STORE',
      occurredAt: '2026-12-03T08:00:00Z',
      ...o,
    }) as Operation;
  const order = (ops: Operation[], total = 10_000): OrderState => ({
    orderId: 'o',
    currency: 'EUR',
    total: money(total, 'EUR'),
    payments: ops.length ? [{ paymentId: P, channel: 'IN_STORE', operations: ops }] : [],
  });
  it('open, partly paid, paid, partly refunded, refunded, cancelled', () => {
    expect(orderStatus(orderBalances(order([])))).toBe('OPEN');
    const sale = op({ kind: 'SALE', amount: money(3_000, 'EUR') } as Operation);
    expect(orderStatus(orderBalances(order([sale])))).toBe('PARTIALLY_PAID');
    expect(orderStatus(orderBalances(order([sale], 3_000)))).toBe('PAID');
    const refund = op({ kind: 'REFUND', amount: money(1_000, 'EUR') } as Operation);
    expect(orderStatus(orderBalances(order([sale, refund], 3_000)))).toBe('PARTIALLY_REFUNDED');
    const rest = op({ kind: 'REFUND', amount: money(2_000, 'EUR') } as Operation);
    expect(orderStatus(orderBalances(order([sale, refund, rest], 3_000)))).toBe('REFUNDED');
    expect(orderStatus(orderBalances(order([sale, op({ kind: 'CANCEL' } as Operation)], 3_000)))).toBe(
      'CANCELLED',
    );
  });
});
