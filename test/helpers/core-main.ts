/**
 * The core process as tests start it (core-process.ts): `npm run core`'s entry plus the test-only pauses
 * read from the environment (pause-hooks.ts), which production's src-core/main.ts does not contain.
 */
import { exitWith, runCore } from '../../src-core/run-core';
import {
  TEST_ONLY_PAUSE_BEFORE_JOURNAL_ENV,
  TEST_ONLY_PAUSE_ENV,
  testOnlyPauseAfterAcquirer,
  testOnlyPauseBeforeJournal,
} from './pause-hooks';

exitWith(
  runCore(process.argv.slice(2), {
    afterAcquirerAnswer: testOnlyPauseAfterAcquirer(process.env[TEST_ONLY_PAUSE_ENV]),
    beforeJournalRow: testOnlyPauseBeforeJournal(process.env[TEST_ONLY_PAUSE_BEFORE_JOURNAL_ENV]),
  }),
);
