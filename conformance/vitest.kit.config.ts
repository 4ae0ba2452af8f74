// The configuration `session-kit conformance` runs the suites with: the suites only, one file after another (one
// deployment, one clock), all in one worker so the contracts are loaded and compiled once per run.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['conformance/**/*.test.ts'],
    globalSetup: ['conformance/harness/reference-server.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
    isolate: false,
  },
});
