import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../agent/config.js';
import { placeHash } from '../../agent/identity.js';
import { matchedArguments, snapshotForReport } from '../../agent/report-privacy.js';
import type { Snapshot } from '../../schema/snapshot/index.js';
import { evaluateSnapshot } from '../../rules/index.js';
import { serverVerdict } from '../../server/verdict/verdict.js';
import { buildReport } from '../../agent/report.js';
import { emptySnapshot } from '../helpers/snapshot.js';

const fleetKey = 'fleet-key-'.repeat(5);
const context = { expected: { timezones: [], locales: [], keyboardLayouts: [], countries: [] }, allowTools: [], latency: { anchors: [] }, now: new Date('2026-01-01T12:00:00Z') };

// Chrome Remote Desktop's Linux host is a Python script: the catalog matches the script argument, not argv[0].
const crd = { pid: 4242, name: 'python3', exe: '/usr/bin/python3', cmdline: ['/usr/bin/python3', '/opt/google/chrome-remote-desktop/chrome-remote-desktop', '--start', '--config=/home/alice/.config/crd/host#secret.json'] };
const editor = { pid: 77, name: 'vim', exe: '/usr/bin/vim', cmdline: ['vim', '/home/alice/letters/resignation.txt'] };

function snapshot(): Snapshot {
  return emptySnapshot({
    processes: [crd, editor],
    host: { hostname: 'laptop-1', os: { name: 'Ubuntu' }, arch: 'x64', machineId: 'cafe0123cafe0123cafe0123cafe0123', virtualization: { isVirtual: false }, power: { onAc: true }, lid: 'open' },
    network: {
      interfaces: [{ name: 'wlan0', kind: 'wifi', mac: 'A4:5E:60:01:02:03', up: true, addresses: [] }],
      identity: { gateway: null, neighbors: [], wifi: { ssid: 'Home 5G', bssid: 'aa:bb:cc:dd:ee:02' }, dnsServers: [] },
    },
  });
}

describe('command lines are redacted when the report is built', () => {
  it('rules see the whole command line; the sent snapshot keeps argv[0] and the argument a finding matched', () => {
    const snap = snapshot();
    const evaluation = evaluateSnapshot(snap, context);
    const running = evaluation.findings.find((f) => f.rule === 'remote-access.running' && f.subject === 'chrome-remote-desktop');
    expect(running, 'the catalog matched the script argument').toBeDefined();
    expect(JSON.stringify(running!.evidence)).toContain('"argument":"chrome-remote-desktop"');
    expect([...matchedArguments(evaluation.findings)]).toEqual([[4242, ['chrome-remote-desktop']]]);

    const sent = snapshotForReport(snap, evaluation.findings, fleetKey, { redactCommandLines: true, clearIdentifiers: false });
    expect(sent.processes?.find((p) => p.pid === 4242)?.cmdline).toEqual(['/usr/bin/python3', 'chrome-remote-desktop']);
    expect(sent.processes?.find((p) => p.pid === 77)?.cmdline).toEqual(['vim']);
    expect(JSON.stringify(sent)).not.toContain('resignation');
    expect(JSON.stringify(sent)).not.toContain('secret.json');
    // The input is untouched: diagnose and the baseline keep whole command lines.
    expect(snap.processes?.[1]?.cmdline).toEqual(editor.cmdline);
  });

  it('the server, re-running the rules on the redacted snapshot, still finds what the agent found', () => {
    const snap = snapshot();
    const config = parseConfig({ report: { snapshot: 'always' } });
    const evaluation = evaluateSnapshot(snap, context);
    const report = buildReport({ snapshot: snap, evaluation, config, deviceId: 'd', fleetKey, agentVersion: '0.1.0', health: {}, nextReportBy: new Date() });
    expect(JSON.stringify(report)).not.toContain('resignation');
    const verdict = serverVerdict(report, { version: 1, expected: context.expected, allowTools: [], weights: {} }, { scoreMismatchPoints: 30, scoreMismatchLevels: 2 });
    expect(verdict.findings.filter((f) => f.rule === 'remote-access.running').map((f) => f.subject)).toEqual(['chrome-remote-desktop']);
    expect(verdict.score).toBe(report.score);
    expect(verdict.mismatch).toBeUndefined();
  });

  it('is on by default; privacy.redactCommandLines: false sends whole command lines', () => {
    expect(parseConfig({}).privacy.redactCommandLines).toBe(true);
    const sent = snapshotForReport(snapshot(), [], fleetKey, { redactCommandLines: false, clearIdentifiers: false });
    expect(sent.processes?.find((p) => p.pid === 77)?.cmdline).toEqual(editor.cmdline);
  });

  it('matchedArguments is total: odd, deep or cyclic evidence gives a defined answer', () => {
    const cyclic: Record<string, unknown> = { pid: 1, argument: 'x' };
    cyclic['self'] = cyclic;
    const odd = [null, 5, 'text', [], { pid: '2', argument: 'y' }, { pid: 3, argument: 7 }, cyclic];
    const findings = [{ rule: 'r', title: 't', severity: 'low' as const, confidence: 1, evidence: { odd } }];
    expect([...matchedArguments(findings)]).toEqual([[1, ['x']]]);
  });
});

describe('the machine id, interface MACs and SSID leave as keyed hashes unless the policy asks for them in clear', () => {
  it('hashes them by default, with the same HMAC as the place identifiers', () => {
    const sent = snapshotForReport(snapshot(), [], fleetKey, { redactCommandLines: true, clearIdentifiers: false });
    expect(sent.host?.machineId).toBe(placeHash(fleetKey, 'cafe0123cafe0123cafe0123cafe0123'));
    expect(sent.network?.interfaces[0]?.mac).toBe(placeHash(fleetKey, 'a4:5e:60:01:02:03'));
    expect(sent.network?.identity.wifi?.ssid).toBe(placeHash(fleetKey, 'Home 5G'));
    expect(sent.network?.identity.wifi?.bssid).toBe(placeHash(fleetKey, 'aa:bb:cc:dd:ee:02'));
    for (const raw of ['cafe0123cafe0123cafe0123cafe0123', 'A4:5E:60:01:02:03', 'Home 5G', 'aa:bb:cc:dd:ee:02']) expect(JSON.stringify(sent)).not.toContain(raw);
  });

  it('clearIdentifiers sends them as collected (place MACs stay hashed: co-location needs only the hash)', () => {
    const sent = snapshotForReport(snapshot(), [], fleetKey, { redactCommandLines: true, clearIdentifiers: true });
    expect(sent.host?.machineId).toBe('cafe0123cafe0123cafe0123cafe0123');
    expect(sent.network?.interfaces[0]?.mac).toBe('A4:5E:60:01:02:03');
    expect(sent.network?.identity.wifi?.ssid).toBe('Home 5G');
    expect(sent.network?.identity.wifi?.bssid).toBe(placeHash(fleetKey, 'aa:bb:cc:dd:ee:02'));
  });
});
