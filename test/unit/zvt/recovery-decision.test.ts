import { describe, expect, test } from 'vitest';
import { decideRecovery } from '../../../src-main/zvt/session/recovery';

const approval = { resultCode: 0, receiptNumber: '0042' };

describe('recovery verdicts (P15 §2.2.8: booked only after the ECR acknowledged the 04 0F)', () => {
  test('the terminal’s last receipt is the approval we saw → went through', () => {
    const d = decideRecovery({
      seenApproval: approval,
      approvalAcknowledged: true,
      baselineReceipt: '0041',
      last: { kind: 'transaction', details: { resultCode: 0, receiptNumber: '0042' } },
    });
    expect(d.verdict).toBe('went-through');
  });

  test('approval seen and acknowledged, but the last receipt is older → the terminal reversed it', () => {
    const d = decideRecovery({
      seenApproval: approval,
      approvalAcknowledged: true,
      baselineReceipt: undefined,
      last: { kind: 'transaction', details: { resultCode: 0, receiptNumber: '0041' } },
    });
    expect(d).toMatchObject({ verdict: 'did-not-go-through', basis: expect.stringContaining('reversed') });
  });

  test('no approval reached us and nothing new is booked → did not go through', () => {
    expect(
      decideRecovery({
        approvalAcknowledged: false,
        baselineReceipt: '0041',
        last: { kind: 'transaction', details: { receiptNumber: '0041' } },
      }).verdict,
    ).toBe('did-not-go-through');
    expect(
      decideRecovery({ approvalAcknowledged: false, baselineReceipt: null, last: { kind: 'none' } }).verdict,
    ).toBe('did-not-go-through');
  });

  test('no approval reached us but the terminal booked a receipt we never saw → undetermined, never declined', () => {
    const d = decideRecovery({
      approvalAcknowledged: false,
      baselineReceipt: '0041',
      last: { kind: 'transaction', details: { resultCode: 0, receiptNumber: '0043' } },
    });
    expect(d.verdict).toBe('undetermined');
  });
});
