import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const cli = new URL('../dist/cli/cli.js', import.meta.url).pathname;
const bundle = new URL('../dist/cli/bundle/farmwatch.cjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'farmwatch-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// What the process loads, written to stderr by a preload: every ES module it resolves (a module.register() resolve
// hook), every CommonJS module it requires (Module._load: the bin's bundle and the builtins it asks for), and every
// script compiled through node:vm (the bundle compiles its code and, on demand, zod that way), with whether V8 took
// the code cache offered.
const hook = join(dir, 'hook.mjs');
writeFileSync(hook, "export async function resolve(s, c, next) { const r = await next(s, c); process.stderr.write(`LOADED ${r.url}\\n`); return r; }\n");
const register = join(dir, 'register.mjs');
writeFileSync(
  register,
  `import Module, { register } from 'node:module';
import vm from 'node:vm';
register(${JSON.stringify(pathToFileURL(hook).href)});
const load = Module._load;
Module._load = function (request, parent, isMain) {
  const name = Module.isBuiltin(request) ? (request.startsWith('node:') ? request : 'node:' + request) : Module._resolveFilename(request, parent, isMain);
  process.stderr.write('LOADED ' + name + '\\n');
  return load.apply(this, arguments);
};
const compileFunction = vm.compileFunction;
vm.compileFunction = function (code, params, options) {
  process.stderr.write('COMPILED ' + options?.filename + ' none\\n');
  return compileFunction.apply(this, arguments);
};
const Script = vm.Script;
vm.Script = class extends Script {
  constructor(code, options) {
    super(code, options);
    process.stderr.write('COMPILED ' + options?.filename + ' ' + (options?.cachedData ? (this.cachedDataRejected ? 'rejected' : 'taken') : 'none') + '\\n');
  }
};
`,
);

interface Loaded {
  modules: string[];
  compiled: { file: string; cache: string }[];
  code: number;
  stderr: string;
}

async function loaded(args: string[], env: Record<string, string> = {}): Promise<Loaded> {
  const result = await run(process.execPath, ['--import', register, cli, ...args], { encoding: 'utf8', timeout: 60_000, maxBuffer: 16 << 20, env: { ...process.env, ...env } })
    .then((r) => ({ ...r, code: 0 }))
    .catch((err: { stdout: string; stderr: string; code: number }) => err);
  const lines = result.stderr.split('\n');
  const modules = lines.filter((l) => l.startsWith('LOADED ')).map((l) => l.slice('LOADED '.length));
  const compiled = lines
    .filter((l) => l.startsWith('COMPILED '))
    .map((l) => {
      const rest = l.slice('COMPILED '.length);
      const at = rest.lastIndexOf(' ');
      return { file: rest.slice(0, at), cache: rest.slice(at + 1) };
    });
  return { modules, compiled, code: result.code, stderr: lines.filter((l) => !/^(LOADED|COMPILED) /.test(l)).join('\n') };
}

/** zod, loaded from node_modules (the tsc output) or compiled from the bundle's own copy. */
const zod = (r: Loaded) => [...r.modules.filter((m) => m.includes('/node_modules/zod/')), ...r.compiled.filter((c) => c.file.endsWith('#zod')).map((c) => c.file)];
/** The files of code the process read, not Node's builtins. */
const files = (r: Loaded) => r.modules.filter((m) => !m.startsWith('node:'));

// The bin as `npm run build` leaves it: `npm test` runs tsc first, which makes an earlier bundle stale.
beforeAll(async () => {
  await run(process.execPath, [join(root, 'scripts', 'package', 'build-bin.mjs')], { cwd: root, timeout: 300_000 });
}, 300_000);

// Whole processes of the built CLI: what the one-shot commands load decides their start-up cost (docs/BENCHMARKS.md).
describe('farmwatch diagnose start-up', { timeout: 120_000 }, () => {
  it('runs the bundle with its build-time code cache, reads a few files and no zod: every contract is checked by its generated shape', async () => {
    const r = await loaded(['diagnose', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(zod(r)).toEqual([]);
    expect(r.modules.length).toBeGreaterThan(5);
    expect(files(r)).toEqual([pathToFileURL(cli).href, bundle]);
    // The bundle's agent code, compiled once under its fixed script name (scripts/package/build-bundle.mjs), the cache taken.
    expect(r.compiled).toEqual([{ file: 'farmwatch.cjs', cache: 'taken' }]);
  });

  it('loads zod for a config its shape refuses, and says what is wrong as zod does (exit 2)', async () => {
    const config = join(dir, 'bad.json');
    writeFileSync(config, JSON.stringify({ expected: { countries: ['usa'] }, nope: 1 }));
    const r = await loaded(['diagnose', '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown key "nope"');
    expect(r.stderr).toContain('expected.countries.0');
    expect(zod(r).length).toBeGreaterThan(0);
  });

  it('runs the tsc output when the bundle is older than it (a tsc run after the build), still without zod for diagnose', async () => {
    const stale = await copyOfPackage('stale');
    utimesSync(join(stale, 'dist', 'cli', 'bundle', 'farmwatch.cjs'), new Date(1_000_000), new Date(1_000_000));
    utimesSync(join(stale, 'dist', 'cli', 'main.js'), new Date(2_000_000), new Date(2_000_000));
    const modules = await loadedBy(stale);
    expect(modules.some((m) => m.endsWith('/cli/bundle/farmwatch.cjs'))).toBe(false);
    expect(modules).toContain(pathToFileURL(join(stale, 'dist', 'cli', 'main.js')).href);
    expect(modules.filter((m) => m.includes('/node_modules/zod/'))).toEqual([]);
  });

  it('runs the bundle when both have the same time, as npm packs every file (an installed package)', async () => {
    const packed = await copyOfPackage('packed');
    const npmTime = new Date('1985-10-26T08:15:00Z');
    for (const f of [join('bundle', 'farmwatch.cjs'), 'main.js']) utimesSync(join(packed, 'dist', 'cli', f), npmTime, npmTime);
    const modules = await loadedBy(packed);
    expect(modules).toContain(join(packed, 'dist', 'cli', 'bundle', 'farmwatch.cjs'));
    expect(modules).not.toContain(pathToFileURL(join(packed, 'dist', 'cli', 'main.js')).href);
  });
});

/** A package at dir/name whose dist/ is a copy of this checkout's (the rest linked to it). */
async function copyOfPackage(name: string): Promise<string> {
  const pkg = join(dir, name);
  mkdirSync(pkg);
  for (const f of ['package.json', 'node_modules', 'rules']) symlinkSync(join(root, f), join(pkg, f));
  await run('/bin/cp', ['-r', join(root, 'dist'), join(pkg, 'dist')], { timeout: 60_000 });
  return pkg;
}

/** What `diagnose --json` of the package's bin loads (it must succeed). */
async function loadedBy(pkg: string): Promise<string[]> {
  const result = await run(process.execPath, ['--import', register, join(pkg, 'dist', 'cli', 'cli.js'), 'diagnose', '--json'], { encoding: 'utf8', timeout: 60_000, maxBuffer: 16 << 20 });
  return result.stderr.split('\n').filter((l) => l.startsWith('LOADED ')).map((l) => l.slice('LOADED '.length));
}
