/**
 * TEST ONLY. `COUNTER_TEST_ONLY_PAUSE_AFTER_ACQUIRER=AUTHORISE,REFUND,…` (journal kinds) makes a core process
 * stop dead after the acquirer answered a call of one of those kinds and before the answer is recorded in the
 * ledger, and say so in its log, so a test can `kill -9` it exactly there and prove that reconciliation after
 * a restart records the payment once (test/integration/core/crash-recovery.test.ts). Read only by the tests'
 * entry point (core-main.ts); production's src-core/main.ts does not contain it.
 */
import type { AcquirerAnswer, JournalEntry, JournalIntent } from '../../src-core/journal/entries';
import type { JournalLog } from '../../src-core/journal/log';

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

export const TEST_ONLY_PAUSE_BEFORE_JOURNAL_ENV = 'COUNTER_TEST_ONLY_PAUSE_BEFORE_JOURNAL';
export const TEST_ONLY_PAUSE_BEFORE_JOURNAL_MESSAGE = 'TEST ONLY: paused before writing the journal row';

/**
 * TEST ONLY. `COUNTER_TEST_ONLY_PAUSE_BEFORE_JOURNAL=REFUND,…` stops a request of those kinds dead after it
 * claimed its idempotence key and before its journal row is written (nothing asked of the acquirer yet), so
 * a test can `kill -9` the process there and prove the key frees within seconds
 * (test/integration/core/claim-liveness.test.ts).
 */
export function testOnlyPauseBeforeJournal(
  value: string | undefined,
):
  | ((
      intent: Pick<JournalIntent, 'kind' | 'merchantId' | 'paymentId' | 'requestKey'>,
      log: JournalLog,
    ) => Promise<void>)
  | undefined {
  const kinds = new Set(
    (value ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean),
  );
  if (kinds.size === 0) return undefined;
  return async (intent, log) => {
    if (!kinds.has(intent.kind)) return;
    log.warn({ kind: intent.kind, paymentId: intent.paymentId }, TEST_ONLY_PAUSE_BEFORE_JOURNAL_MESSAGE);
    await new Promise<never>(() => undefined);
  };
}
