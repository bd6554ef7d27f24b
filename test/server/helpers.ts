import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createServer, type FarmwatchServer, type ServerOptions } from '../../server/app.js';
import { parseServerConfig } from '../../server/config.js';

export const secrets = { enrollSecret: 'enroll-secret-for-tests-0123456789', adminToken: 'admin-token-for-tests-0123456789abcdef' };

export interface Running {
  url: string;
  server: FarmwatchServer;
  dir: string;
  db: string;
  clock: { now: Date };
  close(): Promise<void>;
}

/** A real server on 127.0.0.1, port 0, a real SQLite file in a temp dir, a clock the test can move. */
export async function startServer(config: Record<string, unknown> = {}, extra: Partial<ServerOptions> = {}, dir?: string): Promise<Running> {
  const home = dir ?? mkdtempSync(join(tmpdir(), 'fw-server-'));
  const db = join(home, 'farmwatch.db');
  const clock = { now: new Date() };
  const server = await createServer({
    config: parseServerConfig({ host: '127.0.0.1', port: 0, db, ...config }),
    secrets,
    logger: pino({ level: 'silent' }),
    now: () => clock.now,
    timers: false,
    ...extra,
  });
  const url = await server.listen();
  return {
    url,
    server,
    dir: home,
    db,
    clock,
    async close() {
      await server.close();
    },
  };
}

export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export const admin = { authorization: `Bearer ${secrets.adminToken}` };
export const json = { 'content-type': 'application/json' };

export async function enroll(url: string, deviceId: string): Promise<{ token: string; fleetKey: string }> {
  const res = await fetch(`${url}/api/v1/enroll`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ secret: secrets.enrollSecret, deviceId, hostname: `${deviceId}.local`, platform: 'linux', agentVersion: '0.1.0' }),
  });
  if (res.status !== 200) throw new Error(`enroll ${deviceId}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { token: string; fleetKey: string };
}

export function makeReport(deviceId: string, overrides: Record<string, unknown> = {}, at = new Date()): Record<string, unknown> {
  return {
    reportId: randomUUID(),
    deviceId,
    agentVersion: '0.1.0',
    collectedAt: at.toISOString(),
    sentAt: at.toISOString(),
    nextReportBy: new Date(at.getTime() + 330_000).toISOString(),
    score: 12,
    level: 'low',
    findings: [
      { rule: 'locale.timezone', title: 'Time zone outside the expected region', severity: 'low', confidence: 0.5, evidence: { timezone: 'Asia/Seoul' } },
    ],
    agent: { version: '0.1.0', configHash: 'abc', health: { cpuMs: 50 } },
    identity: { timezone: 'America/New_York' },
    ...overrides,
  };
}

export async function postReport(url: string, token: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/api/v1/reports`, {
    method: 'POST',
    headers: { ...json, authorization: `Bearer ${token}`, ...headers },
    body: typeof body === 'string' || Buffer.isBuffer(body) ? (body as string) : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON: kept as text */
  }
  return { status: res.status, body: parsed as Record<string, unknown>, headers: res.headers };
}

export async function getJson(url: string, path: string, headers: Record<string, string> = admin) {
  const res = await fetch(`${url}${path}`, { headers });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

export async function postJson(url: string, path: string, headers: Record<string, string> = admin) {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** Bodies a hostile or broken agent may send: any JSON, and valid reports with one field replaced by anything. */
export function anyReportBody(base: Record<string, unknown>): fc.Arbitrary<string> {
  return fc.oneof(
    fc.json(),
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.record({ key: fc.constantFrom(...Object.keys(base), 'identity', 'snapshot', 'extra'), value: fc.jsonValue() }).map(({ key, value }) =>
      JSON.stringify({ ...base, reportId: crypto.randomUUID(), [key]: value }),
    ),
  );
}
