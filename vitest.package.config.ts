// `npm run test:package`: packs the package, installs the tarball from the npm registry into an empty folder and runs
// it as an integrator would. It needs the registry and takes minutes, so it is not part of `npm test`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/package/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 600_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
