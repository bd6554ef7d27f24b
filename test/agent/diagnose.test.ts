import { createServer, type Server } from 'node:net';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotSchema } from '../../schema/snapshot/index.js';
import { foldCycle } from '../../agent/baseline.js';
import { makeSnapshot } from '../rules/context/make-snapshot.js';
import { farmwatch } from './cli-run.js';

let dir: string;
let snapFile: string;
const pyongyang = makeSnapshot({
  host: {
    hostname: 'lab-laptop', os: { name: 'Ubuntu' }, arch: 'x64', chassis: 'laptop',
    virtualization: { isVirtual: false }, power: { onAc: true }, lid: 'open',
  },
  locale: { timezone: 'Asia/Pyongyang', utcOffsetMinutes: 540, locale: 'en-US', languages: ['en-US'], keyboardLayouts: ['us'], inputMethods: [] },
  errors: [{ collector: 'usb', code: 'permission-denied', message: 'cannot read /sys/bus/usb/devices' }],
  collectors: { usb: { status: 'error' }, activity: { status: 'unsupported', reason: 'no idle source on this desktop' } },
});

async function config(name: string, body: unknown): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, JSON.stringify(body));
  return file;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-diagnose-'));
  snapFile = join(dir, 'snap.json');
  expect(snapshotSchema.safeParse(pyongyang).success).toBe(true);
  await writeFile(snapFile, JSON.stringify(pyongyang));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('farmwatch diagnose --from', () => {
  it('--json prints one object with the contract fields and names locale.timezone', async () => {
    const cfg = await config('americas.json', { expected: { timezones: ['America/*'] }, stateDir: join(dir, 'state-none') });
    const r = await farmwatch(['diagnose', '--json', '--from', snapFile, '--config', cfg]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(expect.arrayContaining(['score', 'level', 'findings', 'errors', 'snapshot']));
    const tz = out.findings.find((f: { rule: string }) => f.rule === 'locale.timezone');
    expect(tz).toMatchObject({ title: expect.any(String), severity: 'medium', evidence: { timezone: 'Asia/Pyongyang' } });
    expect(tz.confidence).toBeGreaterThan(0);
    expect(out.score).toBeGreaterThan(0);
    expect(out.errors).toEqual(pyongyang.errors);
    expect(out.snapshot.locale.timezone).toBe('Asia/Pyongyang');
    expect(out.sent).toBe(false);
    // Diagnose reads a baseline, never writes one.
    await expect(stat(join(dir, 'state-none'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('human output: score, level, grouped findings with ATT&CK, failed/unsupported collectors, region, nothing sent; no colour off a TTY', async () => {
    const cfg = await config('americas2.json', { expected: { timezones: ['America/*'] }, stateDir: join(dir, 'state-none') });
    const r = await farmwatch(['diagnose', '--from', snapFile, '--config', cfg]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Score \d+\/100, level (LOW|MEDIUM|HIGH|CRITICAL|NONE)/);
    expect(r.stdout).toContain('locale.timezone');
    expect(r.stdout).toContain('Time zone: Asia/Pyongyang.');
    expect(r.stdout).toContain('usb: FAILED (permission-denied: cannot read /sys/bus/usb/devices)');
    // An unsupported collector is detail for engineers: only with --verbose.
    expect(r.stdout).not.toContain('activity: unsupported');
    expect(r.stdout).toContain('Expected region: time zones America/*');
    expect(r.stdout).toContain('Nothing was sent');
    expect(r.stdout).not.toContain('\u001b[');
    const verbose = await farmwatch(['diagnose', '--verbose', '--from', snapFile, '--config', cfg]);
    expect(verbose.stdout).toContain('activity: unsupported (no idle source on this desktop)');
    expect(verbose.stdout).toMatch(/from: locale \d\.\d\d \(locale\.timezone\)/);
  });

  it('says when no expected region is configured, and locale.* stay quiet', async () => {
    const r = await farmwatch(['diagnose', '--json', '--from', snapFile], { XDG_STATE_HOME: join(dir, 'xdg') });
    const out = JSON.parse(r.stdout);
    expect(out.findings.filter((f: { rule: string }) => f.rule.startsWith('locale.'))).toEqual([]);
    expect(out.expectedConfigured).toBe(false);
    const human = await farmwatch(['diagnose', '--from', snapFile], { XDG_STATE_HOME: join(dir, 'xdg') });
    expect(human.stdout).toContain('Expected region: none configured');
  });

  it('--fail-on: exit 3 at or above the level, 0 below', async () => {
    const cfg = await config('americas3.json', { expected: { timezones: ['America/*'] }, stateDir: join(dir, 'state-none') });
    const low = await farmwatch(['diagnose', '--json', '--from', snapFile, '--config', cfg, '--fail-on', 'low']);
    const level = JSON.parse(low.stdout).level as string;
    expect(['low', 'medium']).toContain(level);
    expect(low.code).toBe(3);
    expect((await farmwatch(['diagnose', '--from', snapFile, '--config', cfg, '--fail-on', 'critical'])).code).toBe(0);
    const bad = await farmwatch(['diagnose', '--from', snapFile, '--fail-on', 'severe']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual([expect.stringContaining('--fail-on must be one of none, low, medium, high, critical')]);
  });

  it('--from does not read the local baseline: a replay is not judged against this machine (no false baseline.timezone-changed)', async () => {
    // This state dir's baseline (America/Chicago) would make the Pyongyang snapshot fire baseline.timezone-changed.
    const state = await chicagoState('state-local');
    const cfg = await config('with-local-state.json', { stateDir: state });
    const r = await farmwatch(['diagnose', '--json', '--from', snapFile, '--config', cfg]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.findings.filter((f: { rule: string }) => f.rule.startsWith('baseline.'))).toEqual([]);
    expect(out.baseline).toEqual({ path: join(state, 'baseline.json'), ignored: true });
    const human = await farmwatch(['diagnose', '--from', snapFile, '--config', cfg]);
    expect(human.stdout).toContain('Baseline: not read');
    expect(human.stdout).toContain('--baseline FILE');
    expect(human.stdout).not.toContain('baseline.timezone-changed');
  });

  it('--baseline FILE judges the replay against that baseline, read only', async () => {
    const state = await chicagoState('state-with');
    const file = join(state, 'baseline.json');
    const before = await readFile(file, 'utf8');
    const cfg = await config('with-state.json', { stateDir: join(dir, 'state-none') });
    const r = await farmwatch(['diagnose', '--json', '--from', snapFile, '--baseline', file, '--config', cfg]);
    const out = JSON.parse(r.stdout);
    expect(out.findings.find((f: { rule: string }) => f.rule === 'baseline.timezone-changed')?.evidence).toEqual({ from: 'America/Chicago', to: 'Asia/Pyongyang' });
    expect(out.baseline).toEqual({ path: file, firstSeen: expect.any(String) });
    expect(await readFile(file, 'utf8')).toBe(before);
    expect(await readdir(state)).toEqual(['baseline.json']);
    const human = await farmwatch(['diagnose', '--from', snapFile, '--baseline', file, '--config', cfg]);
    expect(human.stdout).toContain('Changed from America/Chicago to Asia/Pyongyang.');
  });

  it('--baseline naming a missing or corrupt file is one line and exit 2', async () => {
    const missing = await farmwatch(['diagnose', '--from', snapFile, '--baseline', join(dir, 'no-baseline.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toEqual([expect.stringMatching(/--baseline .*no-baseline\.json: no such file/)]);
    await writeFile(join(dir, 'bad-baseline.json'), '{"firstSeen": 3');
    const corrupt = await farmwatch(['diagnose', '--from', snapFile, '--baseline', join(dir, 'bad-baseline.json')]);
    expect(corrupt.code).toBe(2);
    expect(corrupt.stderr.trim().split('\n')).toEqual([expect.stringMatching(/--baseline .*bad-baseline\.json: not valid JSON/)]);
  });
});

/** A state dir whose baseline was kept on a laptop in America/Chicago. */
async function chicagoState(name: string): Promise<string> {
  const state = join(dir, name);
  const base = foldCycle(undefined, makeSnapshot({ collectedAt: '2025-12-01T00:00:00.000Z' }), []);
  expect(base.timezone).toBe('America/Chicago');
  await mkdir(state, { recursive: true });
  await writeFile(join(state, 'baseline.json'), JSON.stringify(base));
  return state;
}

describe('farmwatch diagnose: errors are one line and exit 2', () => {
  it('a corrupt --from file names the file and the problem', async () => {
    const corrupt = join(dir, 'corrupt.json');
    await writeFile(corrupt, '{"schemaVersion": 1, "collectedAt": ');
    const r = await farmwatch(['diagnose', '--from', corrupt]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/corrupt\.json: not valid JSON/)]);
    expect(r.stdout).toBe('');
  });

  it('a valid JSON file that is not a snapshot names the first bad key', async () => {
    const wrong = join(dir, 'wrong.json');
    await writeFile(wrong, JSON.stringify({ ...pyongyang, schemaVersion: 2 }));
    const r = await farmwatch(['diagnose', '--from', wrong]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/wrong\.json: not a farmwatch snapshot: schemaVersion/)]);
  });

  it('a missing --from file', async () => {
    const r = await farmwatch(['diagnose', '--from', join(dir, 'nope.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/nope\.json: cannot read the file \(ENOENT\)/)]);
  });

  it('a bad config file names the key and what is allowed', async () => {
    const cfg = await config('bad.json', { expected: { timezones: 'America/*' } });
    const r = await farmwatch(['diagnose', '--from', snapFile, '--config', cfg]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/bad\.json: expected\.timezones: .*array/i)]);
    const unknown = await farmwatch(['diagnose', '--from', snapFile, '--config', await config('unknown.json', { expect: {} })]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim().split('\n')).toEqual([expect.stringContaining('unknown key "expect"')]);
    // The README promises the allowed keys at that level.
    expect(unknown.stderr).toMatch(/allowed at the top level: server, .*contact, .*expected, allow, latency/);
    const nested = await farmwatch(['diagnose', '--from', snapFile, '--config', await config('unknown-nested.json', { expected: { timezone: ['UTC'] } })]);
    expect(nested.code).toBe(2);
    expect(nested.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/unknown key "expected\.timezone"; allowed in "expected": timezones, locales, keyboardLayouts, countries$/),
    ]);
    const inArray = await farmwatch(['diagnose', '--from', snapFile, '--config', await config('unknown-anchor.json', { latency: { anchors: [{ host: 'a', port: 1, rtt: 3 }] } })]);
    expect(inArray.stderr.trim().split('\n')).toEqual([expect.stringMatching(/unknown key "latency\.anchors\.0\.rtt"; allowed in "latency\.anchors\.0": host, port, expectedMaxRttMs$/)]);
  });

  it('an unknown flag', async () => {
    const r = await farmwatch(['diagnose', '--send-it']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringContaining("'--send-it'")]);
  });
});

describe('farmwatch diagnose opens no connection unless --probe', () => {
  let server: Server;
  let port: number;
  let accepted = 0;
  beforeAll(async () => {
    server = createServer((s) => {
      accepted += 1;
      s.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('collects this machine with anchors configured and connects to none of them', async () => {
    const cfg = await config('anchors.json', { latency: { anchors: [{ host: '127.0.0.1', port }] }, stateDir: join(dir, 'state-none') });
    const r = await farmwatch(['diagnose', '--json', '--config', cfg]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).snapshot.network?.probes ?? []).toEqual([]);
    expect(accepted).toBe(0);
  });

  it('--probe connects to the configured anchors only and records the RTT', async () => {
    const cfg = await config('anchors-probe.json', { latency: { anchors: [{ host: '127.0.0.1', port }] }, stateDir: join(dir, 'state-none') });
    const r = await farmwatch(['diagnose', '--json', '--probe', '--config', cfg]);
    expect(r.code).toBe(0);
    const probes = JSON.parse(r.stdout).snapshot.network.probes as { host: string; port: number; rttMs: number | null }[];
    expect(probes).toEqual([expect.objectContaining({ host: '127.0.0.1', port, rttMs: expect.any(Number) })]);
    expect(accepted).toBe(1);
  });
});
