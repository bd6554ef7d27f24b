import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPostgres } from '../../../server/storage/pg.js';
import { openSqlite } from '../../../server/storage/sqlite.js';
import { storedBody } from '../../../server/db/report-body.js';
import { reportIdOfKey } from '../../../server/db/heartbeat-key.js';
import { newReportId } from '../../../agent/report-id.js';
import { domainStore, pruneChunk } from '../../../server/storage/store.js';
import type { SqlDb } from '../../../server/db/sql/types.js';
import type { Storage } from '../../../server/storage/types.js';
import { engines, type Engine } from '../../helpers/engines.js';
import { cleanup, enroll, getJson, makeReport, postReport, secrets, startServer, type Running } from '../helpers.js';

interface Row {
  report_id: string;
  body: string;
  body_z: Uint8Array | null;
  /** A heartbeat: the report id of the full row it names. */
  repeats: string | null;
}

// Heartbeats and compressed bodies through the real report route, read back through the API and the storage reads
// the dashboard and the case export use, on every engine.
describe.each(engines)('compact report storage (%s)', (name, engine: Engine) => {
  let s: Running;
  let reader: Storage;
  let token: string;
  const device = 'compact-1';

  beforeEach(async () => {
    const db = await engine.db();
    s = await startServer({ db });
    reader = name === 'postgres' ? await openPostgres({ url: db }) : openSqlite(db);
    ({ token } = await enroll(s.url, device));
  });
  afterEach(async () => {
    await reader.close();
    await s.close();
    cleanup(s.dir);
  });

  /** Posts one report a second after the last, on the server's clock. */
  async function post(report: Record<string, unknown> | string): Promise<void> {
    s.clock.now = new Date(s.clock.now.getTime() + 1000);
    const res = await postReport(s.url, token, report);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
  }
  const at = () => new Date(s.clock.now.getTime() + 1000);
  /** The device's stored reports in the order received: its full rows and the heartbeats naming them. */
  const rows = async (deviceId = device): Promise<Row[]> => {
    const full = await reader.sql.all<Row & { received_ms: number }>('SELECT report_id, body, body_z, NULL AS repeats, received_ms FROM reports WHERE device_id = ?', [deviceId]);
    const beats = await reader.sql.all<{ id: unknown; received_ms: number; repeats: string }>(
      'SELECT h.id, h.received_ms, b.report_id AS repeats FROM heartbeats h JOIN reports b ON b.id = h.base WHERE b.device_id = ?',
      [deviceId],
    );
    const all = [...full, ...beats.map((h) => ({ report_id: reportIdOfKey(h.id)!, body: '', body_z: null, repeats: h.repeats, received_ms: h.received_ms }))];
    return all.sort((a, b) => Number(a.received_ms) - Number(b.received_ms)).map(({ received_ms: _, ...r }) => r);
  };
  const kinds = async () => (await rows()).map((r) => (r.repeats ? 'heartbeat' : r.body_z ? 'full' : 'text'));
  /** The same facts again: new id and times, other cycle costs. */
  const again = (r: Record<string, unknown>, cpuMs: number) => ({ ...r, reportId: randomUUID(), collectedAt: at().toISOString(), sentAt: at().toISOString(), nextReportBy: new Date(at().getTime() + 330_000).toISOString(), agent: { ...(r.agent as object), health: { ...(r.agent as { health: object }).health, cpuMs, wallMs: cpuMs + 9, rssMiB: 60 + cpuMs / 10, forks: cpuMs % 3, maxEventLoopBlockMs: cpuMs % 7 } } });

  /** The same facts again, its id stamped with its collection time as agents stamp them (agent/report.ts). */
  const stamped = (r: Record<string, unknown>, cpuMs: number) => {
    const next = again(r, cpuMs);
    return { ...next, reportId: newReportId(Date.parse(next.collectedAt)) };
  };

  it('stores an unchanged report as a heartbeat and every change as a full row', async () => {
    const first = makeReport(device, { snapshot: { schemaVersion: 1, os: { name: 'linux' } } }, at());
    await post(first);
    await post(again(first, 51));
    await post(again(first, 77));
    expect(await kinds()).toEqual(['full', 'heartbeat', 'heartbeat']);
    const [full, hb1, hb2] = await rows();
    expect(full!.body).toBe('');
    expect(hb1!.repeats).toBe(full!.report_id);
    expect(hb2!.repeats).toBe(full!.report_id);
    expect(hb1!.body_z).toBeNull();

    const finding = { rule: 'remote-access.running', title: 'AnyDesk is running', severity: 'medium', confidence: 0.9, evidence: { process: 'anydesk' } };
    const changes: Record<string, unknown>[] = [
      { findings: [...(first.findings as unknown[]), finding] }, // a finding added
      { score: 13 }, // the score
      { identity: { timezone: 'Asia/Seoul' } }, // identity
      { snapshot: { schemaVersion: 1, os: { name: 'linux', release: '6.1' } } }, // a snapshot fact
      { agent: { ...(first.agent as object), health: { cpuMs: 50, spoolDropped: 3 } } }, // a spool counter is a fact, not a cycle cost
    ];
    let current = first;
    for (const change of changes) {
      current = { ...again(current, 50), ...change };
      await post(current);
      await post(again(current, 60));
    }
    expect(await kinds()).toEqual(['full', 'heartbeat', 'heartbeat', ...changes.flatMap(() => ['full', 'heartbeat'])]);
  });

  it('a heartbeat is a narrow row of its own: 16-byte id, the full row it names, integer times', async () => {
    const first = makeReport(device, {}, at());
    await post(first);
    const beat = again(first, 5);
    await post(beat);
    const [row, ...more] = await reader.sql.all<Record<string, unknown>>('SELECT * FROM heartbeats');
    expect(more).toEqual([]);
    expect(Object.keys(row!).sort()).toEqual(['base', 'collected_ms', 'id', 'received_ms']);
    if (name === 'sqlite') expect((row!.id as Buffer).length).toBe(16);
    expect(reportIdOfKey(row!.id)).toBe(beat.reportId);
    expect(Number(row!.collected_ms)).toBe(Date.parse(beat.collectedAt as string));
    expect(Number(row!.received_ms)).toBe(s.clock.now.getTime());
    const base = await reader.sql.get<{ report_id: string }>('SELECT report_id FROM reports WHERE id = ?', [Number(row!.base)]);
    expect(base?.report_id).toBe(first.reportId);
  });

  it('a heartbeat whose id carries its collection time (as agents stamp them) stores no collected_ms, and reads back the same', async () => {
    const first = makeReport(device, {}, at());
    await post(first);
    const beat = stamped(first, 5);
    await post(beat);
    // An id stamped a few milliseconds away from its collected-at (an older agent's) keeps its time in the row.
    const older = { ...again(first, 6), reportId: newReportId(at().getTime() - 40) };
    await post(older);
    const stored = await reader.sql.all<{ id: unknown; collected_ms: number | string | null }>('SELECT id, collected_ms FROM heartbeats ORDER BY received_ms');
    expect(stored.map((r) => [reportIdOfKey(r.id), r.collected_ms === null ? null : Number(r.collected_ms)])).toEqual([
      [beat.reportId, null],
      [older.reportId, Date.parse(older.collectedAt)],
    ]);
    for (const r of [beat, older]) expect(JSON.parse((await storedBody(reader.sql, r.reportId, device))!)).toEqual({ ...first, reportId: r.reportId, collectedAt: r.collectedAt });
    // Asked in upper case, as the same report.
    expect(JSON.parse((await storedBody(reader.sql, beat.reportId.toUpperCase(), device))!).collectedAt).toBe(beat.collectedAt);
    const history = (await getJson(s.url, `/api/v1/devices/${device}?history=5`)).body.history as { reportId: string; collectedAt: string }[];
    expect(history.map((h) => [h.reportId, h.collectedAt])).toEqual([older, beat, first].map((r) => [r.reportId, r.collectedAt]));
  });

  it('a resent report is a duplicate, whichever table holds it and whatever it would be judged now', async () => {
    const duplicate = async (r: Record<string, unknown>) => {
      s.clock.now = new Date(s.clock.now.getTime() + 1000);
      const res = await postReport(s.url, token, r);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect((res.body as { duplicate?: boolean }).duplicate).toBe(true);
    };
    const first = makeReport(device, {}, at());
    await post(first);
    const beat = again(first, 5);
    await post(beat);
    // The full row again: its facts are the device's last full row's, it would be a heartbeat now.
    await duplicate(first);
    await duplicate(beat);
    // The facts change; the old heartbeat resent would now be stored whole.
    const changed = { ...again(first, 6), score: 40 };
    await post(changed);
    await duplicate(beat);
    // The same UUID in upper case is the same report.
    await duplicate({ ...beat, reportId: (beat.reportId as string).toUpperCase() });
    expect(await kinds()).toEqual(['full', 'heartbeat', 'full']);

    // An id or a collected-at that would not read back as sent (upper case, an offset) is stored whole: read as sent.
    const upper = { ...again(changed, 7), reportId: randomUUID().toUpperCase() };
    await post(upper);
    const offset = { ...again(changed, 8), collectedAt: at().toISOString().replace('Z', '+00:00') };
    await post(offset);
    expect(await kinds()).toEqual(['full', 'heartbeat', 'full', 'full', 'full']);
    for (const r of [upper, offset]) expect(JSON.parse((await storedBody(reader.sql, r.reportId as string, device))!)).toEqual(r);
    await duplicate(upper);

    // The device's history lists every report, newest first, heartbeats with their full row's score.
    const history = (await getJson(s.url, `/api/v1/devices/${device}?history=10`)).body.history as { reportId: string; score: number; collectedAt: string }[];
    expect(history.map((h) => h.reportId)).toEqual([offset, upper, changed, beat, first].map((r) => r.reportId));
    expect(history[3]).toMatchObject({ reportId: beat.reportId, score: first.score, collectedAt: beat.collectedAt });
    const two = (await getJson(s.url, `/api/v1/devices/${device}?history=2`)).body.history as { reportId: string }[];
    expect(two.map((h) => h.reportId)).toEqual([offset.reportId, upper.reportId]);
  });

  it('one id in both tables (two colluding agents on two replicas at once) reads as each device\'s own report', async () => {
    const first = makeReport(device, {}, at());
    await post(first);
    const beat = again(first, 5);
    await post(beat);
    const other = makeReport('collude-2', { score: 99, level: 'critical' }, at());
    // What the race would leave: the heartbeat's id also a full row of another device (no lookup could see both).
    await reader.sql.run('INSERT INTO reports (report_id, device_id, collected_at, received_ms, score, level, source_ip, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
      beat.reportId, 'collude-2', other.collectedAt, s.clock.now.getTime(), 99, 'critical', '127.0.0.1', JSON.stringify({ ...other, reportId: beat.reportId }),
    ]);
    expect(JSON.parse((await storedBody(reader.sql, beat.reportId as string, device))!)).toEqual({ ...first, reportId: beat.reportId, collectedAt: beat.collectedAt });
    expect((await reader.latestReport(device))?.score).toBe(first.score);
    expect(JSON.parse((await storedBody(reader.sql, beat.reportId as string, 'collude-2'))!).score).toBe(99);
  });

  it('answers every read of a heartbeat with the full body, its own report id and collected-at put back', async () => {
    const first = makeReport(device, { snapshot: { schemaVersion: 1, processes: [{ name: 'bash', pid: 1 }] }, extra: { unknown: ['kept'] } }, at());
    await post(first);
    const beat = again(first, 66);
    await post(beat);
    expect(await kinds()).toEqual(['full', 'heartbeat']);

    // The API's device detail: findings of the latest report (the heartbeat).
    const detail = await getJson(s.url, `/api/v1/devices/${device}`);
    expect(detail.status).toBe(200);
    expect(detail.body.findings).toEqual(first.findings);
    expect(detail.body.history[0].reportId).toBe(beat.reportId);

    // The dashboard's and the case export's read of the latest report: the body as received, but for the full row's
    // per-cycle values (sentAt, nextReportBy, cycle costs).
    const latest = await reader.latestReport(device);
    expect(latest).toEqual({ ...first, reportId: beat.reportId, collectedAt: beat.collectedAt });
    expect(Object.keys(latest!)).toEqual(Object.keys(first));
    const viaDevice = await reader.getDevice(device, 5);
    expect(viaDevice?.findings).toEqual(first.findings);
  });

  it('the dashboard\'s device page and the case export read a heartbeat as its full report', async () => {
    const finding = { rule: 'remote-access.running', title: 'CompactMarker is running', severity: 'high', confidence: 0.9, weight: 0.95, group: 'remote-access', attack: ['T1219'], subject: 'compactmarker', evidence: { processes: [{ name: 'compactmarker', pid: 1 }] } };
    const first = makeReport(device, { score: 86, level: 'critical', findings: [finding], snapshot: { schemaVersion: 1, errors: [{ collector: 'usb', code: 'timeout', message: 'usb took too long' }] } }, at());
    await post(first);
    await post(again(first, 33));
    expect(await kinds()).toEqual(['full', 'heartbeat']);
    const login = await fetch(`${s.url}/dashboard/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: secrets.adminToken }).toString(), redirect: 'manual' });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const page = async (path: string) => {
      const res = await fetch(`${s.url}${path}`, { headers: { cookie }, redirect: 'manual' });
      expect(res.status, path).toBe(200);
      return res.text();
    };
    // Findings and the snapshot's collector errors come from the latest report's body: the heartbeat's.
    const devicePage = await page(`/dashboard/devices/${device}`);
    expect(devicePage).toContain('CompactMarker is running');
    expect(devicePage).toContain('usb took too long');
    const cases = (await getJson(s.url, '/api/v1/cases')).body;
    const caseId = (cases.cases as { id: number }[] | undefined)?.[0]?.id;
    expect(caseId, JSON.stringify([cases, (await getJson(s.url, '/api/v1/alerts')).body])).toBeDefined();
    expect(await page(`/dashboard/cases/${caseId}/export`)).toContain('CompactMarker is running');
  });

  it('reads rows stored whole before the migration', async () => {
    const old = makeReport(device, { findings: [{ rule: 'network.vpn', title: 'Astrill', severity: 'medium', confidence: 0.8, evidence: { vpn: 'astrill' } }] }, at());
    // As the ingest wrote a row before compaction: the body as text, nothing else.
    await reader.sql.run('INSERT INTO reports (report_id, device_id, collected_at, received_ms, score, level, source_ip, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
      old.reportId, device, old.collectedAt, s.clock.now.getTime(), 12, 'low', '127.0.0.1', JSON.stringify(old),
    ]);
    await reader.sql.run('UPDATE devices SET latest_report_id = ? WHERE device_id = ?', [old.reportId, device]);
    expect(await reader.latestReport(device)).toEqual(old);
    expect((await getJson(s.url, `/api/v1/devices/${device}`)).body.findings).toEqual(old.findings);
    // The next report with the same facts is stored whole: the device row has no facts hash yet.
    await post(again(old, 40));
    expect(await kinds()).toEqual(['text', 'full']);
  });

  it('a hostile agent cannot make a changed report a heartbeat', async () => {
    const first = makeReport(device, { identity: { timezone: 'America/New_York', gatewayMac: 'a'.repeat(64) } }, at());
    await post(first);
    const [full] = await rows();
    const hash = (await reader.sql.get<{ facts_hash: Uint8Array }>('SELECT facts_hash FROM devices WHERE device_id = ?', [device]))!.facts_hash;
    expect(hash.length).toBe(32);

    // The same facts: a heartbeat, read back with them.
    const same = again(first, 12);
    await post(same);
    expect((await rows()).at(-1)!.repeats).toBe(full!.report_id);
    const body = (await reader.latestReport(device))!;
    // (The gateway's hash is keyed again under the server's key on arrival: the same value in both reports.)
    expect(body.identity).toEqual({ timezone: 'America/New_York', gatewayMac: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(body.findings).toEqual(first.findings);
    expect(body.reportId).toBe(same.reportId);

    const finding = { rule: 'remote-access.running', title: 'AnyDesk is running', severity: 'medium', confidence: 0.9, evidence: { process: 'anydesk' } };
    const changed = { ...again(first, 50), findings: [finding] };
    // The old hash replayed in every field an agent might think of, beside a real change.
    await post({ ...changed, factsHash: Buffer.from(hash).toString('hex'), facts_hash: Buffer.from(hash).toString('hex'), repeats: full!.report_id });
    // Keys reordered, beside a real change (score); and reordered alone: stored whole too (order is part of the hashed text).
    await post(JSON.stringify(Object.fromEntries(Object.entries({ ...again(first, 50), score: 40 }).reverse())));
    await post(JSON.stringify(Object.fromEntries(Object.entries(again(first, 51)).reverse())));
    // Volatile values toggled beside a real change; a volatile name at another place is a fact.
    await post({ ...again(first, 99), sentAt: new Date(at().getTime() - 3000).toISOString(), identity: { ...(first.identity as object), collectedAt: 'x' } });
    await post({ ...again(first, 98), agent: { ...(first.agent as object), health: { cpuMs: 1, refused: { reportId: randomUUID(), bytes: 2_000_000, status: 413 } } } });
    // Data smuggled under a volatile name the schema leaves open is a fact, twice in a row included.
    const smuggled = { ...again(first, 97), agent: { ...(first.agent as object), health: { cpuMs: 1, maxEventLoopBlockMs: { note: 'anything' } } } };
    await post(smuggled);
    await post({ ...smuggled, reportId: randomUUID(), agent: { ...(first.agent as object), health: { cpuMs: 1, maxEventLoopBlockMs: { note: 'else' } } } });
    expect(await kinds()).toEqual(['full', 'heartbeat', 'full', 'full', 'full', 'full', 'full', 'full', 'full']);
  });

  it('another device with the same facts is stored whole: heartbeats never cross devices', async () => {
    const other = await enroll(s.url, 'compact-2');
    const first = makeReport(device, {}, at());
    await post(first);
    s.clock.now = new Date(s.clock.now.getTime() + 1000);
    expect((await postReport(s.url, other.token, { ...again(first, 5), deviceId: 'compact-2' })).status).toBe(202);
    expect((await rows('compact-2')).map((r) => r.repeats)).toEqual([null]);
  });

  it('retention deletes in bounded chunks, and a kept heartbeat whose full row goes becomes a full row', async () => {
    const first = makeReport(device, {}, at());
    await post(first);
    await post(again(first, 1));
    const cut = s.clock.now.getTime() + 500;
    const kept = stamped(first, 2);
    await post(kept); // the first row past the cutoff: a heartbeat of a full row that goes (its time in its id)
    const later = again(first, 3);
    await post(later); // a heartbeat of the same run
    // Old rows of another device, more than a chunk of them, as a server before compaction left them.
    const old = makeReport('gone-device', {}, new Date(cut - 10_000_000));
    const n = pruneChunk * 2 + 17;
    await reader.sql.transaction(async (tx) => {
      for (let i = 0; i < n; i++) {
        await tx.run('INSERT INTO reports (report_id, device_id, collected_at, received_ms, score, level, source_ip, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
          randomUUID(), 'gone-device', old.collectedAt, cut - 10_000_000 + i, 12, 'low', '127.0.0.1', JSON.stringify(old),
        ]);
      }
    });
    const deletes: number[] = [];
    const beatDeletes: number[] = [];
    const counting: SqlDb = {
      dialect: reader.sql.dialect,
      all: (q, p) => reader.sql.all(q, p),
      get: (q, p) => reader.sql.get(q, p),
      transaction: (fn) => reader.sql.transaction(fn),
      lock: (k) => reader.sql.lock(k),
      async run(q, p) {
        const r = await reader.sql.run(q, p);
        if (q.startsWith('DELETE FROM reports')) deletes.push(r.changes);
        if (q.startsWith('DELETE FROM heartbeats WHERE id IN')) beatDeletes.push(r.changes);
        return r;
      },
    };
    const store = domainStore(counting, async () => {});
    // Everything older than the cutoff goes (the full row's report and the first heartbeat of this device, the other
    // device's rows), in statements of at most a chunk each; the full row itself stays as the first kept report.
    expect(await store.prune(new Date(cut), new Date(0))).toBe(n + 2);
    expect(deletes).toEqual([pruneChunk, pruneChunk, n - 2 * pruneChunk]);
    expect(beatDeletes).toEqual([1]);
    // No heartbeat names a row that is gone.
    expect(await reader.sql.all('SELECT h.base FROM heartbeats h LEFT JOIN reports b ON b.id = h.base WHERE b.id IS NULL')).toEqual([]);
    expect(await kinds()).toEqual(['full', 'heartbeat']);
    const read = async (id: string) => JSON.parse((await storedBody(reader.sql, id, device))!) as Record<string, unknown>;
    expect(await read(kept.reportId as string)).toEqual({ ...first, reportId: kept.reportId, collectedAt: kept.collectedAt });
    // The rest of the run reads the promoted row's facts, with its own id and time.
    expect(await read(later.reportId as string)).toEqual({ ...first, reportId: later.reportId, collectedAt: later.collectedAt });
    expect((await reader.latestReport(device))?.reportId).toBe(later.reportId);
    expect((await getJson(s.url, `/api/v1/devices/${device}`)).body.findings).toEqual(first.findings);

    // The device's last full row went: its next report is stored whole.
    await post(again(first, 4));
    expect(await kinds()).toEqual(['full', 'heartbeat', 'full']);
    // Past everything: every row goes and nothing is left to dangle; the next report is whole again.
    expect(await store.prune(new Date(s.clock.now.getTime() + 60_000), new Date(0))).toBe(3);
    expect(await rows()).toEqual([]);
    expect(await reader.latestReport(device)).toBeNull();
    await post(again(first, 5));
    expect(await kinds()).toEqual(['full']);
  });
});
