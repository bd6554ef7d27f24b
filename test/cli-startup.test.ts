import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cli = new URL('../dist/cli/cli.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'farmwatch-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every module the process resolves, through a module.register() resolve hook, written to stderr. */
const hook = join(dir, 'hook.mjs');
writeFileSync(hook, "export async function resolve(s, c, next) { const r = await next(s, c); process.stderr.write(`LOADED ${r.url}\\n`); return r; }\n");
const register = join(dir, 'register.mjs');
writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hook).href)});\n`);

async function loaded(args: string[], env: Record<string, string> = {}): Promise<{ modules: string[]; code: number; stderr: string }> {
  const result = await run(process.execPath, ['--import', register, cli, ...args], { encoding: 'utf8', timeout: 60_000, maxBuffer: 16 << 20, env: { ...process.env, ...env } })
    .then((r) => ({ ...r, code: 0 }))
    .catch((err: { stdout: string; stderr: string; code: number }) => err);
  const modules = result.stderr.split('\n').filter((l) => l.startsWith('LOADED ')).map((l) => l.slice('LOADED '.length));
  return { modules, code: result.code, stderr: result.stderr.split('\n').filter((l) => !l.startsWith('LOADED ')).join('\n') };
}

const zod = (modules: string[]) => modules.filter((m) => m.includes('/node_modules/zod/'));

// Whole processes of the built CLI: what the one-shot commands load decides their start-up cost (docs/BENCHMARKS.md).
describe('farmwatch diagnose start-up', { timeout: 120_000 }, () => {
  it('collects and evaluates without loading zod: every contract is checked by its generated shape', async () => {
    const { modules, code } = await loaded(['diagnose', '--json']);
    expect(code).toBe(0);
    expect(zod(modules)).toEqual([]);
    expect(modules.length).toBeGreaterThan(5);
  });

  it('loads zod for a config its shape refuses, and says what is wrong as zod does (exit 2)', async () => {
    const config = join(dir, 'bad.json');
    writeFileSync(config, JSON.stringify({ expected: { countries: ['usa'] }, nope: 1 }));
    const { modules, code, stderr } = await loaded(['diagnose', '--config', config]);
    expect(code).toBe(2);
    expect(stderr).toContain('unknown key "nope"');
    expect(stderr).toContain('expected.countries.0');
    expect(zod(modules).length).toBeGreaterThan(0);
  });
});
