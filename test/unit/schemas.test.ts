import { describe, expect, it } from 'vitest';
import {
  MoneySchema,
  OperationSchema,
  PaymentIdSchema,
  PositiveMoneySchema,
  formatPaymentId,
} from '../../src-shared';

describe('ledger DTO schemas', () => {
  it('parses an operation from JSON into the ledger type', () => {
    const wire = {
      kind: 'REFUND',
      amount: { amountMinor: 1250, currency: 'EUR' },
      id: '0190F0E0-0000-7000-8000-000000000001',
      paymentId: formatPaymentId(1_000, 3),
      channel: 'IN_STORE',
      occurredAt: '2026-11-21T10:00:00+01:00',
    };
    expect(OperationSchema.parse(wire)).toEqual({ ...wire, id: wire.id.toLowerCase() });
  });

  it('rejects bad fields with messages a caller can act on', () => {
    const r = PaymentIdSchema.safeParse('123');
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toContain('it has 3 digits instead of 19');
    expect(MoneySchema.safeParse({ amountMinor: 12.5, currency: 'EUR' }).error?.issues[0]?.message).toContain(
      'whole number of minor units',
    );
    expect(MoneySchema.safeParse({ amountMinor: 1, currency: 'EURO' }).error?.issues[0]?.message).toContain(
      "unknown currency 'EURO'",
    );
    expect(PositiveMoneySchema.safeParse({ amountMinor: 0, currency: 'EUR' }).error?.issues[0]).toMatchObject(
      {
        path: ['amountMinor'],
        message: 'amount must be greater than zero; got 0.00 EUR',
      },
    );
    const unknownKind = OperationSchema.safeParse({
      kind: 'STEAL',
      id: 'x',
      paymentId: 'y',
      channel: 'ONLINE',
    });
    expect(unknownKind.success).toBe(false);
  });
});
