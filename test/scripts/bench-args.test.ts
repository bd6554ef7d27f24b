import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const benches = ['cli', 'collect', 'forwarders', 'hostile-load', 'ingest', 'ingest-base', 'ingest-pg', 'report-bytes', 'rules-catalog', 'run-all', 'server-start', 'soak', 'spool'];
const script = (name: string) => new URL(`../../dist/scripts/bench/${name}.js`, import.meta.url).pathname;

/** Runs a benchmark script with arguments that make it stop before any work, and returns how it ended. */
async function ended(name: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [script(name), ...args], { timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('benchmark scripts given options they do not take', () => {
  it.each(benches)('%s: an unknown option ends with its name and the options it takes, exit 2, no stack trace', async (name) => {
    const r = await ended(name, ['--no-such-option']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("'--no-such-option'");
    expect(r.stderr).toMatch(/usage: node \S+\.js/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it.each(benches)('%s: --help lists its options and runs nothing', async (name) => {
    const r = await ended(name, ['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/usage: node \S+\.js/);
    expect(r.stdout).toMatch(/^ {2}--[a-z]/m);
  });
});

it('rules-catalog refuses a run count that is not a whole number', async () => {
  const r = await ended('rules-catalog', ['--runs', 'many']);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('runs must be a whole number');
});
