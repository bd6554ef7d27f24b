/**
 * The package roots a comparing benchmark measures side by side: `--root DIR` (repeatable), each with the `--label
 * TEXT` given in the same position. Without --root, this checkout alone. `npm run bench` passes this checkout first
 * and a build of the base commit (base-build.ts) second; a benchmark compares every other root with the first.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** For parseArgs: `parseArgs({ options: { ...rootOptions, … }, tokens: true })`. */
export const rootOptions = {
  root: { type: 'string', multiple: true },
  label: { type: 'string', multiple: true },
} as const;

export interface BenchRoot {
  /** Absolute path of a built package root (`<dir>/dist/cli/cli.js` exists). */
  dir: string;
  label: string;
  /** The commit checked out there, when it is a git checkout. */
  commit: string | undefined;
  /** This checkout, the one the running script was built from. */
  self: boolean;
}

export const thisRoot = fileURLToPath(new URL('../../../', import.meta.url));

function commitOf(dir: string): string | undefined {
  try {
    return execFileSync('/usr/bin/git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** What parseArgs returns with `tokens: true`: the option tokens in command-line order. */
type Parsed = { tokens?: ({ kind: string; name?: string; value?: string | undefined } | { kind: string })[] };

/**
 * The roots from `--root`/`--label` in command-line order (parseArgs with `tokens: true`): a label names the root
 * before it; without --root, one --label names this checkout. A missing build or a stray label is a clear error and
 * exit code 2.
 */
export function benchRoots(parsed: Parsed): BenchRoot[] {
  try {
    return rootsOf(parsed);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
}

function rootsOf(parsed: Parsed): BenchRoot[] {
  const given: { dir: string; label?: string }[] = [];
  let lone: string | undefined;
  for (const t of parsed.tokens ?? []) {
    if (t.kind !== 'option' || !('name' in t) || typeof t.value !== 'string') continue;
    if (t.name === 'root') given.push({ dir: resolve(t.value) });
    else if (t.name === 'label') {
      const last = given.at(-1);
      if (last && last.label === undefined) last.label = t.value;
      else if (!last && lone === undefined) lone = t.value;
      else throw new Error(`--label ${t.value}: each --label goes right after its --root`);
    }
  }
  if (lone !== undefined && given.length) throw new Error(`--label ${lone}: each --label goes right after its --root`);
  const self = realpathSync(thisRoot);
  const dirs = given.length ? given : [{ dir: resolve(thisRoot), label: lone }];
  return dirs.map(({ dir, label }) => {
    if (!existsSync(join(dir, 'dist', 'cli', 'cli.js'))) throw new Error(`--root ${dir}: no dist/cli/cli.js there (build it: npx tsc -p tsconfig.json)`);
    const isSelf = realpathSync(dir) === self;
    return { dir, label: label ?? (isSelf ? 'this commit' : dir), commit: commitOf(dir), self: isSelf };
  });
}
