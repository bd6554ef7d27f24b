import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectOnce } from '../../agent/collect-once.js';
import { parseConfig, type Config } from '../../agent/config.js';
import { buildReport } from '../../agent/report.js';
import { Reporter } from '../../agent/reporter.js';
import { ruleContextFor } from '../../agent/rule-context.js';
import { Spool } from '../../agent/spool.js';
import type { Snapshot } from '../../schema/snapshot/index.js';
import { evaluateSnapshot } from '../../rules/index.js';
import type { DevicePolicy } from '../../schema/policy.js';
import { adminSend, enrollWith } from '../server/lifecycle/signed.js';
import { cleanup, startServer, type Running } from '../server/helpers.js';

// docs/privacy.md says, per value, whether it leaves the laptop. This test holds the doc to the bytes: a real snapshot
// of this machine (the real collectors), a real report through the real Reporter to a real server on loopback, and a
// TCP tap between them that keeps every byte the agent wrote.

/** A TCP relay in front of the server that records what the client sends. */
class WireTap {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private chunks: Buffer[] = [];
  constructor(targetPort: number) {
    this.server = createServer((client) => {
      const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
      this.sockets.add(client).add(upstream);
      client.on('data', (c: Buffer) => this.chunks.push(c));
      client.pipe(upstream).pipe(client);
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
    });
  }
  async start(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }
  /** The HTTP request bodies sent since the last call, decompressed when gzip; fails on a framing it does not know. */
  takeBodies(): string[] {
    let buf = Buffer.concat(this.chunks);
    this.chunks = [];
    const bodies: string[] = [];
    while (buf.length) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) throw new Error('incomplete request head on the wire');
      const head = buf.subarray(0, end).toString('latin1');
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      if (!length) throw new Error(`no content-length on the wire:\n${head}`);
      const body = buf.subarray(end + 4, end + 4 + Number(length[1]));
      bodies.push((/\r\ncontent-encoding:\s*gzip/i.test(head) ? gunzipSync(body) : body).toString('utf8'));
      buf = buf.subarray(end + 4 + Number(length[1]));
    }
    return bodies;
  }
  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server.close(r));
  }
}

const log = pino({ level: 'silent' });
/** How a value appears inside JSON text. */
const asJson = (v: string) => JSON.stringify(v).slice(1, -1);
const macSpellings = (mac: string) => [mac.toLowerCase(), mac.toUpperCase(), mac.toLowerCase().replace(/:/g, '-'), mac.toLowerCase().replace(/:/g, '')];

let s: Running;
let tap: WireTap;
let tapUrl: string;
let dir: string;
let child: ChildProcess;
// A process on this machine with an argument no other field can contain.
const secretArgument = `farmwatch-private-argument-${process.pid}-${Date.now()}`;

beforeAll(async () => {
  s = await startServer();
  tap = new WireTap(Number(new URL(s.url).port));
  tapUrl = await tap.start();
  dir = await mkdtemp(join(tmpdir(), 'fw-wire-'));
  child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', secretArgument], { stdio: 'ignore' });
  await once(child, 'spawn');
});

afterAll(async () => {
  child.kill('SIGTERM');
  await tap.stop();
  await s.close();
  cleanup(s.dir);
  await rm(dir, { recursive: true, force: true });
});

/** Enrolls, collects this machine, builds the report as the daemon does and sends it through the tap: the decoded wire body. */
async function sendThroughWire(deviceId: string, config: Config, adjust: (snap: Snapshot) => Snapshot = (x) => x) {
  const enrolled = (await enrollWith(s.url, { deviceId })).body as { token: string; fleetKey: string; policy: DevicePolicy };
  const snapshot = adjust(await collectOnce(config, log, { probe: false }));
  const evaluation = evaluateSnapshot(snapshot, ruleContextFor(config));
  const report = buildReport({
    snapshot, evaluation, config, deviceId, fleetKey: enrolled.fleetKey, agentVersion: '0.1.0', health: {},
    nextReportBy: new Date(Date.now() + 330_000), policy: enrolled.policy,
  });
  expect(report.snapshot, String(report.snapshotOmitted ?? '')).toBeDefined();
  const spool = new Spool(join(dir, deviceId), 50 * 1024 * 1024, log);
  await spool.open();
  const reporter = new Reporter({ serverUrl: tapUrl, token: enrolled.token, spool, log, timeoutMs: 10_000 });
  try {
    expect(await reporter.sendNow(report)).toBe(true);
  } finally {
    reporter.close();
  }
  const bodies = tap.takeBodies();
  expect(bodies).toHaveLength(1);
  return { snapshot, wire: bodies[0]!, policy: enrolled.policy };
}

/** This machine's raw identifiers, as the collectors read them. */
function identifiersOf(snapshot: Snapshot) {
  const macs = [...new Set((snapshot.network?.interfaces ?? []).map((i) => i.mac).filter((m): m is string => !!m && m !== '00:00:00:00:00:00'))];
  const args = (snapshot.processes ?? []).find((p) => p.pid === child.pid)?.cmdline ?? [];
  return { machineId: snapshot.host?.machineId, hostname: snapshot.host?.hostname, macs, args };
}

describe('what leaves the laptop is what docs/privacy.md says (real collectors, real Reporter, bytes on the wire)', () => {
  it('defaults: machine id, interface MACs and command-line arguments absent; hostname present; argv[0] present', async () => {
    const config = parseConfig({ report: { snapshot: 'always' } });
    const { snapshot, wire } = await sendThroughWire('wire-default', config);
    const id = identifiersOf(snapshot);
    // The collectors read what the test scans for (rules see whole command lines): otherwise the test proves nothing.
    expect(id.machineId, 'this machine has a machine id').toBeTruthy();
    expect(id.macs.length, 'this machine has a non-loopback interface MAC').toBeGreaterThan(0);
    expect(id.args).toContain(secretArgument);

    expect(wire.includes(asJson(id.machineId!)), 'machine id').toBe(false);
    for (const mac of id.macs) for (const spelling of macSpellings(mac)) expect(wire.includes(spelling), `interface MAC ${spelling}`).toBe(false);
    expect(wire.includes(secretArgument), 'command-line argument').toBe(false);
    expect(wire).toContain(asJson(process.execPath)); // argv[0] of the same process: "argv[0] only"
    expect(wire).toContain(asJson(id.hostname!)); // "hostname: snapshot"
  });

  it('Wi-Fi (this machine has none, so its real snapshot gets one added): SSID, BSSID and gateway MAC absent', async () => {
    const config = parseConfig({ report: { snapshot: 'always' } });
    const wifi = { ssid: `Farm House ${process.pid}`, bssid: '5c:a6:e6:01:02:03', gateway: '5c:a6:e6:0a:0b:0c' };
    const { wire } = await sendThroughWire('wire-wifi', config, (snap) => ({
      ...snap,
      network: snap.network && {
        ...snap.network,
        identity: { ...snap.network.identity, wifi: { interface: 'wlan0', ssid: wifi.ssid, bssid: wifi.bssid }, gateway: { ip: '192.168.1.1', mac: wifi.gateway } },
      },
    }));
    expect(wire.includes(asJson(wifi.ssid)), 'SSID').toBe(false);
    for (const mac of [wifi.bssid, wifi.gateway]) for (const spelling of macSpellings(mac)) expect(wire.includes(spelling), spelling).toBe(false);
  });

  it('privacy.redactCommandLines: false sends whole command lines', async () => {
    const config = parseConfig({ report: { snapshot: 'always' }, privacy: { redactCommandLines: false } });
    const { wire } = await sendThroughWire('wire-argv', config);
    expect(wire).toContain(secretArgument);
  });

  it('central policy clearIdentifiers: true sends the machine id and interface MACs in clear', async () => {
    expect((await adminSend(s.url, 'PUT', '/api/v1/policy', { defaults: { clearIdentifiers: true } })).status).toBe(200);
    try {
      const config = parseConfig({ report: { snapshot: 'always' } });
      const { snapshot, wire, policy } = await sendThroughWire('wire-clear', config);
      expect(policy.clearIdentifiers).toBe(true);
      const id = identifiersOf(snapshot);
      expect(wire).toContain(asJson(id.machineId!));
      for (const mac of id.macs) expect(wire).toContain(mac);
      expect(wire.includes(secretArgument), 'command lines stay redacted').toBe(false);
    } finally {
      await adminSend(s.url, 'PUT', '/api/v1/policy', { defaults: {} });
    }
  });
});
