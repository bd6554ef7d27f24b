import { pgBinDir, startPgCluster, type PgCluster } from './pg-cluster.js';

/**
 * vitest globalSetup: when PostgreSQL is installed and FARMWATCH_TEST_PG_URL is unset, a throwaway cluster owned by
 * this test run (test/helpers/pg-cluster.ts), so `npm test` alone runs the storage tests on both engines; stopped and
 * removed in teardown. With FARMWATCH_TEST_PG_URL set, that server is used as is.
 */
let cluster: PgCluster | undefined;

export async function setup(): Promise<void> {
  if (process.env.FARMWATCH_TEST_PG_URL || !pgBinDir()) return;
  cluster = await startPgCluster();
  // Workers are started after global setup and inherit the environment.
  process.env.FARMWATCH_TEST_PG_URL = cluster.url;
}

export async function teardown(): Promise<void> {
  await cluster?.stop();
}
