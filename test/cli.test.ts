import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cli = new URL('../dist/cli/cli.js', import.meta.url).pathname;

async function farmwatch(...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], { encoding: 'utf8' });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('farmwatch CLI', () => {
  it('prints help and version', async () => {
    const help = await farmwatch('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('farmwatch <command>');
    const version = await farmwatch('--version');
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('rejects an unknown command with one line and exit 2', async () => {
    const r = await farmwatch('bogus');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('unknown command "bogus"');
  });

  it('rejects an unknown flag with one line and exit 2', async () => {
    const r = await farmwatch('collect', '--nope');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain("'--nope'");
  });

  it('prints the JSON Schemas keyed by name', async () => {
    const r = await farmwatch('schema');
    const schemas = JSON.parse(r.stdout) as Record<string, { type?: string }>;
    expect(Object.keys(schemas)).toEqual(expect.arrayContaining(['snapshot', 'config', 'report']));
    expect(schemas.snapshot?.type).toBe('object');
  });
});
