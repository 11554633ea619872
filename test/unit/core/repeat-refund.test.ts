/**
 * The double-refund rule judged on a loaded order (`repeatedMoneyBackIn`, the refund path's form of it): the
 * newest refund (or payout) of the same amount and currency within the window, by the database clock given.
 */
import { describe, expect, it } from 'vitest';
import { money, type Channel, type Uuid } from '../../../src-shared';
import type { StoredOperation } from '../../../src-core/ledger/rows';
import { repeatedMoneyBackIn } from '../../../src-core/ledger/repeat-refund';

const PAYMENT = '1000001000000000018';
let seq = 0;
function op(
  kind: 'SALE' | 'REFUND' | 'PAYOUT',
  amountMinor: number,
  recordedAt: string,
  channel: Channel = 'ONLINE',
  currency = 'EUR',
): StoredOperation {
  seq++;
  return {
    operation: {
      kind,
      amount: money(amountMinor, currency),
      id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}` as Uuid,
      paymentId: PAYMENT,
      channel,
      occurredAt: recordedAt,
    } as StoredOperation['operation'],
    orderId: '00000000-0000-4000-8000-000000000000' as Uuid,
    merchantId: 'M1',
    orderSeq: seq,
    paymentSeq: seq - 1,
    terminalId: null,
    storeId: null,
    feedPos: null,
    merchantReference: null,
    operatorId: null,
    recordedAt,
  };
}

const NOW = '2026-11-26T12:10:00.000Z';
const TEN_MINUTES = 600_000;

describe('the repeat-refund rule on a loaded order', () => {
  it('finds the newest equal refund inside the window and names it', () => {
    const ops = [
      op('SALE', 10_000, '2026-11-26T12:00:00.000Z'),
      op('REFUND', 500, '2026-11-26T12:01:00.000Z', 'IN_STORE'),
      op('REFUND', 500, '2026-11-26T12:05:00.000Z', 'BACK_OFFICE'),
      op('REFUND', 700, '2026-11-26T12:06:00.000Z'),
    ];
    const earlier = repeatedMoneyBackIn(ops, 'REFUND', money(500, 'EUR'), TEN_MINUTES, NOW);
    expect(earlier).toMatchObject({
      kind: 'REFUND',
      channel: 'BACK_OFFICE',
      recordedAt: '2026-11-26T12:05:00.000Z',
      wireId: `${PAYMENT}_${ops[2]!.paymentSeq}`,
    });
  });

  it('lets through another amount, another currency, a payout of a refunded amount, and one past the window', () => {
    const ops = [
      op('REFUND', 500, '2026-11-26T12:00:00.000Z'),
      op('REFUND', 500, '2026-11-26T12:09:00.000Z', 'ONLINE', 'USD'),
    ];
    expect(repeatedMoneyBackIn(ops, 'REFUND', money(600, 'EUR'), TEN_MINUTES, NOW)).toBeNull();
    expect(repeatedMoneyBackIn(ops, 'PAYOUT', money(500, 'EUR'), TEN_MINUTES, NOW)).toBeNull();
    // Recorded exactly one window ago: outside it (the rule is "less than the window ago").
    expect(repeatedMoneyBackIn(ops, 'REFUND', money(500, 'EUR'), TEN_MINUTES, NOW)).toBeNull();
    expect(repeatedMoneyBackIn(ops, 'REFUND', money(500, 'EUR'), TEN_MINUTES + 1, NOW)).not.toBeNull();
    expect(repeatedMoneyBackIn(ops, 'REFUND', money(500, 'EUR'), 0, NOW)).toBeNull();
  });
});
