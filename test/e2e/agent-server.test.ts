import { once } from 'node:events';
import { createServer } from 'node:net';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AgentProcess, cli, farmwatch, writeAgentConfig } from '../agent/agent-process.js';

// The real `farmwatch server` and real agent processes on loopback.

const enrollSecret = 'e2e-enroll-secret-0123456789';
const adminToken = 'e2e-admin-token-0123456789abcdef';
let dir: string;
let servers: AgentProcess[] = [];

beforeAll(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
});

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-e2e-'));
  servers = [];
});

afterEach(async () => {
  for (const s of servers) if (s.child.exitCode === null && s.child.signalCode === null) {
    s.child.kill('SIGTERM');
    await s.exited;
  }
  await rm(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

/** Starts `farmwatch server` on 127.0.0.1:port with a temp SQLite db; resolves with its base URL once it listens. */
async function startServer(port: number): Promise<string> {
  const config = join(dir, 'server.json');
  await writeFile(config, JSON.stringify({ host: '127.0.0.1', port, db: join(dir, 'farmwatch.db'), enrollSecret, adminToken }), { mode: 0o600 });
  const server = new AgentProcess(['server', '--config', config]);
  servers.push(server);
  const deadline = Date.now() + 20_000;
  while (!/listening on (\S+)/.test(server.stdout)) {
    if (server.child.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start:\n${server.stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return `http://127.0.0.1:${port}`;
}

async function stopServer(): Promise<void> {
  const server = servers.at(-1)!;
  server.child.kill('SIGTERM');
  expect((await server.exited).code).toBe(0);
}

async function api<T>(base: string, path: string): Promise<T> {
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${adminToken}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

/** An agent with its own state dir and deviceId, enrolled with the server. */
async function enrolledAgent(name: string, serverUrl: string): Promise<string> {
  const config = await writeAgentConfig(join(dir, name), { deviceId: name, server: { url: serverUrl } });
  await writeFile(join(dir, name, 'secret'), enrollSecret, { mode: 0o600 });
  const r = await farmwatch(['enroll', '--server', serverUrl, '--secret-file', join(dir, name, 'secret'), '--config', config]);
  expect(r.code, r.stderr).toBe(0);
  return config;
}

interface Alert { rule: string; status: string; deviceIds: string[] }
interface History { reportId: string; collectedAt: string }

describe('agent ↔ server end to end', () => {
  it('several enrolled agents report; the API shows devices, history and one fleet.colocation alert covering them all', async () => {
    const base = await startServer(await freePort());
    const names = ['farm-a', 'farm-b', 'farm-c', 'farm-d'];
    const configs: string[] = [];
    for (const name of names) configs.push(await enrolledAgent(name, base));
    const runs = await Promise.all(configs.map((c) => farmwatch(['run', '--once', '--config', c])));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);

    const { devices } = await api<{ devices: { deviceId: string; lastSeen: string | null }[] }>(base, '/api/v1/devices');
    expect(devices.map((d) => d.deviceId).sort()).toEqual(names);
    for (const name of names) {
      const detail = await api<{ history: History[] }>(base, `/api/v1/devices/${name}`);
      expect(detail.history).toHaveLength(1);
    }
    // Fleet rules run as reports arrive: the alert exists within seconds.
    let colocation: Alert[] = [];
    for (let i = 0; i < 50 && !colocation.some((a) => names.every((n) => a.deviceIds.includes(n))); i++) {
      colocation = (await api<{ alerts: Alert[] }>(base, '/api/v1/alerts')).alerts.filter((a) => a.rule === 'fleet.colocation');
      await new Promise((r) => setTimeout(r, 100));
    }
    // One farm, one alert: the same members seen through several places (source address, gateway MAC) are one cluster.
    expect(colocation.map((a) => (a as Alert & { summary?: string }).summary), 'fleet.colocation alerts').toHaveLength(1);
    expect([...colocation[0]!.deviceIds].sort()).toEqual(names);
  }, 120_000);

  it('server down for three --once runs, then up for two more: the server holds five distinct reports, none twice', async () => {
    const port = await freePort();
    const base = await startServer(port);
    const config = await enrolledAgent('laptop-offline', base);
    await stopServer();

    for (let i = 0; i < 3; i++) expect((await farmwatch(['run', '--once', '--config', config])).code).toBe(0);
    await startServer(port);
    for (let i = 0; i < 2; i++) {
      const r = await farmwatch(['run', '--once', '--config', config]);
      expect(r.code, r.stderr).toBe(0);
    }

    const { history } = await api<{ history: History[] }>(base, '/api/v1/devices/laptop-offline');
    expect(history).toHaveLength(5);
    expect(new Set(history.map((h) => h.reportId)).size).toBe(5);
  }, 120_000);
});
