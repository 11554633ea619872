/**
 * Playwright's `test` with the whole system as a worker-scoped fixture: started once per worker (one worker
 * here: the build machines have two shared cores) and shared by every spec that asks for `sys`, so the suite
 * pays the core's start-up once. Tests must not depend on a fresh system: each starts from what it needs
 * (empties the basket, presents its card, clears terminal faults).
 */
import { test as base } from '@playwright/test';
import { startE2eSystem, type E2eSystem } from './system';

export { expect } from '@playwright/test';

export const test = base.extend<object, { sys: E2eSystem }>({
  sys: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from it
    async ({}, use) => {
      const sys = await startE2eSystem();
      try {
        await use(sys);
      } finally {
        await sys.stop();
      }
    },
    { scope: 'worker', timeout: 120_000 },
  ],
});
