import { execFileSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AgentProcess, cli } from '../agent/agent-process.js';
import { repoRoot, runIn, type Ran } from '../bundle/run-isolated.js';

// The Linux installer, run into a temporary root (DESTDIR style) with the real bundle as the agent binary.
const scripts = join(repoRoot, 'scripts', 'package', 'install', 'linux');
const has = (tool: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

// The installers are POSIX sh scripts; on Windows (no sh, no file modes) install.ps1 is the installer instead.
const posixShell = process.platform !== 'win32';
let work: string;
let bundle: string;
let root: string;

beforeAll(async () => {
  if (!posixShell) return;
  work = mkdtempSync(join(tmpdir(), 'farmwatch-install-'));
  const built = await runIn(repoRoot, process.execPath, [join(repoRoot, 'scripts', 'package', 'build-bundle.mjs'), '--out', join(work, 'build')]);
  expect(built.code, built.stderr).toBe(0);
  bundle = join(work, 'build', 'farmwatch.cjs');
}, 120_000);
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});
beforeEach(() => {
  root = mkdtempSync(join(work, 'root-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const install = (...args: string[]): Promise<Ran> => runIn(work, 'sh', [join(scripts, 'install.sh'), '--root', root, ...args]);
const uninstall = (...args: string[]): Promise<Ran> => runIn(work, 'sh', [join(scripts, 'uninstall.sh'), '--root', root, ...args]);
const mode = (path: string) => statSync(path).mode & 0o777;
const config = () => join(root, 'etc', 'farmwatch', 'agent.json');
const exe = () => join(root, 'opt', 'farmwatch', 'farmwatch');

describe.skipIf(posixShell === false)('scripts/package/install/linux/install.sh --root', { timeout: 90_000 }, () => {
  it('lays out the binary, the /usr/bin link, the unit, the config and a 0700 state dir', async () => {
    const r = await install('--binary', bundle, '--server', 'https://farmwatch.example.com');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(readFileSync(exe())).toEqual(readFileSync(bundle));
    expect(mode(exe())).toBe(0o755);
    // The bundle's code cache, built beside it, goes beside the agent (the bundle reads `<its path>.v8cache`).
    expect(readFileSync(`${exe()}.v8cache`)).toEqual(readFileSync(`${bundle}.v8cache`));
    expect(mode(`${exe()}.v8cache`)).toBe(0o644);
    expect(lstatSync(join(root, 'usr', 'bin', 'farmwatch')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(root, 'usr', 'bin', 'farmwatch'))).toBe('/opt/farmwatch/farmwatch');
    const unit = join(root, 'etc', 'systemd', 'system', 'farmwatch.service');
    expect(readFileSync(unit, 'utf8')).toBe(readFileSync(join(scripts, 'farmwatch.service'), 'utf8'));
    expect(mode(unit)).toBe(0o644);
    expect(JSON.parse(readFileSync(config(), 'utf8'))).toEqual({ server: { url: 'https://farmwatch.example.com' } });
    expect(mode(config())).toBe(0o644);
    expect(statSync(join(root, 'var', 'lib', 'farmwatch')).isDirectory()).toBe(true);
    expect(mode(join(root, 'var', 'lib', 'farmwatch'))).toBe(0o700);
    // The installed agent runs and accepts the config the installer wrote.
    const diagnose = await runIn(work, exe(), ['diagnose', '--json', '--config', config()]);
    expect(diagnose.code, diagnose.stderr).toBe(0);
  });

  it('runs again as an upgrade: a new binary replaces the old, the config is kept without --force', async () => {
    expect((await install('--binary', bundle, '--server', 'https://a.example.com')).code).toBe(0);
    writeFileSync(config(), '{ "intervalSec": 600 }\n');
    const again = await install('--binary', bundle, '--server', 'https://b.example.com');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/unchanged .* config kept/);
    const newer = join(work, 'farmwatch-newer.cjs');
    copyFileSync(bundle, newer);
    appendFileSync(newer, '\n// a newer build\n');
    const upgrade = await install('--binary', newer, '--server', 'https://b.example.com');
    expect(upgrade.code, upgrade.stderr).toBe(0);
    expect(upgrade.stdout).toMatch(/upgraded .* config kept/);
    // A binary with no code cache beside it: the old one's is removed, not left to a bundle it was not built with.
    expect(existsSync(`${exe()}.v8cache`)).toBe(false);
    expect(readFileSync(exe())).toEqual(readFileSync(newer));
    expect(existsSync(`${exe()}.new`)).toBe(false);
    expect(readFileSync(config(), 'utf8')).toBe('{ "intervalSec": 600 }\n');

    const forced = await install('--binary', newer, '--server', 'https://b.example.com', '--force');
    expect(forced.code).toBe(0);
    expect(JSON.parse(readFileSync(config(), 'utf8'))).toEqual({ server: { url: 'https://b.example.com' } });
  });

  it('installs a given --config, root-only (0600) when it holds an enrollSecret', async () => {
    const given = join(work, 'given.json');
    writeFileSync(given, JSON.stringify({ enrollSecret: 'x', expected: { timezones: ['Europe/*'] } }));
    expect((await install('--binary', bundle, '--config', given)).code).toBe(0);
    expect(readFileSync(config(), 'utf8')).toBe(readFileSync(given, 'utf8'));
    expect(mode(config())).toBe(0o600);
  });

  it.each([
    [['--bogus'], /unknown option --bogus/],
    [['--binary', '/nonexistent/farmwatch'], /no such file/],
    [['--secret-file', '/nonexistent/secret'], /cannot read/],
    [['--server', 'ftp://x'], /http\(s\) URL/],
    [['--server'], /needs a value/],
  ])('refuses %j with exit 2 and one line on stderr, installing nothing', async (args, message) => {
    const r = await install('--binary', bundle, ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(exe())).toBe(false);
  });

  describe('enrollment at install time, against a real `farmwatch server` on loopback', () => {
    let server: AgentProcess;
    let url: string;
    const secret = 'install-test-enroll-secret-0123456789';

    beforeAll(async () => {
      if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
      const serverConfig = join(work, 'server.json');
      writeFileSync(serverConfig, JSON.stringify({ host: '127.0.0.1', port: 0, db: join(work, 'fw.db'), enrollSecret: secret, adminToken: 'install-test-admin-token-0123456789' }), { mode: 0o600 });
      server = new AgentProcess(['server', '--config', serverConfig]);
      const deadline = Date.now() + 20_000;
      let match: RegExpExecArray | null = null;
      while (!(match = /listening on (\S+)/.exec(server.stdout))) {
        if (server.child.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start:\n${server.stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      url = match[1]!;
    }, 30_000);
    afterAll(async () => {
      server.child.kill('SIGTERM');
      await server.exited;
    });

    it('enrolls from --secret-file into the root\'s state dir (0600), once; a wrong secret exits 3', async () => {
      const wrong = join(work, 'wrong-secret');
      writeFileSync(wrong, 'not-the-secret\n', { mode: 0o600 });
      const refused = await install('--binary', bundle, '--server', url, '--secret-file', wrong);
      expect(refused.code).toBe(3);
      expect(refused.stderr).toMatch(/refused the enrollment secret/);
      expect(refused.stderr).not.toContain('not-the-secret');
      expect(existsSync(exe())).toBe(true);

      const secretFile = join(work, 'secret');
      writeFileSync(secretFile, `${secret}\n`, { mode: 0o600 });
      const r = await install('--binary', bundle, '--server', url, '--secret-file', secretFile);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/, enrolled$/m);
      const enrollment = join(root, 'var', 'lib', 'farmwatch', 'enrollment.json');
      expect(mode(enrollment)).toBe(0o600);
      expect(JSON.parse(readFileSync(enrollment, 'utf8'))).toMatchObject({ serverUrl: url });
      expect(readFileSync(enrollment, 'utf8')).not.toContain(secret);
      // A second run does not enroll again (the server would answer 409).
      const again = await install('--binary', bundle, '--server', url, '--secret-file', secretFile);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/, enrolled$/m);
    });
  });

  it.skipIf(!has('systemd-analyze'))('the installed unit passes systemd-analyze verify with no warning (skipped where systemd-analyze is absent)', async () => {
    expect((await install('--binary', bundle)).code).toBe(0);
    // verify checks that ExecStart exists on this machine: point it at the binary inside the temp root, nothing else changes.
    const unit = readFileSync(join(root, 'etc', 'systemd', 'system', 'farmwatch.service'), 'utf8');
    expect(unit).toContain('ExecStart=/usr/bin/farmwatch run --config /etc/farmwatch/agent.json\n');
    const checked = join(work, 'verify', 'farmwatch.service');
    execFileSync('mkdir', ['-p', join(work, 'verify')]);
    writeFileSync(checked, unit.replace('ExecStart=/usr/bin/farmwatch', `ExecStart=${exe()}`));
    const r = await runIn(work, 'systemd-analyze', ['verify', checked]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(''); // unknown keys and bad values are only warnings: any line here is a mistake
    for (const directive of ['Restart=on-failure', 'NoNewPrivileges=yes', 'ProtectSystem=strict', 'ProtectHome=read-only', 'ReadWritePaths=/var/lib/farmwatch', 'PrivateTmp=yes', 'CPUQuota=10%', 'MemoryMax=200M']) {
      expect(unit).toMatch(new RegExp(`^${directive.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    }
  });

  it.skipIf(!has('systemd-analyze'))('the server unit passes systemd-analyze verify with no warning, as its own user with no capability (skipped where systemd-analyze is absent)', async () => {
    const unit = readFileSync(join(scripts, 'farmwatch-server.service'), 'utf8');
    expect(unit).toContain('ExecStart=/opt/farmwatch-server/bin/farmwatch server --config /etc/farmwatch-server/server.json\n');
    // verify checks that ExecStart exists on this machine: point it at the built CLI, nothing else changes.
    const checked = join(work, 'verify-server', 'farmwatch-server.service');
    execFileSync('mkdir', ['-p', join(work, 'verify-server')]);
    writeFileSync(checked, unit.replace('ExecStart=/opt/farmwatch-server/bin/farmwatch', `ExecStart=${process.execPath} ${cli}`));
    const r = await runIn(work, 'systemd-analyze', ['verify', checked]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    for (const directive of ['User=farmwatch-server', 'CapabilityBoundingSet=', 'NoNewPrivileges=yes', 'ProtectSystem=strict', 'ProtectHome=yes', 'StateDirectory=farmwatch-server', 'StateDirectoryMode=0700', 'PrivateTmp=yes', 'PrivateDevices=yes', 'UMask=0077', 'RestartPreventExitStatus=2']) {
      expect(unit).toMatch(new RegExp(`^${directive.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    }
  });
});

describe.skipIf(posixShell === false)('scripts/package/install/linux/uninstall.sh --root', () => {
  it('removes binary, link and unit, keeps config and state; --purge removes them too; twice is fine', async () => {
    expect((await install('--binary', bundle)).code).toBe(0);
    const r = await uninstall();
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(exe())).toBe(false);
    expect(existsSync(join(root, 'usr', 'bin', 'farmwatch'))).toBe(false);
    expect(existsSync(join(root, 'etc', 'systemd', 'system', 'farmwatch.service'))).toBe(false);
    expect(existsSync(config())).toBe(true);
    expect(existsSync(join(root, 'var', 'lib', 'farmwatch'))).toBe(true);
    expect((await uninstall('--purge')).code).toBe(0);
    expect(existsSync(join(root, 'etc', 'farmwatch'))).toBe(false);
    expect(existsSync(join(root, 'var', 'lib', 'farmwatch'))).toBe(false);
    expect((await uninstall('--purge')).code).toBe(0);
  });
});

describe.skipIf(!has('dash'))('POSIX sh', () => {
  it('both scripts parse under dash (no bashisms that break the parser)', async () => {
    for (const script of ['install.sh', 'uninstall.sh']) expect((await runIn(work, 'dash', ['-n', join(scripts, script)])).code).toBe(0);
  });
});
