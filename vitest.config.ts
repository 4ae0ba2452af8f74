import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'conformance/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The machines have 2 cores; the suites start servers, so keep the pool small.
    pool: 'forks',
    maxWorkers: 2,
  },
});
