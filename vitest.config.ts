import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The machines have 2 cores; the suites start servers, so keep the pool small.
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        // test/package/ packs and installs from the npm registry: its own script, npm run test:package.
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, 'test/package/**'] },
      },
      {
        extends: true,
        test: {
          name: 'conformance',
          include: ['conformance/**/*.test.ts'],
          globalSetup: ['conformance/harness/reference-server.ts'],
          // One deployment, one clock: files run one after another so no suite moves time under another.
          fileParallelism: false,
        },
      },
    ],
  },
});
