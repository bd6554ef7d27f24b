import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // End-to-end tests start real processes and servers; two cores cannot run many at once.
    maxWorkers: 2,
    // A throwaway PostgreSQL cluster when it is installed: the storage tests run on both engines.
    // One temporary folder for the run's databases, removed at its end.
    globalSetup: ['test/helpers/scratch-global-setup.ts', 'test/helpers/catalogs-global-setup.ts', 'test/helpers/pg-global-setup.ts'],
  },
});
