/**
 * Pure pieces of the write-ahead acquirer journal: how an acquirer inquiry becomes an answer to record, the
 * message a caller gets for a money exception, and the test-only pause hook's switch.
 */
import { describe, expect, it } from 'vitest';
import { money } from '../../../src-shared';
import type { JournalEntry } from '../../../src-core/journal/entries';
import { moneyMovedNotRecorded } from '../../../src-core/journal/exceptions';
import { inquiryAnswer } from '../../../src-core/journal/journal';
import { testOnlyPauseAfterAcquirer, TEST_ONLY_PAUSE_MESSAGE } from '../../helpers/pause-hooks';

describe('write-ahead journal, pure parts', () => {
  it('turns what the acquirer knows about a reference into the answer to record', () => {
    expect(inquiryAnswer({ state: 'NOT_RECEIVED' })).toEqual({ type: 'NOT_RECEIVED' });
    expect(inquiryAnswer({ state: 'IN_PROGRESS' })).toMatchObject({ type: 'NO_ANSWER' });
    const result = { ok: true as const, acquirerReference: 'sbx-1' };
    expect(inquiryAnswer({ state: 'MOVEMENT', result })).toEqual({ type: 'MOVEMENT', result });
    const outcome = {
      outcome: 'DECLINED' as const,
      reason: 'ACQUIRER_TIMEOUT' as const,
      acquirerReference: 'sbx-2',
      card: null,
    };
    expect(inquiryAnswer({ state: 'AUTHORISATION', outcome })).toEqual({ type: 'AUTHORISATION', outcome });
  });

  it('tells the caller of a money exception what moved, where, why, and which exception to settle', () => {
    const e = moneyMovedNotRecorded({
      id: '01890a5d-ac96-774b-bcce-b302099a8057',
      kind: 'REFUND',
      amount: money(150_000, 'JPY'),
      paymentId: '1000001000000000018',
      source: 'TERMINAL',
      reason: 'Cannot refund 1,500 JPY on payment 1000001000000000018: 0 JPY is refundable.',
    });
    expect(e.code).toBe('MONEY_MOVED_NOT_RECORDED');
    expect(e.message).toContain(
      'A refund of 150000 JPY on payment 1000001000000000018 happened at the card terminal',
    );
    expect(e.message).toContain('money exception 01890a5d-ac96-774b-bcce-b302099a8057');
    expect(e.message).not.toContain('{');
    const whole = moneyMovedNotRecorded({
      id: 'x',
      kind: 'CANCEL',
      amount: null,
      paymentId: null,
      source: 'ACQUIRER',
      reason: null,
    });
    expect(whole.message).toContain(
      'A void of the whole payment on payment unknown happened at the acquirer',
    );
  });

  it('the test-only pause is off unless named, and stops only the kinds it names', async () => {
    expect(testOnlyPauseAfterAcquirer(undefined)).toBeUndefined();
    expect(testOnlyPauseAfterAcquirer(' , ')).toBeUndefined();
    const pause = testOnlyPauseAfterAcquirer('REFUND, PAYOUT')!;
    const logged: string[] = [];
    const log = {
      info: () => undefined,
      warn: (_o: object, m: string) => logged.push(m),
      error: () => undefined,
    };
    const entry = (kind: JournalEntry['kind']) => ({ id: 'j', kind, paymentId: 'p' }) as JournalEntry;
    await expect(pause(entry('CAPTURE'), { type: 'NOT_RECEIVED' }, log)).resolves.toBeUndefined();
    const outcome = await Promise.race([
      pause(entry('PAYOUT'), { type: 'NOT_RECEIVED' }, log).then(() => 'went on'),
      new Promise((r) => setTimeout(() => r('still paused'), 50)),
    ]);
    expect(outcome).toBe('still paused');
    expect(logged).toEqual([TEST_ONLY_PAUSE_MESSAGE]);
  });
});
