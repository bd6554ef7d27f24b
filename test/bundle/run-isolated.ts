import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command in `cwd` with a minimal environment (no NODE_OPTIONS, no NODE_PATH, HOME inside the temp dir). */
export async function runIn(cwd: string, file: string, args: readonly string[], timeout = 60_000): Promise<Ran> {
  // Windows needs SystemRoot (and keeps PATH as Path) for a child process to start at all.
  const env = { PATH: process.env.PATH ?? process.env.Path ?? '/usr/bin:/bin', HOME: cwd, XDG_STATE_HOME: join(cwd, 'state'), ...(process.env.SystemRoot ? { SystemRoot: process.env.SystemRoot } : {}) };
  try {
    const { stdout, stderr } = await run(file, args, { cwd, env, encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string; message: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? e.message };
  }
}

/** Every node_modules folder Node would look in from `dir` upwards (must be none for a "no node_modules" test). */
export function nodeModulesAbove(dir: string): string[] {
  const found: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules'))) found.push(join(d, 'node_modules'));
    if (dirname(d) === d) return found;
  }
}

/** Writes the snapshot of a labelled scenario (test/scenarios/corpus) to `dir`, returns the file and the rules it must fire. */
export function scenarioSnapshot(name: string, dir: string): { file: string; rules: string[] } {
  const scenario = JSON.parse(readFileSync(join(repoRoot, 'test', 'scenarios', 'corpus', `${name}.json`), 'utf8')) as {
    expected: { rules?: string[] };
    snapshot: unknown;
  };
  const file = join(dir, `${name}.snapshot.json`);
  writeFileSync(file, JSON.stringify(scenario.snapshot));
  return { file, rules: scenario.expected.rules ?? [] };
}
