/**
 * TEST ONLY. `COUNTER_TEST_ONLY_PAUSE_AFTER_ACQUIRER=AUTHORISE,REFUND,…` (journal kinds) makes a core process
 * stop dead after the acquirer answered a call of one of those kinds and before the answer is recorded in the
 * ledger, and say so in its log, so a test can `kill -9` it exactly there and prove that reconciliation after
 * a restart records the payment once (test/integration/core/crash-recovery.test.ts). Read only by the
 * composition root (main.ts); never set it in production: the paused request never answers.
 */
import type { AcquirerAnswer, JournalEntry } from './entries';
import type { JournalLog } from './journal';

export const TEST_ONLY_PAUSE_ENV = 'COUNTER_TEST_ONLY_PAUSE_AFTER_ACQUIRER';
export const TEST_ONLY_PAUSE_MESSAGE = 'TEST ONLY: paused after the acquirer answered, before recording';

export function testOnlyPauseAfterAcquirer(
  value: string | undefined,
): ((entry: JournalEntry, answer: AcquirerAnswer, log: JournalLog) => Promise<void>) | undefined {
  const kinds = new Set(
    (value ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean),
  );
  if (kinds.size === 0) return undefined;
  return async (entry, answer, log) => {
    if (!kinds.has(entry.kind)) return;
    log.warn(
      { journalId: entry.id, kind: entry.kind, paymentId: entry.paymentId, answer: answer.type },
      TEST_ONLY_PAUSE_MESSAGE,
    );
    // Until the test kills the process.
    await new Promise<never>(() => undefined);
  };
}
