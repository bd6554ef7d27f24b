import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeModulesAbove, repoRoot, runIn, scenarioSnapshot } from './run-isolated.js';

// Builds the bundle with the same script as `npm run build:bundle` (into a temp dir), then runs it from an empty
// temp dir: nothing of the repository (node_modules, rules/catalogs, package.json) is reachable from there.
let buildDir: string;
let runDir: string;
let bundle: string;

beforeAll(async () => {
  buildDir = mkdtempSync(join(tmpdir(), 'farmwatch-bundle-build-'));
  runDir = mkdtempSync(join(tmpdir(), 'farmwatch-bundle-run-'));
  const built = await runIn(repoRoot, process.execPath, [join(repoRoot, 'scripts', 'package', 'build-bundle.mjs'), '--out', buildDir]);
  expect(built.stderr).toBe('');
  expect(built.code).toBe(0);
  bundle = join(runDir, 'farmwatch.cjs');
  copyFileSync(join(buildDir, 'farmwatch.cjs'), bundle);
}, 120_000);

afterAll(() => {
  rmSync(buildDir, { recursive: true, force: true });
  rmSync(runDir, { recursive: true, force: true });
});

const node = (...args: string[]) => runIn(runDir, process.execPath, [bundle, ...args]);

describe('the laptop bundle (dist/bundle/farmwatch.cjs)', () => {
  it('runs from a directory with no node_modules anywhere above it', () => {
    expect(nodeModulesAbove(runDir)).toEqual([]);
  });

  it('diagnose --json collects this machine and evaluates it', async () => {
    const r = await node('diagnose', '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { score: number; level: string; findings: unknown[]; errors: unknown[]; snapshot: { platform: string; processes: unknown } };
    expect(report.score).toBeGreaterThanOrEqual(0);
    expect(['none', 'low', 'medium', 'high', 'critical']).toContain(report.level);
    expect(report.snapshot.platform).toBe(process.platform);
    expect(Array.isArray(report.snapshot.processes)).toBe(true);
  });

  it.each(['nanokvm', 'anydesk-astrill-pyongyang'])('uses the embedded catalogs: %s fires its labelled catalog rules', async (name) => {
    const { file, rules } = scenarioSnapshot(name, runDir);
    const r = await node('diagnose', '--json', '--from', file);
    expect(r.code).toBe(0);
    const fired = new Set((JSON.parse(r.stdout) as { findings: { rule: string }[] }).findings.map((f) => f.rule));
    // Rules that need config (locale.timezone wants expected.timezones) are left to the scenario test.
    for (const rule of rules.filter((id) => /^(ipkvm|remote-access|network\.vpn)/.test(id))) expect(fired).toContain(rule);
    expect(fired.size).toBeGreaterThan(0);
  });

  it('prints the version and the JSON Schemas without package.json', async () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    expect((await node('--version')).stdout.trim()).toBe(pkg.version);
    const schema = await node('schema');
    expect(Object.keys(JSON.parse(schema.stdout) as object)).toEqual(expect.arrayContaining(['snapshot', 'config', 'report']));
  });

  it('answers `server` with exit 2: the server is not part of the laptop build', async () => {
    const r = await node('server');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not part of the laptop build/);
  });

  it('holds no server code, no fastify, no better-sqlite3 and no native module', () => {
    const inputs = JSON.parse(readFileSync(join(buildDir, 'inputs.json'), 'utf8')) as string[];
    expect(inputs.some((p) => p.startsWith('collectors/'))).toBe(true);
    expect(inputs.filter((p) => /^server\/|fastify|better-sqlite3|\.node$/.test(p))).toEqual([]);
    expect(readFileSync(bundle, 'utf8')).not.toMatch(/require\("(better-sqlite3|fastify)"\)/);
  });
});

// The V8 code cache written beside the bundle at build time: used when it is this build's and V8 takes it, else the
// bundle compiles its code as without it; the output is the same either way.
describe('the laptop bundle with its code cache (farmwatch.cjs.v8cache)', () => {
  // Runs the bundle as `node farmwatch.cjs ARGS` would, and reports whether V8 took the cache (the build's own hook).
  const checker = `
let script;
globalThis[Symbol.for('farmwatch.bundle.script')] = (s) => { script = s; };
process.argv = [process.argv[0], ...process.argv.slice(2)];
process.on('exit', () => process.stderr.write('cachedDataRejected=' + (script ? script.cachedDataRejected : 'no script') + '\\n'));
require(process.argv[1]);
`;
  const copy = (name: string, cache?: Buffer) => {
    const dir = join(runDir, name);
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(buildDir, 'farmwatch.cjs'), join(dir, 'farmwatch.cjs'));
    if (cache) writeFileSync(join(dir, 'farmwatch.cjs.v8cache'), cache);
    return join(dir, 'farmwatch.cjs');
  };
  const checked = (file: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
    const check = join(runDir, 'check-cache.cjs');
    if (!existsSync(check)) writeFileSync(check, checker);
    return runIn(runDir, '/usr/bin/env', [...Object.entries(env).map(([k, v]) => `${k}=${v}`), process.execPath, check, file, ...args]);
  };

  it('is built beside the bundle, taken by V8, and gives the same output as compiling without it', async () => {
    const cache = readFileSync(join(buildDir, 'farmwatch.cjs.v8cache'));
    const withCache = copy('with-cache', cache);
    const without = copy('without-cache');
    // A cache under another build's id is not used: V8 itself would check only the source's length, not its bytes.
    const otherBuild = copy('other-build', Buffer.concat([Buffer.from('farmwatch-code-cache:0000:', 'latin1'), cache.subarray(cache.indexOf(':', 21) + 1)]));
    const { file } = scenarioSnapshot('anydesk-astrill-pyongyang', runDir);
    const args = ['diagnose', '--json', '--from', file];
    const runs = {
      cached: await checked(withCache, args),
      uncached: await checked(without, args),
      otherBuild: await checked(otherBuild, args),
      // Other V8 flags than the cache was made with: V8 refuses it, the bundle compiles.
      otherFlags: await checked(withCache, args, { FARMWATCH_V8_DEFAULTS: '1' }),
    };
    expect(runs.cached.stderr).toContain('cachedDataRejected=false');
    expect(runs.uncached.stderr).toContain('cachedDataRejected=undefined');
    expect(runs.otherBuild.stderr).toContain('cachedDataRejected=undefined');
    expect(runs.otherFlags.stderr).toContain('cachedDataRejected=true');
    for (const r of Object.values(runs)) expect(r.code).toBe(0);
    const findings = JSON.parse(runs.cached.stdout) as { findings: unknown[] };
    expect(findings.findings.length).toBeGreaterThan(0);
    expect(runs.uncached.stdout).toBe(runs.cached.stdout);
    expect(runs.otherBuild.stdout).toBe(runs.cached.stdout);
    expect(runs.otherFlags.stdout).toBe(runs.cached.stdout);
  }, 60_000);

  it("names the same file in an internal error's stack with the cache as without it (never the build's directory)", async () => {
    const cache = readFileSync(join(buildDir, 'farmwatch.cjs.v8cache'));
    const withCache = copy('stack-with-cache', cache);
    const without = copy('stack-without-cache');
    // Output that fails for a reason other than a closed pipe is an internal error, printed with its stack.
    const failing = join(runDir, 'failing-stdout.cjs');
    writeFileSync(failing, `process.stdout.write = () => { throw new TypeError('stdout refused'); };\n`);
    const run = (file: string) => runIn(runDir, process.execPath, ['--require', failing, file, 'diagnose', '--json']);
    const cached = await run(withCache);
    const uncached = await run(without);
    const frames = (stderr: string) => [...stderr.matchAll(/\(([^()]*farmwatch\.cjs[^():]*)/g)].map((m) => m[1]);
    for (const r of [cached, uncached]) {
      expect(r.stderr).toContain('internal error');
      expect(r.stderr).toContain('stdout refused');
    }
    expect(frames(cached.stderr).length).toBeGreaterThan(0);
    expect(frames(cached.stderr)).toEqual(frames(uncached.stderr));
    expect(cached.stderr).not.toContain(buildDir);
  }, 60_000);
});
