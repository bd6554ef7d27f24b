import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, getJson, secrets, startServer } from '../server/helpers.js';
import { nodeModulesAbove, repoRoot, runIn, scenarioSnapshot } from './run-isolated.js';

// Builds the single executable with the same script as `npm run build:sea` and runs it in an empty temp dir.
// About 3 s and ~100 MB of disk here (a copy of the node binary); bounded at 3 minutes. Linux only: the macOS and
// Windows executables must be built (and signed) on those systems (docs/deployment.md), and no such runner is here.
const linux = process.platform === 'linux';
let buildDir: string;
let runDir: string;
let exe: string;

beforeAll(async () => {
  if (!linux) return;
  buildDir = mkdtempSync(join(tmpdir(), 'farmwatch-sea-build-'));
  runDir = mkdtempSync(join(tmpdir(), 'farmwatch-sea-run-'));
  const built = await runIn(repoRoot, process.execPath, [join(repoRoot, 'scripts', 'package', 'build-sea.mjs'), '--out', buildDir], 180_000);
  expect(built.code, built.stderr).toBe(0);
  exe = join(runDir, 'farmwatch');
  copyFileSync(join(buildDir, 'farmwatch'), exe);
  rmSync(buildDir, { recursive: true, force: true });
}, 200_000);

afterAll(() => {
  if (runDir) rmSync(runDir, { recursive: true, force: true });
  if (buildDir) rmSync(buildDir, { recursive: true, force: true });
});

describe.skipIf(!linux)('the Linux single executable (npm run build:sea)', () => {
  it('is one executable file, run where no node_modules exist', () => {
    expect(statSync(exe).mode & 0o111).not.toBe(0);
    expect(nodeModulesAbove(runDir)).toEqual([]);
  });

  it('./farmwatch diagnose --json works in an empty directory', async () => {
    const r = await runIn(runDir, './farmwatch', ['diagnose', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { level: string; snapshot: { platform: string } };
    expect(report.snapshot.platform).toBe('linux');
    expect(r.stderr).not.toMatch(/ExperimentalWarning|single-executable/i);
  });

  it('evaluates with the embedded catalogs and takes arguments as the CLI does', async () => {
    const { file } = scenarioSnapshot('nanokvm', runDir);
    const r = await runIn(runDir, './farmwatch', ['diagnose', '--json', '--from', file]);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { findings: { rule: string }[] }).findings.map((f) => f.rule)).toContain('ipkvm.usb');
    expect((await runIn(runDir, './farmwatch', ['server'])).code).toBe(2);
  });

  it('reports the SHA-256 of the executable as its code hash (enroll + run --once against a real server)', async () => {
    const server = await startServer();
    try {
      writeFileSync(join(runDir, 'secret'), secrets.enrollSecret, { mode: 0o600 });
      const config = join(runDir, 'agent.json');
      writeFileSync(config, JSON.stringify({ stateDir: join(runDir, 'state'), deviceId: 'sea-hash-1', server: { url: server.url } }));
      const enrolled = await runIn(runDir, './farmwatch', ['enroll', '--server', server.url, '--secret-file', join(runDir, 'secret'), '--config', config]);
      expect(enrolled.code, enrolled.stderr).toBe(0);
      const ran = await runIn(runDir, './farmwatch', ['run', '--once', '--config', config]);
      expect(ran.code, ran.stderr).toBe(0);
      expect(ran.stderr).toMatch(/"codeSource":\{"kind":"executable"/);
      const { codeHash } = (await getJson(server.url, '/api/v1/devices/sea-hash-1')).body.standing as { codeHash: string };
      expect(codeHash).toBe(createHash('sha256').update(readFileSync(exe)).digest('hex'));
      expect(codeHash).not.toBe(createHash('sha256').update('').digest('hex'));
    } finally {
      await server.close();
      cleanup(server.dir);
    }
  }, 60_000);
});
