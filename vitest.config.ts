import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Integration suites start servers and databases; two cores on CI, so keep parallelism modest.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
