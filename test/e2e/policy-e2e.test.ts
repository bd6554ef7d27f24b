import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AgentProcess, cli, farmwatch, writeAgentConfig } from '../agent/agent-process.js';

// Central policy and tamper evidence with the real `farmwatch server` and real agent processes on loopback.

const enrollSecret = 'e2e-enroll-secret-0123456789';
const adminToken = 'e2e-admin-token-0123456789abcdef';
let dir: string;
let procs: AgentProcess[] = [];

beforeAll(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-e2e-policy-'));
  procs = [];
});
afterEach(async () => {
  for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) {
    p.child.kill('SIGTERM');
    await p.exited;
  }
  await rm(dir, { recursive: true, force: true });
});

async function startServer(): Promise<string> {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  const config = join(dir, 'server.json');
  await writeFile(config, JSON.stringify({ host: '127.0.0.1', port, db: join(dir, 'farmwatch.db'), enrollSecret, adminToken }), { mode: 0o600 });
  const server = new AgentProcess(['server', '--config', config]);
  procs.push(server);
  const deadline = Date.now() + 20_000;
  while (!/listening on/.test(server.stdout)) {
    if (server.child.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start:\n${server.stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return `http://127.0.0.1:${port}`;
}

async function api(base: string, method: string, path: string, body?: unknown): Promise<Record<string, any>> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  expect(res.status, `${method} ${path}`).toBe(200);
  return (await res.json()) as Record<string, any>;
}

const alerts = async (base: string, rule: string) => ((await api(base, 'GET', '/api/v1/alerts')).alerts as { rule: string; deviceIds: string[] }[]).filter((a) => a.rule === rule);

describe('central policy with real agents', () => {
  it("the laptop's relaxed local config loses to the policy; a policy change reaches it by its next report; a config edit is agent.tampered; a stop is agent.stopped", async () => {
    const base = await startServer();
    // Nobody runs this test in Antarctica: the zone is outside the expected region wherever it runs.
    const v1 = (await api(base, 'PUT', '/api/v1/policy', { defaults: { expected: { timezones: ['Antarctica/*'] }, reportSnapshot: 'always' } })).version as number;
    const home = join(dir, 'laptop');
    // The local admin "relaxes": every zone expected, never send a snapshot.
    const local = { deviceId: 'e2e-pol', server: { url: base }, intervalSec: 5, expected: { timezones: ['*'] }, report: { snapshot: 'never' } };
    const config = await writeAgentConfig(home, local);
    await writeFile(join(home, 'secret'), enrollSecret, { mode: 0o600 });
    const enrolled = await farmwatch(['enroll', '--server', base, '--secret-file', join(home, 'secret'), '--config', config]);
    expect(enrolled.code, enrolled.stderr).toBe(0);
    expect((await stat(join(home, 'state', 'device-key.pem'))).mode & 0o777).toBe(0o600);

    const run = async () => {
      const r = await farmwatch(['run', '--once', '--config', config]);
      expect(r.code, r.stderr).toBe(0);
      return (await api(base, 'GET', '/api/v1/devices/e2e-pol')) as { device: { score: number }; standing: Record<string, any> };
    };
    const first = await run();
    expect(first.standing).toMatchObject({ policyVersion: v1, signed: true });
    expect(first.standing.serverScore).toBeGreaterThan(0);
    // The agent applied the policy itself too (its '*' cannot widen the server's region), and sent the snapshot.
    expect(first.device.score).toBe(first.standing.serverScore);
    const latest = (await api(base, 'GET', '/api/v1/devices/e2e-pol')).findings as { rule: string }[];
    expect(latest.map((f) => f.rule)).toContain('locale.timezone');

    const v2 = (await api(base, 'PUT', '/api/v1/policy', { defaults: { expected: { timezones: ['Antarctica/*'] }, reportSnapshot: 'always' }, weights: { 'locale.timezone': 1 } })).version as number;
    expect(v2).toBe(v1 + 1);
    // This report was evaluated under v1; its answer carries v2.
    expect((await run()).standing.policyVersion).toBe(v1);
    const saved = JSON.parse(await readFile(join(home, 'state', 'policy.json'), 'utf8')) as { version: number };
    expect(saved.version).toBe(v2);
    const third = await run();
    expect(third.standing.policyVersion).toBe(v2);
    expect(third.standing.serverScore).toBeGreaterThan(first.standing.serverScore);
    expect(await alerts(base, 'agent.tampered')).toEqual([]);

    // The local admin edits the config again, with no policy change: the hash changes unexplained.
    await writeFile(config, JSON.stringify({ ...local, stateDir: join(home, 'state'), intervalSec: 600 }));
    await run();
    const tampered = await alerts(base, 'agent.tampered');
    expect(tampered.map((a) => a.deviceIds)).toEqual([['e2e-pol']]);

    const daemon = new AgentProcess(['run', '--config', config]);
    procs.push(daemon);
    await daemon.waitForLog('cycle done: report spooled', 30_000);
    daemon.child.kill('SIGTERM');
    expect((await daemon.exited).code).toBe(0);
    expect((await alerts(base, 'agent.stopped')).map((a) => a.deviceIds)).toEqual([['e2e-pol']]);
  }, 120_000);
});
