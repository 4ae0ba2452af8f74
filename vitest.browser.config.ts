import { defineConfig } from 'vitest/config';

// The console's browser test (npm run test:browser): Debian's chromium driven by playwright-core against the built
// server. Its own config so `npm test` never needs a browser; the file name (*.browser.ts) keeps it out of the
// default run's *.test.ts too.
export default defineConfig({
  test: {
    include: ['test/browser/**/*.browser.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
