import { createServer } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deviceIdFromHardwareId } from '../../agent/identity.js';
import { reportSchema } from '../../schema/report.js';
import { AgentProcess, cli, farmwatch, writeAgentConfig } from './agent-process.js';
import { ProtocolServer } from './protocol-server.js';

let dir: string;
let server: ProtocolServer;

beforeAll(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
});

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-cli-'));
  server = new ProtocolServer();
  await server.start();
});

afterEach(async () => {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

/** A loopback port with nothing listening. */
async function closedPort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

async function enroll(config: string, url = server.url) {
  await writeFile(join(dir, 'secret'), 'the-enroll-secret\n', { mode: 0o600 });
  return farmwatch(['enroll', '--server', url, '--secret-file', join(dir, 'secret'), '--config', config]);
}

async function spooled(stateDir: string): Promise<string[]> {
  return (await readdir(join(stateDir, 'spool'))).filter((n) => n.endsWith('.json'));
}

describe('farmwatch enroll', () => {
  it('saves token and fleet key in a 0600 file inside a 0700 state dir, and never prints the secret', async () => {
    const config = await writeAgentConfig(dir, { deviceId: 'laptop-42' });
    const r = await enroll(config);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('device laptop-42 enrolled');
    expect(r.stdout + r.stderr).not.toContain('the-enroll-secret');
    expect(server.enrollments[0]).toMatchObject({ secret: 'the-enroll-secret', deviceId: 'laptop-42', platform: process.platform });
    const file = join(dir, 'state', 'enrollment.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'state'))).mode & 0o777).toBe(0o700);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ deviceId: 'laptop-42', token: 't'.repeat(43), fleetKey: 'k'.repeat(43), serverUrl: server.url });
  });

  it('derives the deviceId from the machine id as a hash', async () => {
    const config = await writeAgentConfig(dir, {});
    expect((await enroll(config)).code).toBe(0);
    const machineId = readFileSync('/etc/machine-id', 'utf8').trim();
    expect(server.enrollments[0]?.deviceId).toBe(deviceIdFromHardwareId(machineId));
    expect(JSON.stringify(server.enrollments[0])).not.toContain(machineId);
  });

  it('explains 409, 401 and an unreachable server in one line each', async () => {
    const config = await writeAgentConfig(dir, { deviceId: 'laptop-7' });
    server.enrollStatus = 409;
    const conflict = await enroll(config);
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toMatch(/already enrolled; an admin resets it \(dashboard: the device's page, Reset; or POST \/api\/v1\/devices\/laptop-7\/reset\)/);
    expect(conflict.stderr).not.toContain('--secret-file');
    server.enrollStatus = 401;
    const bad = await enroll(config);
    expect(bad.stderr).toMatch(/refused the enrollment secret/);
    const port = await closedPort();
    const down = await enroll(config, `http://127.0.0.1:${port}`);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(`http://127.0.0.1:${port}/api/v1/enroll: connection refused by 127.0.0.1:${port} (ECONNREFUSED)`);
    expect(existsSync(join(dir, 'state', 'enrollment.json'))).toBe(false);
  });
});

describe('farmwatch run', () => {
  it('refuses to run unenrolled: one line, exit 2', async () => {
    const config = await writeAgentConfig(dir, {});
    const r = await farmwatch(['run', '--once', '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('not enrolled');
  });

  it('--once against a closed port exits 0 and leaves the report spooled; the next --once delivers it', async () => {
    const port = await closedPort();
    const config = await writeAgentConfig(dir, { deviceId: 'd-once' });
    expect((await enroll(config)).code).toBe(0);
    const state = join(dir, 'state');
    const enrollment = JSON.parse(await readFile(join(state, 'enrollment.json'), 'utf8'));
    await writeFile(join(state, 'enrollment.json'), JSON.stringify({ ...enrollment, serverUrl: `http://127.0.0.1:${port}` }));
    const r = await farmwatch(['run', '--once', '--config', config]);
    expect(r.code).toBe(0);
    // start-up work is done and measured before the first cycle (agent/cycle.ts prepare)
    const ready = r.stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { msg: string; wallMs?: number; maxEventLoopBlockMs?: number }).find((l) => l.msg.startsWith('agent ready'));
    expect(ready).toMatchObject({ wallMs: expect.any(Number), maxEventLoopBlockMs: expect.any(Number) });
    const files = await spooled(state);
    expect(files).toHaveLength(1);
    const report = reportSchema.parse(JSON.parse(await readFile(join(state, 'spool', files[0]!), 'utf8')));
    expect(report.deviceId).toBe('d-once');

    await writeFile(join(state, 'enrollment.json'), JSON.stringify(enrollment));
    expect((await farmwatch(['run', '--once', '--config', config])).code).toBe(0);
    expect(await spooled(state)).toEqual([]);
    expect(server.committed.has(report.reportId)).toBe(true);
    expect(server.committed.size).toBe(2);
  });

  it('SIGTERM mid-cycle: the cycle in hand finishes (report spooled) and the process exits 0', async () => {
    const config = await writeAgentConfig(dir, { deviceId: 'd-term', intervalSec: 5 });
    expect((await enroll(config)).code).toBe(0);
    server.respond = () => ({ status: 503, headers: { 'retry-after': '600' } });
    const agent = new AgentProcess(['run', '--config', config]);
    await agent.waitForLog('cycle started');
    agent.child.kill('SIGTERM');
    const exit = await agent.exited;
    expect(exit.code).toBe(0);
    const msgs = agent.logs().map((l) => l.msg);
    expect(msgs.indexOf('stopping after the cycle in hand')).toBeGreaterThan(-1);
    expect(msgs.indexOf('cycle done: report spooled')).toBeGreaterThan(msgs.indexOf('cycle started'));
    expect(msgs.filter((m) => m === 'cycle started')).toHaveLength(1);
    expect(msgs.at(-1)).toBe('agent stopped');
    expect(await spooled(join(dir, 'state'))).toHaveLength(1);
  });

  it('SIGINT between cycles exits 0 at once', async () => {
    const config = await writeAgentConfig(dir, { deviceId: 'd-int', intervalSec: 60 });
    expect((await enroll(config)).code).toBe(0);
    const agent = new AgentProcess(['run', '--config', config]);
    await agent.waitForLog('cycle done: report spooled');
    const started = Date.now();
    agent.child.kill('SIGINT');
    expect((await agent.exited).code).toBe(0);
    expect(Date.now() - started).toBeLessThan(3_000);
    // The delivery pass may or may not have started: either way the report is delivered or still spooled.
    const received = [...server.committed.values()];
    const stopping = received.filter((r) => (r.body.agent as { stopping?: boolean }).stopping === true);
    expect(received.length - stopping.length + (await spooled(join(dir, 'state'))).length).toBe(1);
    // The service announced its stop with one last report (outside the spool).
    expect(stopping).toHaveLength(1);
  });

  it('SIGKILL while spooling loses nothing: every spooled entry parses or is a tmp file cleaned on restart', async () => {
    // snapshot "always" makes each spool write larger (longer to hit); 503 keeps everything spooled.
    const config = await writeAgentConfig(dir, { deviceId: 'd-kill', intervalSec: 5, report: { snapshot: 'always' } });
    expect((await enroll(config)).code).toBe(0);
    const state = join(dir, 'state');
    server.respond = () => ({ status: 503 });
    const logged = new Set<string>();
    let cycleMs = 200;
    let tmpLeft = 0;
    const rounds = 12;
    for (let i = 0; i < rounds; i++) {
      const agent = new AgentProcess(['run', '--config', config]);
      await agent.waitForLog('cycle started');
      const t0 = Date.now();
      if (i === 0) {
        // Calibration: how long from "cycle started" to the spool write on this machine now.
        await agent.waitForLog('cycle done: report spooled');
        cycleMs = Date.now() - t0;
      } else {
        // Aim at the spool write, at the end of the cycle, with a spread either side.
        await new Promise((r) => setTimeout(r, Math.max(0, cycleMs - 40 + Math.random() * 50)));
      }
      agent.child.kill('SIGKILL');
      const exit = await agent.exited;
      expect(exit.signal).toBe('SIGKILL');
      for (const l of agent.logs()) if (l.msg === 'cycle done: report spooled') logged.add(String(l.reportId));
      if ((await readdir(join(state, 'spool'))).some((n) => n.endsWith('.tmp'))) tmpLeft += 1;
    }
    // Informational: how many kills landed inside a write (a tmp file left behind).
    console.info(`SIGKILL rounds: ${rounds}, kills that left a tmp file: ${tmpLeft}, reports logged as spooled: ${logged.size}`);
    // Every report the agent said it spooled is there, complete and valid.
    const names = await readdir(join(state, 'spool'));
    const entries = names.filter((n) => n.endsWith('.json'));
    for (const n of names) expect(n.endsWith('.json') || n.endsWith('.tmp')).toBe(true);
    const ids = new Set<string>();
    for (const n of entries) ids.add(reportSchema.parse(JSON.parse(await readFile(join(state, 'spool', n), 'utf8'))).reportId);
    for (const id of logged) expect(ids.has(id)).toBe(true);
    expect(ids.size).toBeGreaterThanOrEqual(logged.size);

    // Restart with the server accepting: tmp leftovers removed, nothing quarantined, every spooled report delivered once.
    server.respond = () => undefined;
    const last = await farmwatch(['run', '--once', '--config', config]);
    expect(last.code).toBe(0);
    expect(await readdir(join(state, 'spool'))).toEqual([]);
    expect(await readdir(join(state, 'quarantine'))).toEqual([]);
    for (const id of ids) expect(server.committed.has(id)).toBe(true);
    expect(server.committed.size).toBe(ids.size + 1);
    expect(new Set(server.requests.filter((q) => server.committed.has(q.reportId) && q.body).map((q) => q.reportId)).size).toBe(ids.size + 1);
  }, 120_000);
});
