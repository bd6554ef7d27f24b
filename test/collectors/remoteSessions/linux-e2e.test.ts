import { execFileSync } from 'node:child_process';
import { appendFile, chown, mkdir, mkdtemp, rm, symlink, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../agent/config.js';
import { CycleRunner } from '../../../agent/cycle.js';
import { peerHash } from '../../../agent/identity.js';
import { policyFile } from '../../../agent/policy.js';
import { Spool } from '../../../agent/spool.js';
import { remoteSessions } from '../../../collectors/remoteSessions/index.js';
import { collectUnder } from '../../../collectors/remoteSessions/linux.js';
import type { Snapshot } from '../../../schema/snapshot/index.js';
import type { Collector } from '../../../collectors/types.js';
import type { Report } from '../../../schema/report.js';
import { fakeContext, fixture } from '../../helpers/fake-context.js';
import { captureLog } from '../../agent/log-capture.js';

/**
 * The Linux collector end to end: a temporary root laid out like the real paths (/home/<user>/.anydesk, /var/log),
 * real files, symbolic links and FIFOs on disk, the daemon's cycle runner, and the report as it would be sent.
 */
const runsHere = process.platform === 'linux';
const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const fleetKey = Buffer.alloc(32, 7).toString('base64url');
const enrollment = { deviceId: 'sessions-dev', token: 't'.repeat(43), fleetKey, serverUrl: 'http://127.0.0.1:9', enrolledAt: '2026-01-01T00:00:00Z' };
const hour = 3600_000;
const maria = 1000;

let dir: string;
let root: string;
let home: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-remote-sessions-'));
  root = join(dir, 'root');
  home = join(root, 'home', 'maria');
  await mkdir(join(home, '.anydesk'), { recursive: true });
  await mkdir(join(root, 'var', 'log'), { recursive: true });
  if (asRoot) {
    await chown(home, maria, maria);
    await chown(join(home, '.anydesk'), maria, maria);
  }
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const traceLine = (when: string, what: string) => `   info ${when}       back   4120   5020   17      app.backend_session - ${what}\n`;

async function write(path: string, text: string, append = false): Promise<void> {
  await (append ? appendFile(path, text) : writeFile(path, text));
  if (asRoot) await chown(path, maria, maria);
}

async function daemon(clock: { t: number }) {
  const { log } = captureLog();
  const config = parseConfig({ stateDir: join(dir, 'state'), intervalSec: 300, report: { snapshot: 'always' } });
  await mkdir(config.stateDir!, { recursive: true });
  const spool = new Spool(config.stateDir!, config.report.spoolMaxBytes, log);
  await spool.open();
  const collector: Collector<unknown> = { ...remoteSessions, collect: collectUnder(root) } as Collector<unknown>;
  const cycles = new CycleRunner(config, enrollment, spool, log, {
    now: () => clock.t,
    collectors: [collector],
    makeContext: (signal, _log, _cycle, memory) => ({ ...fakeContext(memory ? { memory } : {}), signal, now: () => new Date(clock.t) }),
  });
  return { cycles, config };
}

/** The sent snapshot's remoteSessions (the report schema keeps the snapshot loose). */
const rs = (report: Report) => (report.snapshot as unknown as Snapshot | undefined)?.remoteSessions;
const historyOf = (report: Report) => report.findings.filter((f) => f.rule === 'remote-access.session-history');

describe.skipIf(!runsHere)('remote session history on Linux, end to end', () => {
  it('a session written to a real AnyDesk trace is reported with a hashed peer id; the raw id never leaves; the next cycle reads only the new tail', async () => {
    const trace = join(home, '.anydesk', 'anydesk.trace');
    await write(trace,
      '   info 2026-03-09 23:52:12.441       back   4120   5020   17           anynet.any_socket - Logged in from 198.51.100.23:50412 on relay 5f2a91c4.\n' +
      traceLine('2026-03-09 23:52:12.598', 'Incoming session request: OPS-PC-7 (417325590)') +
      '   info 2026-03-10 03:18:40.775       back   4120   5020   17             app.session - Session closed by remote.\n');
    const clock = { t: Date.parse('2026-03-10T06:00:00Z') };
    const { cycles } = await daemon(clock);
    const first = (await cycles.run()).report;
    const [finding] = historyOf(first);
    expect(finding).toMatchObject({ subject: 'anydesk', severity: 'high', evidence: { sessions: 1, night: 1, long: 1 } });
    const listed = (finding!.evidence as { list: { peerId: string; peerAddress: string }[] }).list[0]!;
    expect(listed.peerId).toBe(peerHash(fleetKey, '417325590'));
    expect(listed.peerAddress).toBe(peerHash(fleetKey, '198.51.100.23'));
    const sent = JSON.stringify(first);
    expect(sent).not.toContain('417325590');
    expect(sent).not.toContain('198.51.100.23');
    expect(sent).not.toContain('OPS-PC-7');
    expect(rs(first)?.sessions[0]?.peerId).toBe(peerHash(fleetKey, '417325590'));

    // An hour later (the slow cadence): one more session appended; only it is read.
    await write(trace, traceLine('2026-03-10 06:30:00.000', 'Incoming session request: OPS-PC-9 (733100245)'), true);
    clock.t += hour + 60_000;
    const second = (await cycles.run()).report;
    expect(rs(second)?.sessions.map((s) => s.peerId)).toEqual([peerHash(fleetKey, '733100245')]);
    expect(JSON.stringify(second)).not.toContain('733100245');
  });

  it('a help-desk peer id in the policy raises nothing', async () => {
    await write(join(home, '.anydesk', 'connection_trace.txt'), 'Incoming    2026-03-10, 09:02    Token    1098223344    1098223344\n');
    const clock = { t: Date.parse('2026-03-10T10:00:00Z') };
    const { cycles, config } = await daemon(clock);
    await writeFile(policyFile(config.stateDir!), JSON.stringify({ version: 3, expected: { timezones: [], locales: [], keyboardLayouts: [], countries: [] }, allowTools: [], weights: {}, helpdeskPeers: ['1098223344'] }));
    const report = (await cycles.run()).report;
    expect(historyOf(report)).toEqual([]);
    expect(rs(report)?.sessions).toHaveLength(1);
  });

  it('a symbolic link or a FIFO in a log\'s place is refused at once (never followed, never blocking) and reported as tampering', async () => {
    await write(join(root, 'var', 'log', 'secret.txt'), traceLine('2026-03-10 01:00:00.000', 'Incoming session request: X (111111111)'));
    await symlink(join(root, 'var', 'log', 'secret.txt'), join(home, '.anydesk', 'anydesk.trace'));
    execFileSync('/usr/bin/mkfifo', [join(home, '.anydesk', 'connection_trace.txt')]);
    const clock = { t: Date.parse('2026-03-10T10:00:00Z') };
    const { cycles } = await daemon(clock);
    const started = Date.now();
    const report = (await cycles.run()).report;
    expect(Date.now() - started).toBeLessThan(5_000);
    const logs = rs(report)?.logs ?? [];
    expect(logs).toEqual(expect.arrayContaining([
      expect.objectContaining({ source: 'anydesk:ad.trace', state: 'refused', reason: 'not a regular file (symbolic link)' }),
      expect.objectContaining({ source: 'anydesk:connection_trace', state: 'refused', reason: 'not a regular file (FIFO)' }),
    ]));
    expect(rs(report)?.sessions).toEqual([]);
    expect(historyOf(report).map((f) => (f.evidence as { tamper?: boolean }).tamper)).toEqual([true, true]);
  }, 20_000);

  it.skipIf(!asRoot)('a file in a user\'s home owned by somebody else is refused', async () => {
    const trace = join(home, '.anydesk', 'anydesk.trace');
    await writeFile(trace, traceLine('2026-03-10 01:00:00.000', 'Incoming session request: X (111111111)'));
    await chown(trace, 0, 0);
    const { cycles } = await daemon({ t: Date.parse('2026-03-10T10:00:00Z') });
    const logs = rs((await cycles.run()).report)?.logs ?? [];
    expect(logs).toEqual([expect.objectContaining({ state: 'refused', reason: `owned by uid 0, expected ${maria}` })]);
  });

  it('a log that held sessions and then shrank or vanished is a tamper finding', async () => {
    const trace = join(home, '.anydesk', 'anydesk.trace');
    const ctLog = join(home, '.anydesk', 'connection_trace.txt');
    await write(trace, traceLine('2026-03-10 01:00:00.000', 'Incoming session request: X (111111111)'));
    await write(ctLog, 'Incoming    2026-03-10, 01:00    User    222222222    222222222\n');
    const clock = { t: Date.parse('2026-03-10T10:00:00Z') };
    const { cycles } = await daemon(clock);
    expect(historyOf((await cycles.run()).report)).toHaveLength(1);
    await truncate(trace, 0);
    await unlink(ctLog);
    clock.t += hour + 60_000;
    const report = (await cycles.run()).report;
    const states = (rs(report)?.logs ?? []).map((l) => [l.source, l.state]);
    expect(states).toEqual(expect.arrayContaining([['anydesk:ad.trace', 'shrunk'], ['anydesk:connection_trace', 'vanished']]));
    expect(historyOf(report).every((f) => (f.evidence as { tamper?: boolean }).tamper === true && f.severity === 'high')).toBe(true);
    expect(historyOf(report)).toHaveLength(2);
  });

  it.skipIf(!asRoot)('a TeamViewer log (found by listing /var/log/teamviewerNN) deleted after holding sessions is vanished; a rotated-away RustDesk file is not', async () => {
    const tvDir = join(root, 'var', 'log', 'teamviewer15');
    const rdDir = join(home, '.local', 'share', 'logs', 'RustDesk', 'server');
    await mkdir(tvDir, { recursive: true });
    await mkdir(rdDir, { recursive: true });
    for (const d of [join(home, '.local'), join(home, '.local', 'share'), join(home, '.local', 'share', 'logs'), join(home, '.local', 'share', 'logs', 'RustDesk'), rdDir]) await chown(d, maria, maria);
    await writeFile(join(tvDir, 'TeamViewer15_Logfile.log'), fixture('win32', 'teamviewer15-logfile-plaso.log'));
    await write(join(rdDir, 'rustdesk_r00001.log'), fixture('linux', 'rustdesk-server.log'));
    const clock = { t: Date.parse('2026-03-10T10:00:00Z') };
    const { cycles } = await daemon(clock);
    const first = (await cycles.run()).report;
    expect(rs(first)?.sessions.map((s) => s.tool).sort()).toEqual(['rustdesk', 'rustdesk', 'rustdesk', 'teamviewer']);
    await unlink(join(tvDir, 'TeamViewer15_Logfile.log'));
    await unlink(join(rdDir, 'rustdesk_r00001.log'));
    clock.t += hour + 60_000;
    const second = (await cycles.run()).report;
    expect((rs(second)?.logs ?? []).map((l) => [l.source, l.state])).toEqual([['teamviewer:logfile', 'vanished']]);
  });
});
