import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../helpers/pg-cluster.js';
import { httpReceiver, waitFor } from '../forwarders/receivers.js';
import { pgSkipReason, pgUrl } from '../helpers/engines.js';
import { cleanup, enroll, getJson, makeReport, postJson, postReport, secrets } from './helpers.js';
import { adminSend, deviceKey, enrollSigned, postSigned, signatureFor } from './lifecycle/signed.js';

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
    // Full rows and heartbeats (the rounds after the first repeat each device's facts).
    const stored = await db.query<{ report_id: string }>('SELECT report_id FROM reports UNION ALL SELECT id::text FROM heartbeats');
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

  /** Polls `check` until it holds; returns how long after `since` it first held (fails past 5 s). */
  async function effectAfter(since: number, check: () => Promise<boolean>): Promise<number> {
    for (;;) {
      if (await check()) return Date.now() - since;
      if (Date.now() - since > 5_000) throw new Error('the change never took effect on the other replica');
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  it('a policy change, an allow-list edit, a key reset with re-enrollment and a revocation on A take effect on B within 1 s; a replay has no second effect', async () => {
    const teamviewer = { rule: 'remote-access.running', title: 'TeamViewer running', severity: 'high', confidence: 0.95, subject: 'teamviewer', evidence: {} };
    const put = await adminSend(a.url, 'PUT', '/api/v1/policy', { defaults: { allowTools: ['teamviewer'] } });
    expect(put.status).toBe(200);
    const v1 = put.body.version as number;
    const { token } = await enroll(a.url, 'agree-1');
    const report = (policyVersion: number) => makeReport('agree-1', { score: 0, level: 'none', findings: [teamviewer], agent: { version: '0.1.0', configHash: 'h', health: {}, policyVersion } });
    const serverScore = async (on: Replica) => (await getJson(on.url, '/api/v1/devices/agree-1')).body.standing.serverScore as number;
    // B judges under the allow list and caches it: the sanctioned tool scores nothing.
    expect((await postReport(b.url, token, report(v1))).body.policy).toEqual({ version: v1 });
    await new Promise((r) => setTimeout(r, 400));
    expect((await postReport(b.url, token, report(v1))).status).toBe(202);
    expect(await serverScore(b)).toBe(0);

    // The allow-list edit (a policy change) on A: B hands out the new version and scores the tool.
    const edited = await adminSend(a.url, 'PUT', '/api/v1/policy', { defaults: { allowTools: [] } });
    expect(edited.status).toBe(200);
    const v2 = edited.body.version as number;
    const editedAt = Date.now();
    const policyLag = await effectAfter(editedAt, async () => ((await postReport(b.url, token, report(v1))).body as { policy?: { version?: number } }).policy?.version === v2);
    expect(policyLag).toBeLessThan(1_000);
    expect(await serverScore(b)).toBeGreaterThan(0);

    // A signed device: B learns its key; A resets it and it enrolls again with a new key.
    const first = deviceKey();
    const enrolled = await enrollSigned(a.url, { deviceId: 'agree-key', publicKey: first.publicKey }, first.privateKey);
    expect(enrolled.status).toBe(200);
    const keyReport = () => JSON.stringify(makeReport('agree-key'));
    const signedTo = async (on: Replica, bearer: string, key: typeof first) => {
      const body = keyReport();
      return (await postSigned(on.url, bearer, body, signatureFor(key.privateKey, body, Date.now()))).status;
    };
    expect(await signedTo(b, enrolled.body.token, first)).toBe(202);
    expect((await postJson(a.url, '/api/v1/devices/agree-key/reset')).status).toBe(200);
    const second = deviceKey();
    const again = await enrollSigned(a.url, { deviceId: 'agree-key', publicKey: second.publicKey }, second.privateKey);
    expect(again.status).toBe(200);
    const rekeyedAt = Date.now();
    const keyLag = await effectAfter(rekeyedAt, async () => (await signedTo(b, again.body.token, second)) === 202);
    expect(keyLag).toBeLessThan(1_000);
    // The old key no longer signs for the device on B, with the new token or the old one.
    expect(await signedTo(b, again.body.token, first)).toBe(401);
    expect(await signedTo(b, enrolled.body.token, first)).toBe(401);

    // A revocation on A: B refuses the device.
    expect((await postJson(a.url, '/api/v1/devices/agree-key/revoke')).status).toBe(200);
    const revokedAt = Date.now();
    const revokeLag = await effectAfter(revokedAt, async () => (await signedTo(b, again.body.token, second)) === 401);
    expect(revokeLag).toBeLessThan(1_000);

    // A replayed request: the same signed bytes sent to A, then to both again, are stored once.
    const replayKey = deviceKey();
    const replayed = await enrollSigned(b.url, { deviceId: 'agree-replay', publicKey: replayKey.publicKey }, replayKey.privateKey);
    expect(replayed.status).toBe(200);
    const body = JSON.stringify(makeReport('agree-replay'));
    const headers = signatureFor(replayKey.privateKey, body, Date.now());
    expect((await postSigned(a.url, replayed.body.token, body, headers)).status).toBe(202);
    const replays = await Promise.all([postSigned(a.url, replayed.body.token, body, headers), postSigned(b.url, replayed.body.token, body, headers)]);
    expect(replays.map((r) => r.status)).toEqual([409, 409]);
    expect(replays.map((r) => r.body.error)).toEqual(['replayed', 'replayed']);
    const stored = await db.query<{ n: number }>(
      "SELECT (SELECT count(*)::int FROM reports WHERE device_id = 'agree-replay') + (SELECT count(*)::int FROM heartbeats h JOIN reports b ON b.id = h.base WHERE b.device_id = 'agree-replay') AS n",
    );
    expect(stored.rows[0]?.n).toBe(1);
    const nonces = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM nonces WHERE device_id = 'agree-replay'");
    expect(nonces.rows[0]?.n).toBe(2); // the enrollment's and the report's
    console.log(`replica lag: policy ${policyLag} ms, key ${keyLag} ms, revocation ${revokeLag} ms`);
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
