// A vitest reporter for scripts/test.mjs: writes the run's unhandled errors (those outside any test) to the
// file named by COUNTER_VITEST_UNHANDLED, so the test runner can tell vitest 3's worker RPC timeout from a
// real crash (docs/decisions.md "Vitest's worker RPC timeout").
import { writeFileSync } from 'node:fs';

export default class UnhandledErrorsReporter {
  onFinished(_files, errors = []) {
    const out = process.env.COUNTER_VITEST_UNHANDLED;
    if (!out) return;
    const shown = errors.map((e) => ({
      name: e && typeof e === 'object' && 'name' in e ? String(e.name) : 'Error',
      message: e && typeof e === 'object' && 'message' in e ? String(e.message) : String(e),
    }));
    writeFileSync(out, JSON.stringify(shown));
  }
}
