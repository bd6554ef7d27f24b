/**
 * Builds another commit of this repository beside the working tree, so a benchmark measures "before" and "after"
 * in one run on one machine (figures from different runs on a shared machine do not compare). A detached git
 * worktree in a temp directory, sharing this checkout's node_modules, compiled with this checkout's tsc; with
 * `{ bundle: true }` also its laptop bundle (dist/bundle/farmwatch.cjs). The one way the benchmarks build a base:
 * `npm run bench -- --base REV` builds it once and passes its root to every comparing benchmark as `--root`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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

/**
 * The npm bin's bundle of the package root `root` (dist/cli/bundle/, scripts/package/build-bin.mjs: the laptop bundle
 * and its code cache; ES module chunks in older trees), as `npm run build` makes it; a tree from before that script has
 * none, and its bin runs its tsc output.
 */
export function buildBinBundle(root: string): void {
  const builder = join(root, 'scripts', 'package', 'build-bin.mjs');
  if (existsSync(builder)) execFileSync(process.execPath, [builder], { cwd: root, timeout: 300_000, stdio: 'ignore' });
}

/** The laptop bundle of the package root `root`, at `<root>/dist/bundle/farmwatch.cjs`, built from its own sources. */
export function buildBundle(root: string): string {
  // The bundle's build script moved to scripts/package/; an older tree has it in scripts/.
  const builder = [join(root, 'scripts', 'package', 'build-bundle.mjs'), join(root, 'scripts', 'build-bundle.mjs')].find((f) => existsSync(f));
  if (!builder) throw new Error(`${root}: no build-bundle.mjs (scripts/package/ or scripts/), cannot build its laptop bundle`);
  execFileSync(process.execPath, [builder], { cwd: root, timeout: 300_000, stdio: 'ignore' });
  return join(root, 'dist', 'bundle', 'farmwatch.cjs');
}

export function buildBase(rev: string, options: { bundle?: boolean } = {}): BaseBuild {
  const git = (...args: string[]) => execFileSync('/usr/bin/git', ['-C', repo, ...args], { encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  const commit = git('rev-parse', '--verify', `${rev}^{commit}`);
  const root = join(mkdtempSync(join(tmpdir(), 'fw-base-')), 'tree');
  git('worktree', 'add', '--detach', root, commit);
  const remove = () => {
    try {
      git('worktree', 'remove', '--force', root);
    } catch {
      // Already gone: nothing to clean.
    }
    rmSync(dirname(root), { recursive: true, force: true });
  };
  try {
    symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'));
    execFileSync(process.execPath, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.json')], { timeout: 600_000, stdio: 'ignore' });
    // A tree whose build also compiles the rule catalogs (npm run build) needs them to start a server.
    const catalogs = join(root, 'dist', 'scripts', 'package', 'compile-catalogs.js');
    if (existsSync(catalogs)) execFileSync(process.execPath, [catalogs], { cwd: root, timeout: 300_000, stdio: 'ignore' });
    buildBinBundle(root);
    if (options.bundle) buildBundle(root);
  } catch (err) {
    remove();
    throw new Error(`cannot build ${rev} (${commit.slice(0, 12)}) for comparison: ${(err as Error).message.split('\n')[0]}`);
  }
  return { rev, commit, root, remove };
}

// Run alone, it builds REV and leaves it for `--root` of a benchmark run by hand:
//   node dist/scripts/bench/base-build.js REV [--bundle]    (prints the root; remove it with git worktree remove)
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rev = process.argv[2];
  if (!rev || rev.startsWith('-')) {
    process.stderr.write('usage: node dist/scripts/bench/base-build.js REV [--bundle]\n');
    process.exit(2);
  }
  try {
    process.stdout.write(`${buildBase(rev, { bundle: process.argv.includes('--bundle') }).root}\n`);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
}
