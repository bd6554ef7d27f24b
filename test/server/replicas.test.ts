import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../helpers/pg-cluster.js';
import { httpReceiver, waitFor } from '../forwarders/receivers.js';
import { pgSkipReason, pgUrl } from '../helpers/engines.js';
import { cleanup, enroll, getJson, makeReport, postReport, secrets } from './helpers.js';

// Two real `farmwatch server` processes on two ports, one real PostgreSQL (the test cluster of
// test/helpers/pg-global-setup.ts), a real webhook receiver on loopback. Runs the built CLI: `npm run build` first.
const cli = new URL('../../dist/cli/cli.js', import.meta.url).pathname;
const leaderLine = 'this replica runs the periodic jobs';

interface Replica {
  url: string;
  child: ChildProcess;
  log: string[];
  exited: Promise<void>;
}

async function startReplica(config: string): Promise<Replica> {
  // A short tick for the periodic jobs, so that a takeover shows within the test (production: 60 s).
  const child = spawn(process.execPath, [cli, 'server', '--config', config], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FARMWATCH_TIMER_TICK_MS: '300' } });
  const log: string[] = [];
  child.stderr?.on('data', (c: Buffer) => log.push(...c.toString().split('\n').filter(Boolean)));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (c: Buffer) => {
      const m = /listening on (http:\/\/\S+)/.exec(c.toString());
      if (m?.[1]) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`replica exited ${code}: ${log.join('\n').slice(-2000)}`)));
  });
  return { url, child, log, exited };
}

const leads = (r: Replica) => r.log.some((l) => l.includes(leaderLine) && l.includes('"held":true'));

describe.skipIf(pgSkipReason !== undefined)('two replicas on one PostgreSQL', () => {
  let dir: string;
  let db: pg.Client;
  let hook: Awaited<ReturnType<typeof httpReceiver>>;
  let a: Replica;
  let b: Replica;

  beforeAll(async () => {
    if (!pgUrl) throw new Error('FARMWATCH_TEST_PG_URL is unset: CI must run the PostgreSQL tests (apt-get install -y postgresql)');
    dir = mkdtempSync(join(tmpdir(), 'fw-replicas-'));
    hook = await httpReceiver();
    const url = await freshDatabase(pgUrl);
    const config = join(dir, 'server.json');
    writeFileSync(
      config,
      JSON.stringify({
        ...secrets,
        host: '127.0.0.1',
        port: 0,
        db: url,
        silentGraceHours: 0.0005, // under 2 s: the survivor's silence check is seen at work within the test
        forwarders: [{ type: 'webhook', url: `${hook.url}/hook`, format: 'json' }],
        log: { level: 'info' },
      }),
    );
    // Both at once: the migrations run once, under their advisory lock.
    [a, b] = await Promise.all([startReplica(config), startReplica(config)]);
    db = new pg.Client({ connectionString: url });
    await db.connect();
  });

  afterAll(async () => {
    for (const r of [a, b]) {
      if (r && r.child.exitCode === null && r.child.signalCode === null) {
        r.child.kill('SIGTERM');
        await r.exited;
      }
    }
    await db?.end();
    await hook?.close();
    if (dir) cleanup(dir);
  });

  it('stores each report once, opens one fleet.colocation alert, forwards each alert change once', async () => {
    const ids = Array.from({ length: 6 }, (_, i) => `replica-farm-${i}`);
    // Enrolled through both replicas, alternately.
    const tokens = await Promise.all(ids.map(async (id, i) => (await enroll((i % 2 ? b : a).url, id)).token));
    const sent: string[] = [];
    for (let round = 0; round < 3; round++) {
      // Every report to both replicas at once, every device at once.
      await Promise.all(
        ids.map(async (id, i) => {
          const report = makeReport(id);
          sent.push(report.reportId as string);
          const answers = await Promise.all([postReport(a.url, tokens[i]!, report), postReport(b.url, tokens[i]!, report)]);
          const statuses = answers.map((x) => x.status).sort();
          expect(statuses).toEqual([200, 202]);
          expect(answers.find((x) => x.status === 200)?.body).toMatchObject({ duplicate: true });
        }),
      );
    }
    const stored = await db.query<{ report_id: string }>('SELECT report_id FROM reports');
    expect(stored.rows.map((r) => r.report_id).sort()).toEqual([...sent].sort());

    for (const replica of [a, b]) {
      const cluster = (await getJson(replica.url, '/api/v1/alerts')).body.alerts.filter((x: { rule: string }) => x.rule === 'fleet.colocation');
      expect(cluster).toHaveLength(1);
      expect([...cluster[0].deviceIds].sort()).toEqual([...ids].sort());
    }

    // Each change of each alert reaches the webhook once: the outbox drains, no event uid arrives twice.
    const deadline = Date.now() + 15_000;
    while (Number((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox')).rows[0]?.n) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(Number((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox')).rows[0]?.n)).toBe(0);
    await new Promise((r) => setTimeout(r, 500)); // a second delivery, were there one, would land now
    const events = hook.requests.map((r) => JSON.parse(r.body) as { uid: string; kind: string; alert: { id: number; rule: string } });
    expect(new Set(events.map((e) => e.uid)).size).toBe(events.length);
    const alerts = (await db.query<{ id: number }>('SELECT id FROM alerts')).rows.map((r) => Number(r.id)).sort((x, y) => x - y);
    const created = events.filter((e) => e.kind === 'new').map((e) => e.alert.id).sort((x, y) => x - y);
    expect(created).toEqual(alerts);
    expect(events.filter((e) => e.kind === 'new' && e.alert.rule === 'fleet.colocation')).toHaveLength(1);
  });

  it('killing the replica that runs the timers hands them to the other within a minute', async () => {
    await waitFor(() => leads(a) || leads(b), 10_000, 'a replica taking the timers');
    const [leader, other] = leads(a) ? [a, b] : [b, a];
    expect(leads(other)).toBe(false);
    leader.child.kill('SIGKILL');
    await leader.exited;
    const killedAt = Date.now();
    await waitFor(() => leads(other), 60_000, 'the survivor taking the timers');
    expect(Date.now() - killedAt).toBeLessThan(60_000);

    // The survivor's silence check is at work: a device whose promised report is long overdue turns silent.
    const { token } = await enroll(other.url, 'replica-quiet');
    const old = new Date(Date.now() - 3_600_000);
    // Collected an hour ago and delivered now (sentAt is the send time: an hour-old sentAt would be a clock an hour slow).
    expect((await postReport(other.url, token, makeReport('replica-quiet', { sentAt: new Date().toISOString() }, old))).status).toBe(202);
    const silent = async () =>
      (await getJson(other.url, '/api/v1/alerts?status=open')).body.alerts.some((x: { rule: string; deviceIds: string[] }) => x.rule === 'fleet.silent-agent' && x.deviceIds.includes('replica-quiet'));
    const until = Date.now() + 10_000;
    while (!(await silent()) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(await silent()).toBe(true);
  }, 90_000);
});
