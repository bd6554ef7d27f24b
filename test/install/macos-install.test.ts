import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runIn } from '../bundle/run-isolated.js';

// The macOS installer's file layout is plain sh, so it is tested here into a temp root (no launchctl there);
// loading the daemon needs a Mac and is not tested. The plist is parsed by Python's plistlib (plutil is macOS-only).
const scripts = join(repoRoot, 'scripts', 'package', 'install', 'macos');
const plistFile = join(scripts, 'com.farmwatch.agent.plist');
const python = (() => {
  try {
    execFileSync('python3', ['-c', 'import plistlib'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

// The installers are POSIX sh scripts; on Windows (no sh, no file modes) install.ps1 is the installer instead.
const posixShell = process.platform !== 'win32';
let work: string;
let bundle: string;
beforeAll(async () => {
  if (!posixShell) return;
  work = mkdtempSync(join(tmpdir(), 'farmwatch-macos-install-'));
  const built = await runIn(repoRoot, process.execPath, [join(repoRoot, 'scripts', 'package', 'build-bundle.mjs'), '--out', join(work, 'build')]);
  expect(built.code, built.stderr).toBe(0);
  bundle = join(work, 'build', 'farmwatch.cjs');
}, 120_000);
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe.skipIf(!python)('com.farmwatch.agent.plist (skipped without python3: its plistlib is the parser)', () => {
  const plist = python
    ? (JSON.parse(
        execFileSync('python3', ['-c', 'import json,plistlib,sys; print(json.dumps(plistlib.load(open(sys.argv[1],"rb"))))', plistFile], { encoding: 'utf8' }),
      ) as Record<string, unknown>)
    : {};

  it('is a LaunchDaemon that runs `farmwatch run`, kept alive and throttled', () => {
    expect(plist.Label).toBe('com.farmwatch.agent');
    const args = plist.ProgramArguments as string[];
    expect(args[0]).toBe('/Library/Application Support/farmwatch/farmwatch');
    expect(args.at(-1)).toBe('run');
    expect(plist.RunAtLoad).toBe(true);
    expect(plist.KeepAlive).toEqual({ SuccessfulExit: false });
    expect(plist.ThrottleInterval).toBeGreaterThanOrEqual(10);
    expect(plist.StandardErrorPath).toBe('/Library/Logs/farmwatch/agent.log');
    expect((plist.EnvironmentVariables as Record<string, string>).FARMWATCH_CONFIG).toBe('/Library/Application Support/farmwatch/agent.json');
    expect(plist.Umask).toBe(0o077);
  });
});

describe.skipIf(posixShell === false)('scripts/package/install/macos/install.sh --root', { timeout: 90_000 }, () => {
  it('lays out the binary, link, plist and a 0700 folder with the config; uninstall keeps or purges it', async () => {
    const root = mkdtempSync(join(work, 'root-'));
    const home = join(root, 'Library', 'Application Support', 'farmwatch');
    const r = await runIn(work, 'sh', [join(scripts, 'install.sh'), '--root', root, '--binary', bundle, '--server', 'https://fw.example.com']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(statSync(home).mode & 0o777).toBe(0o700);
    expect(readFileSync(join(home, 'farmwatch'))).toEqual(readFileSync(bundle));
    expect(statSync(join(home, 'agent.json')).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(home, 'agent.json'), 'utf8'))).toEqual({ server: { url: 'https://fw.example.com' } });
    expect(readFileSync(join(root, 'Library', 'LaunchDaemons', 'com.farmwatch.agent.plist'), 'utf8')).toBe(readFileSync(plistFile, 'utf8'));
    expect(lstatSync(join(root, 'usr', 'local', 'bin', 'farmwatch')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(root, 'usr', 'local', 'bin', 'farmwatch'))).toBe('/Library/Application Support/farmwatch/farmwatch');

    writeFileSync(join(home, 'agent.json'), '{}\n');
    const again = await runIn(work, 'sh', [join(scripts, 'install.sh'), '--root', root, '--binary', bundle, '--server', 'https://other.example.com']);
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(join(home, 'agent.json'), 'utf8')).toBe('{}\n');

    expect((await runIn(work, 'sh', [join(scripts, 'uninstall.sh'), '--root', root])).code).toBe(0);
    expect(existsSync(join(home, 'farmwatch'))).toBe(false);
    expect(existsSync(join(home, 'agent.json'))).toBe(true);
    expect(existsSync(join(root, 'Library', 'LaunchDaemons', 'com.farmwatch.agent.plist'))).toBe(false);
    expect((await runIn(work, 'sh', [join(scripts, 'uninstall.sh'), '--root', root, '--purge'])).code).toBe(0);
    expect(existsSync(home)).toBe(false);
  });
});
