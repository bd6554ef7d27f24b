import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * vitest globalSetup: one temporary folder for the whole run, under which the helpers put the databases they create
 * (./engines.ts), removed when the run ends. The test processes inherit its path; they may be stopped without exiting
 * normally, so they cannot be trusted to clean up after themselves.
 */
let root: string | undefined;

export function setup(): void {
  root = mkdtempSync(join(tmpdir(), 'fw-test-run-'));
  process.env.FARMWATCH_TEST_SCRATCH = root;
}

export function teardown(): void {
  if (root) rmSync(root, { recursive: true, force: true });
}
