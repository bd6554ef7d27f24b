import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDatabase } from './pg-cluster.js';

/**
 * The storage engines the server tests run on: SQLite always; PostgreSQL when FARMWATCH_TEST_PG_URL is set (the
 * vitest globalSetup starts a throwaway cluster when PostgreSQL is installed). Under CI (.ci/run installs it) a
 * missing PostgreSQL fails the run instead of skipping it.
 */
export interface Engine {
  name: 'sqlite' | 'postgres';
  /** A new empty database: a SQLite file in a temp dir, or a new PostgreSQL database on the test cluster. */
  db(): Promise<string>;
}

export const pgUrl = process.env.FARMWATCH_TEST_PG_URL;

export const pgSkipReason =
  pgUrl || process.env.CI ? undefined : 'PostgreSQL engine skipped: FARMWATCH_TEST_PG_URL is unset and no PostgreSQL is installed (apt-get install -y postgresql)';

// Under the run's folder (./scratch-global-setup.ts), removed when the run ends.
const sqlite: Engine = { name: 'sqlite', db: async () => join(mkdtempSync(join(process.env.FARMWATCH_TEST_SCRATCH ?? tmpdir(), 'fw-engine-')), 'farmwatch.db') };
const postgres: Engine = {
  name: 'postgres',
  db: async () => {
    if (!pgUrl) throw new Error('FARMWATCH_TEST_PG_URL is unset: CI must run the PostgreSQL engine (apt-get install -y postgresql)');
    return freshDatabase(pgUrl);
  },
};

if (pgSkipReason) console.warn(pgSkipReason);

/** For describe.each: [name, engine] rows. */
export const engines: [string, Engine][] = pgSkipReason ? [['sqlite', sqlite]] : [['sqlite', sqlite], ['postgres', postgres]];
