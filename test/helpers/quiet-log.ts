/** A journal log that says nothing: for tests that build the journal themselves and assert on results. */
import type { JournalLog } from '../../src-core/journal/log';

export const quiet: JournalLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
