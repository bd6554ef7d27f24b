import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOctetCounted } from '../../server/forwarders/rfc5424.js';
import { cleanup, enroll, makeReport, postJson, postReport, startServer, getJson, type Running } from '../server/helpers.js';
import { highReport, httpReceiver, hostileProcess, tcpSyslogReceiver, waitFor } from './receivers.js';

describe('forwarders end to end: a high-scoring report reaches every target', () => {
  let server: Running;
  let http: Awaited<ReturnType<typeof httpReceiver>>;
  let syslog: Awaited<ReturnType<typeof tcpSyslogReceiver>>;
  let ocsfPath: string;
  const started = Date.now();

  beforeAll(async () => {
    http = await httpReceiver();
    syslog = await tcpSyslogReceiver();
    const dir = mkdtempSync(join(tmpdir(), 'fw-forwarders-'));
    ocsfPath = join(dir, 'siem', 'ocsf.jsonl');
    server = await startServer(
      {
        forwarders: [
          { type: 'ocsf-file', path: ocsfPath },
          { type: 'syslog', host: '127.0.0.1', port: syslog.port, protocol: 'tcp', format: 'cef' },
          { type: 'splunk-hec', url: `${http.url}/splunk`, token: 'hec-token-123', index: 'security' },
          { type: 'webhook', url: `${http.url}/hook`, format: 'json', headers: { 'x-hook-secret': 's3' } },
        ],
      },
      { forwarderPollMs: 200 },
      dir,
    );
  });
  afterAll(async () => {
    await server.close();
    await http.close();
    await syslog.close();
    cleanup(server.dir);
  });

  it('delivers one OCSF line, one CEF syslog message, one Splunk HEC POST and one webhook POST within 5 s', async () => {
    const { token } = await enroll(server.url, 'laptop-17');
    const posted = Date.now();
    expect((await postReport(server.url, token, makeReport('laptop-17', highReport()))).status).toBe(202);

    const line = await waitFor(() => existsSync(ocsfPath) && readFileSync(ocsfPath, 'utf8'), 5_000, 'OCSF line');
    await waitFor(() => syslog.messages.length >= 1 && http.requests.length >= 2, 5_000 - (Date.now() - posted), 'syslog + HTTP deliveries');

    // OCSF: one line, the required Detection Finding fields.
    const lines = line.trim().split('\n');
    expect(lines).toHaveLength(1);
    const o = JSON.parse(lines[0] ?? '');
    expect(o).toMatchObject({
      class_uid: 2004,
      category_uid: 2,
      type_uid: 200401,
      activity_id: 1,
      severity_id: 4,
      status_id: 1,
      risk_score: 60,
      metadata: { product: { name: 'farmwatch', vendor_name: 'farmwatch' }, version: expect.stringMatching(/^1\.\d+\.\d+$/) },
      finding_info: { title: 'Remote-access software is running', analytic: { name: 'remote-access.running', type_id: 1 } },
      device: { uid: 'laptop-17', hostname: 'laptop-17.local' },
    });
    expect(o.time).toBeGreaterThanOrEqual(started - 1000);
    expect(o.finding_info.uid).toMatch(/^farmwatch-alert-\d+$/);
    expect(o.finding_info.desc).toContain('laptop-17');
    expect(o.finding_info.attacks.length).toBeGreaterThan(0);
    expect(o.evidences[0].data.evidence.process).toBe(hostileProcess);

    // Syslog: one RFC 5424 message carrying CEF.
    expect(syslog.messages).toHaveLength(1);
    const msg = syslog.messages[0] ?? '';
    expect(msg).toMatch(/^<\d+>1 \d{4}-\d\d-\d\dT\S+Z \S+ farmwatch \d+ alert-new - CEF:0\|farmwatch\|farmwatch\|[^|]+\|remote-access\.running\|Remote-access software is running\|8\|/);
    expect(msg).toContain('dhost=laptop-17.local');
    // The agent's '=' is escaped as \= inside the CEF extension; no raw line break survives.
    expect(msg).toContain('| a\\=b');
    expect(msg).not.toContain('| a=b');
    expect(msg).not.toContain('\n');

    const splunk = http.requests.filter((r) => r.path === '/splunk/services/collector/event');
    expect(splunk).toHaveLength(1);
    expect(splunk[0]?.method).toBe('POST');
    expect(splunk[0]?.headers.authorization).toBe('Splunk hec-token-123');
    // A channel id on every request: tokens with indexer acknowledgement refuse requests without one.
    expect(splunk[0]?.headers['x-splunk-request-channel']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const hec = JSON.parse(splunk[0]?.body ?? '');
    expect(hec).toMatchObject({ host: 'laptop-17.local', source: 'farmwatch', sourcetype: 'farmwatch:alert', index: 'security', event: { kind: 'new', alert: { rule: 'remote-access.running', status: 'open' } } });
    expect(typeof hec.time).toBe('number');

    const hooks = http.requests.filter((r) => r.path === '/hook');
    expect(hooks).toHaveLength(1);
    expect(hooks[0]?.headers['x-hook-secret']).toBe('s3');
    expect(JSON.parse(hooks[0]?.body ?? '').alert.evidence.findings[0].evidence.process).toBe(hostileProcess);
  });

  it('an unchanged report sends nothing more; acknowledging the alert sends one update to each', async () => {
    const { token } = await enroll(server.url, 'laptop-18');
    expect((await postReport(server.url, token, makeReport('laptop-18', highReport()))).status).toBe(202);
    await waitFor(() => syslog.messages.some((m) => m.includes('laptop-18')), 5_000, 'first event');
    const before = { syslog: syslog.messages.length, http: http.requests.length };
    expect((await postReport(server.url, token, makeReport('laptop-18', highReport()))).status).toBe(202);

    const alerts = await getJson(server.url, '/api/v1/alerts?status=open');
    const alert = alerts.body.alerts.find((a: { deviceIds: string[] }) => a.deviceIds.includes('laptop-18'));
    expect((await postJson(server.url, `/api/v1/alerts/${alert.id}/ack`)).status).toBe(200);
    await waitFor(() => syslog.messages.length === before.syslog + 1 && http.requests.length === before.http + 2, 5_000, 'update events');
    await new Promise((r) => setTimeout(r, 600));
    expect(syslog.messages.length).toBe(before.syslog + 1);
    expect(syslog.messages.at(-1)).toContain('alert-update');
    expect(syslog.messages.at(-1)).toContain('outcome=acknowledged');
    const ocsf = readFileSync(ocsfPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(ocsf.at(-1)).toMatchObject({ type_uid: 200402, status_id: 2, finding_info: { uid: `farmwatch-alert-${alert.id}` } });

    const metrics = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${'admin-token-for-tests-0123456789abcdef'}` } }).then((r) => r.text());
    expect(metrics).toMatch(/farmwatch_forwarder_delivered_total\{forwarder="syslog"\} [1-9]/);
    expect(metrics).toContain('farmwatch_forwarder_pending{forwarder="splunk-hec"} 0');
    expect(metrics).toContain('farmwatch_forwarder_failed_total{forwarder="webhook"} 0');
  });

  it('parses what it frames', () => {
    expect(parseOctetCounted(Buffer.from('3 abc5 hello2 x')).messages).toEqual(['abc', 'hello']);
  });
});

describe('forwarders and fleet alerts', () => {
  it('a co-location cluster is forwarded when it opens and again when a device joins it', async () => {
    const receiver = await httpReceiver();
    const server = await startServer({ colocation: { minDevices: 3 }, forwarders: [{ type: 'webhook', url: `${receiver.url}/hook`, format: 'json' }] }, { forwarderPollMs: 100 });
    try {
      // Low reports from one address (loopback counts as a place): no device alert, only the cluster.
      for (const id of ['farm-1', 'farm-2', 'farm-3', 'farm-4']) {
        const { token } = await enroll(server.url, id);
        expect((await postReport(server.url, token, makeReport(id))).status).toBe(202);
      }
      await waitFor(() => receiver.requests.length >= 2, 5_000, 'cluster events');
      await new Promise((r) => setTimeout(r, 300));
      const events = receiver.requests.map((r) => JSON.parse(r.body));
      expect(events.map((e) => [e.kind, e.alert.rule, e.alert.deviceIds.length])).toEqual([
        ['new', 'fleet.colocation', 3],
        ['update', 'fleet.colocation', 4],
      ]);
      expect(events[1].devices.map((d: { hostname: string }) => d.hostname)).toContain('farm-4.local');
    } finally {
      await server.close();
      await receiver.close();
      cleanup(server.dir);
    }
  });

  it('a silent agent opens an alert that is forwarded, and its next report forwards the resolution', async () => {
    const receiver = await httpReceiver();
    const server = await startServer({ silentGraceHours: 1, forwarders: [{ type: 'webhook', url: `${receiver.url}/hook`, format: 'json' }] }, { forwarderPollMs: 100 });
    try {
      const { token } = await enroll(server.url, 'quiet-1');
      expect((await postReport(server.url, token, makeReport('quiet-1', {}, server.clock.now))).status).toBe(202);
      server.clock.now = new Date(server.clock.now.getTime() + 3 * 3_600_000);
      expect(await server.server.runSilenceCheck()).toBe(1);
      await waitFor(() => receiver.requests.length >= 1, 5_000, 'silent-agent event');
      expect(JSON.parse(receiver.requests[0]?.body ?? '')).toMatchObject({ kind: 'new', alert: { rule: 'fleet.silent-agent', status: 'open', deviceIds: ['quiet-1'] } });

      expect((await postReport(server.url, token, makeReport('quiet-1', {}, server.clock.now))).status).toBe(202);
      await waitFor(() => receiver.requests.length >= 2, 5_000, 'resolution event');
      expect(JSON.parse(receiver.requests[1]?.body ?? '')).toMatchObject({ kind: 'update', alert: { rule: 'fleet.silent-agent', status: 'resolved' } });
    } finally {
      await server.close();
      await receiver.close();
      cleanup(server.dir);
    }
  });
});
