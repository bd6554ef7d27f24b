import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  const built = await runIn(repoRoot, process.execPath, [join(repoRoot, 'scripts', 'build-sea.mjs'), '--out', buildDir], 180_000);
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
});
