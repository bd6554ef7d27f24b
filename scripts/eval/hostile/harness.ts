/**
 * The hostile-agent harness: a real server on loopback, real devices enrolled with the agent's own signing key
 * code (agent/signing.ts) and honest reports built by the agent's own report builder (agent/report.ts) from the
 * labelled scenario corpus. Shared by test/server/hostile-agent.property.test.ts, scripts/eval/hostile.ts and
 * scripts/bench/hostile-load.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { parseConfig, type Config } from '../../../agent/config.js';
import { applyPolicy, reweigh } from '../../../agent/policy.js';
import { buildReport } from '../../../agent/report.js';
import { ruleContextFor } from '../../../agent/rule-context.js';
import { ensureKeyPair, loadSigner, type Signer } from '../../../agent/signing.js';
import type { Snapshot } from '../../../schema/snapshot/index.js';
import { evaluateSnapshot } from '../../../rules/index.js';
import type { DevicePolicy } from '../../../schema/policy.js';
import type { Report } from '../../../schema/report.js';
import { createServer, type FarmwatchServer } from '../../../server/app.js';
import { parseServerConfig } from '../../../server/config.js';
import { loadCorpus, type Scenario } from '../scenario-corpus.js';

export const hostileSecrets = { enrollSecret: 'hostile-enroll-secret-0123456789', adminToken: 'hostile-admin-token-0123456789abcdef' };
const admin = { authorization: `Bearer ${hostileSecrets.adminToken}` };

/** The server's central policy in every hostile run: the US region the corpus scenarios were labelled for. */
export const hostilePolicy = {
  defaults: { expected: { timezones: ['America/*'], locales: ['en-*', 'es-*'], countries: ['US'] }, reportSnapshot: 'always' },
};

/**
 * The honest starting points: laptops with real findings (AnyDesk in session with Astrill and an Asian clock, a
 * PiKVM, Chrome Remote Desktop, two vendors at once, a renamed JetKVM) and one clean laptop.
 */
export const seedScenarios = ['anydesk-astrill-pyongyang', 'pikvm', 'chrome-remote-desktop-session', 'two-remote-vendors', 'jetkvm-renamed', 'clean-office-laptop'] as const;

export function loadSeeds(): Scenario[] {
  const byName = new Map(loadCorpus().map((s) => [s.name, s]));
  return seedScenarios.map((name) => {
    const s = byName.get(name);
    if (!s) throw new Error(`scenario ${name} is missing from test/scenarios/corpus`);
    return s;
  });
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body, or undefined when the body was not JSON. */
  body: unknown;
  text: string;
  ms: number;
  /** No answer within the timeout, or the connection failed: never a defined answer. */
  failure?: string;
}

/** One HTTP request over a fresh connection, bounded in time: a hang is reported as a failure, not waited on. */
export function send(url: string, method: string, path: string, headers: Record<string, string>, body?: string | Buffer, timeoutMs = 15_000): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(`${url}${path}`, { method, headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed, text, ms: performance.now() - started });
      });
      res.on('error', (err) => resolve({ status: 0, headers: {}, body: undefined, text: '', ms: performance.now() - started, failure: `response: ${err.message}` }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err) => resolve({ status: 0, headers: {}, body: undefined, text: '', ms: performance.now() - started, failure: err.message }));
    req.end(body);
  });
}

export interface HostileServer {
  url: string;
  server: FarmwatchServer;
  /** The server's clock runs `offsetMs` ahead of the machine's; devices sign with the same clock. */
  clock: { offsetMs: number };
  now(): number;
  close(): Promise<void>;
}

/**
 * `db`: a SQLite file or a postgres:// URL; default a SQLite file in a new temp dir (removed on close).
 * `durability` is SQLite's (server/storage/sqlite.ts): the test suite passes 'normal', because the properties are
 * about values, not power cuts, and an fsync per report on a shared disk would dominate its time.
 */
export async function startHostileServer(db?: string, durability?: 'wal-fsync' | 'normal'): Promise<HostileServer> {
  const dir = db ? undefined : mkdtempSync(join(tmpdir(), 'fw-hostile-'));
  const clock = { offsetMs: 0 };
  const server = await createServer({
    now: () => new Date(Date.now() + clock.offsetMs),
    // Behind a trusted proxy on loopback: each device reports from its own address (X-Forwarded-For), as laptops
    // do, so that per-address limits and co-location see one laptop per address, not the whole suite as one.
    config: parseServerConfig({ host: '127.0.0.1', port: 0, db: db ?? join(dir as string, 'farmwatch.db'), trustedProxies: ['127.0.0.1'] }),
    secrets: hostileSecrets,
    logger: pino({ level: 'silent' }),
    timers: false,
    ...(durability ? { sqlite: { durability } } : {}),
  });
  const url = await server.listen();
  const put = await send(url, 'PUT', '/api/v1/policy', { ...admin, 'content-type': 'application/json' }, JSON.stringify(hostilePolicy));
  if (put.status !== 200) throw new Error(`PUT /api/v1/policy: ${put.status} ${put.text}`);
  return {
    url,
    server,
    clock,
    now: () => Date.now() + clock.offsetMs,
    async close() {
      await server.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function adminGet(url: string, path: string): Promise<Record<string, any>> {
  const a = await send(url, 'GET', path, admin);
  if (a.status !== 200) throw new Error(`GET ${path}: ${a.status} ${a.text.slice(0, 300)}`);
  return a.body as Record<string, any>;
}

export interface Standing {
  serverScore: unknown;
  serverLevel: unknown;
  /** The agent's own score as stored on the device row. */
  deviceScore: unknown;
}

export async function standingOf(url: string, deviceId: string): Promise<Standing> {
  const detail = await adminGet(url, `/api/v1/devices/${encodeURIComponent(deviceId)}`);
  return { serverScore: detail.standing?.serverScore, serverLevel: detail.standing?.serverLevel, deviceScore: detail.device?.score };
}

/** Active (open or acknowledged) alerts naming the device. */
export async function activeAlertsOf(url: string, deviceId: string): Promise<{ rule: string; status: string }[]> {
  const active: { rule: string; status: string; deviceIds: string[] }[] = [];
  for (const status of ['open', 'acknowledged']) active.push(...((await adminGet(url, `/api/v1/alerts?status=${status}`)).alerts as typeof active));
  return active.filter((a) => a.deviceIds.includes(deviceId));
}

/**
 * Retires a case's device once it is judged: its open alerts are resolved, so that one case's alert flood does not
 * slow every later case's alert read.
 */
export async function decommission(url: string, deviceId: string): Promise<void> {
  const a = await send(url, 'POST', `/api/v1/devices/${encodeURIComponent(deviceId)}/decommission`, admin);
  if (a.status !== 200) throw new Error(`decommission ${deviceId}: ${a.status} ${a.text.slice(0, 300)}`);
}

/** A laptop as the agent makes it: its own state dir, Ed25519 key, token, fleet key and server policy. */
export interface Device {
  deviceId: string;
  /** The address the device reports from (sent as X-Forwarded-For through the trusted loopback proxy). */
  sourceIp: string;
  stateDir: string;
  publicKey: string;
  token: string;
  fleetKey: string;
  policy: DevicePolicy | undefined;
  signer: Signer;
}

export function enrollBody(deviceId: string, publicKey: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ secret: hostileSecrets.enrollSecret, deviceId, hostname: `${deviceId}.local`, platform: 'linux', agentVersion: '0.1.0', publicKey, ...extra });
}

let nextAddress = 1;
/** 198.18.0.0/15 (reserved for benchmarks): never a real laptop's address. */
export function nextSourceIp(): string {
  const n = nextAddress++ % (2 * 65536);
  return `198.${18 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function enrollDevice(s: HostileServer, deviceId: string): Promise<Device> {
  const url = s.url;
  const stateDir = mkdtempSync(join(tmpdir(), 'fw-hostile-agent-'));
  const publicKey = await ensureKeyPair(stateDir);
  const sourceIp = nextSourceIp();
  let a = await send(url, 'POST', '/api/v1/enroll', { 'content-type': 'application/json', 'x-forwarded-for': sourceIp }, enrollBody(deviceId, publicKey));
  // An enrollment limit is the server's right: wait as told (bounded) rather than fail the run.
  for (let tries = 0; a.status === 429 && tries < 5; tries++) {
    await sleep(Math.min(10, Number(a.headers['retry-after']) || 1) * 1000);
    a = await send(url, 'POST', '/api/v1/enroll', { 'content-type': 'application/json', 'x-forwarded-for': sourceIp }, enrollBody(deviceId, publicKey));
  }
  if (a.status !== 200) throw new Error(`enroll ${deviceId}: ${a.status} ${a.text.slice(0, 300)}`);
  const answer = a.body as { token: string; fleetKey: string; policy?: DevicePolicy };
  const signer = await loadSigner(stateDir, s.now);
  if (!signer) throw new Error(`${stateDir}: no signing key after ensureKeyPair`);
  return { deviceId, sourceIp, stateDir, publicKey, token: answer.token, fleetKey: answer.fleetKey, policy: answer.policy, signer };
}

export function forgetDevice(device: Device): void {
  rmSync(device.stateDir, { recursive: true, force: true });
}

/** What the honest agent would send now for this scenario: its config under the server's policy, as agent/cycle.ts does. */
export function honestReport(device: Device, scenario: Scenario, at: Date): Report {
  const config: Config = parseConfig(scenario.config ?? {}, `${scenario.name}.config`);
  const snapshot: Snapshot = { ...scenario.snapshot, collectedAt: at.toISOString() };
  const evaluation = reweigh(
    evaluateSnapshot(
      snapshot,
      ruleContextFor(applyPolicy(config, device.policy), {
        ...(scenario.baseline ? { baseline: scenario.baseline } : {}),
        ...(scenario.activityHours ? { activityHours: scenario.activityHours } : {}),
        now: at,
      }),
    ),
    device.policy,
  );
  return buildReport({
    snapshot,
    evaluation,
    config,
    deviceId: device.deviceId,
    fleetKey: device.fleetKey,
    agentVersion: '0.1.0',
    health: { cpuMs: 40, wallMs: 60, rssMiB: 70 },
    nextReportBy: new Date(at.getTime() + 330_000 + 30_000),
    now: at,
    policy: device.policy,
  });
}

/** POST /api/v1/reports with the device's token and (unless given) a fresh signature of exactly these bytes. */
export function postReport(url: string, device: Device, body: string, signature?: Record<string, string>): Promise<Answer> {
  return send(url, 'POST', '/api/v1/reports', {
    'content-type': 'application/json',
    authorization: `Bearer ${device.token}`,
    'x-forwarded-for': device.sourceIp,
    ...(signature ?? device.signer(body)),
  }, body);
}
