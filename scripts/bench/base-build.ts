/**
 * Builds another commit of this repository beside the working tree, so a benchmark measures "before" and "after"
 * in one run on one machine (figures from different runs on a shared machine do not compare). A detached git
 * worktree in a temp directory, sharing this checkout's node_modules, compiled with this checkout's tsc.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BaseBuild {
  rev: string;
  /** The commit id the rev named. */
  commit: string;
  /** The built package root: run `<root>/dist/cli/cli.js`. */
  root: string;
  remove(): void;
}

const repo = fileURLToPath(new URL('../../../', import.meta.url));

export function buildBase(rev: string): BaseBuild {
  const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', timeout: 120_000 }).trim();
  const commit = git('rev-parse', '--verify', `${rev}^{commit}`);
  const root = join(mkdtempSync(join(tmpdir(), 'fw-base-')), 'tree');
  git('worktree', 'add', '--detach', root, commit);
  const remove = () => {
    try {
      git('worktree', 'remove', '--force', root);
    } catch {
      // Already gone: nothing to clean.
    }
  };
  try {
    symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'));
    execFileSync(process.execPath, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.json')], { timeout: 300_000, stdio: 'ignore' });
  } catch (err) {
    remove();
    throw new Error(`cannot build ${rev} (${commit.slice(0, 12)}) for comparison: ${(err as Error).message.split('\n')[0]}`);
  }
  return { rev, commit, root, remove };
}
