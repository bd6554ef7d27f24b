import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Reporter, retryAfterMs, type ReporterOptions } from '../../agent/reporter.js';
import { Spool } from '../../agent/spool.js';
import { captureLog } from './log-capture.js';
import { makeReport } from './make-report.js';
import { ProtocolServer } from './protocol-server.js';

let dir: string;
let server: ProtocolServer;
let logs: ReturnType<typeof captureLog>;
let spool: Spool;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-spool-'));
  server = new ProtocolServer();
  await server.start();
  logs = captureLog();
  spool = new Spool(dir, 50 * 1024 * 1024, logs.log);
  await spool.open();
});

afterEach(async () => {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

function reporter(extra: Partial<ReporterOptions> = {}): Reporter {
  return new Reporter({ serverUrl: server.url, token: 'device-token', spool, log: logs.log, timeoutMs: 2_000, ...extra });
}

/** Spools n reports with increasing times (so their order on disk is known) and returns their ids in that order. */
async function spoolReports(n: number, start = 1_000): Promise<string[]> {
  const ids: string[] = [];
  // Added newest first on purpose: the order must come from the spooled time, not from the order of writes.
  for (let i = n - 1; i >= 0; i--) {
    const report = makeReport();
    await spool.add(report, start + i);
    ids.unshift(report.reportId);
  }
  return ids;
}

describe('spool + reporter against a real HTTP server on loopback', () => {
  it('delivers oldest first, with the bearer token, and empties the spool', async () => {
    const ids = await spoolReports(4);
    const r = reporter();
    const result = await r.drain();
    r.close();
    expect(result).toMatchObject({ sent: 4, duplicates: 0, deadLettered: 0 });
    expect(result.stopped).toBeUndefined();
    expect(server.requests.map((q) => q.reportId)).toEqual(ids);
    expect(server.requests.every((q) => q.authorization === 'Bearer device-token')).toBe(true);
    expect(await spool.list()).toEqual([]);
  });

  it('moves a report refused for good (400, 403, 413) to dead-letter without blocking the ones behind it; a 413 is named in a small report sent at once', async () => {
    const ids = await spoolReports(5);
    const refused = new Map([[ids[1]!, 400], [ids[2]!, 413], [ids[3]!, 403]]);
    server.respond = (q) => (refused.has(q.reportId) ? { status: refused.get(q.reportId)! } : undefined);
    const r = reporter();
    const result = await r.drain();
    r.close();
    expect(result).toMatchObject({ sent: 2, deadLettered: 3, refusedNoticed: 1 });
    const committed = [...server.committed.values()];
    // The notice goes right after the refused report, before the newer ones behind it.
    expect(committed.map((q) => q.reportId)).toEqual([ids[0], expect.any(String), ids[4]]);
    const notice = committed[1]!.body as { agent: { health: { refused?: Record<string, unknown> } } };
    expect(notice.agent.health.refused).toMatchObject({ reportId: ids[2], status: 413 });
    expect(notice.agent.health.refused?.bytes).toBeGreaterThan(0);
    const dead = await readdir(spool.deadLetterDir);
    expect(dead.map((n) => n.slice(-41, -5)).sort()).toEqual([ids[1], ids[2], ids[3]].sort());
    expect((await spool.counters()).deadLettered).toBe(3);
    expect(logs.lines().filter((l) => String(l.msg).includes('dead-letter'))).toHaveLength(3);
  });

  it('spools the report naming a 413-refused one when it cannot go at once, and delivers it on the next pass', async () => {
    let clock = 1_000_000;
    const [big, after] = await spoolReports(2);
    server.respond = (q) => (q.reportId === big ? { status: 413 } : server.requests.length === 2 ? { status: 503 } : undefined);
    const r = reporter({ now: () => clock, random: () => 1, backoffBaseMs: 1_000 });
    const first = await r.drain();
    expect(first).toMatchObject({ sent: 0, deadLettered: 1, stopped: { reason: expect.stringContaining('HTTP 503'), retryAt: clock + 1_000 } });
    expect(first.refusedNoticed).toBeUndefined();
    // Spooled: it survives a restart like any report.
    expect((await spool.list()).map((e) => e.name.slice(-41, -5))).toEqual([after, server.requests[1]!.reportId]);
    clock += 1_000;
    const second = await r.drain();
    r.close();
    expect(second).toMatchObject({ sent: 2, deadLettered: 0 });
    const notice = server.committed.get(server.requests[1]!.reportId)!.body as { agent: { health: { refused?: { reportId: string } } } };
    expect(notice.agent.health.refused?.reportId).toBe(big);
    expect(await spool.list()).toEqual([]);
  });

  it('honours 429 Retry-After: no send before it, delivery after it', async () => {
    let clock = 1_000_000;
    const ids = await spoolReports(2);
    server.respond = (_q, attempt) => (attempt === 1 && server.requests.length === 1 ? { status: 429, headers: { 'retry-after': '7' } } : undefined);
    const r = reporter({ now: () => clock });
    const first = await r.drain();
    expect(first.stopped?.retryAt).toBe(clock + 7_000);
    expect(server.requests).toHaveLength(1);

    clock += 6_999;
    const early = await r.drain();
    expect(early.stopped?.reason).toBe('backing off');
    expect(server.requests).toHaveLength(1); // nothing sent inside the Retry-After window

    clock += 1;
    const later = await r.drain();
    r.close();
    expect(later).toMatchObject({ sent: 2 });
    expect([...server.committed.keys()]).toEqual(ids);
  });

  it('backs off exponentially with full jitter on 5xx and network errors, capped', async () => {
    await spoolReports(1);
    server.respond = () => ({ status: 500 });
    const clock = 0;
    const r = reporter({ now: () => clock, random: () => 1, backoffBaseMs: 1_000, backoffCapMs: 5_000 });
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      r.retryAt = 0;
      delays.push((await r.drain()).stopped!.retryAt - clock);
    }
    r.close();
    expect(delays).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
    // full jitter: the delay is drawn in [0, step]
    const half = reporter({ now: () => clock, random: () => 0.5, backoffBaseMs: 1_000 });
    expect((await half.drain()).stopped!.retryAt).toBe(500);
    half.close();
    expect(await spool.list()).toHaveLength(1);
  });

  it('on 401 logs re-enrollment guidance and pauses for long instead of looping', async () => {
    await spoolReports(3);
    server.respond = () => ({ status: 401 });
    const clock = 5_000;
    const r = reporter({ now: () => clock, authBackoffMs: 3_600_000 });
    const result = await r.drain();
    expect(result.stopped?.retryAt).toBe(clock + 3_600_000);
    expect(server.requests).toHaveLength(1);
    await r.drain();
    r.close();
    expect(server.requests).toHaveLength(1);
    const guidance = logs.lines().find((l) => String(l.msg).includes('farmwatch enroll'));
    expect(guidance?.msg).toMatch(/after an admin resets the device/);
    expect(await spool.list()).toHaveLength(3);
    expect(JSON.stringify(logs.lines())).not.toContain('device-token');
  });

  it('quarantines corrupt entries (bad JSON, not a report) and still delivers the rest', async () => {
    const ids = await spoolReports(2, 2_000);
    await writeFile(join(spool.dir, `${'1500'.padStart(15, '0')}-000001-${crypto.randomUUID()}.json`), '{"reportId": "trunc');
    await writeFile(join(spool.dir, `${'1600'.padStart(15, '0')}-000001-${crypto.randomUUID()}.json`), JSON.stringify({ hello: 'world' }));
    const r = reporter();
    const result = await r.drain();
    r.close();
    expect(result).toMatchObject({ sent: 2, quarantined: 2 });
    expect([...server.committed.keys()]).toEqual(ids);
    expect(await readdir(spool.quarantineDir)).toHaveLength(2);
    expect(logs.lines().filter((l) => l.msg === 'corrupt spool entry quarantined')).toHaveLength(2);
  });

  it('is bounded: when full, the oldest reports are dropped and counted', async () => {
    const size = Buffer.byteLength(JSON.stringify(makeReport()));
    const small = new Spool(dir, size * 3 + 10, logs.log);
    await small.open();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const report = makeReport();
      ids.push(report.reportId);
      await small.add(report, 10_000 + i);
    }
    const kept = await small.list();
    expect(kept.map((e) => e.name.slice(-41, -5))).toEqual(ids.slice(2));
    expect((await small.counters()).dropped).toBe(2);
  });

  it('is exactly-once from the server view: a lost acknowledgement is resent and answered 200 duplicate', async () => {
    const ids = await spoolReports(3);
    // The server commits the second report but the connection drops before the answer reaches the agent.
    server.respond = (q, attempt) => (q.reportId === ids[1] && attempt === 1 ? { status: 0, commit: true, dropConnection: true } : undefined);
    const r = reporter({ random: () => 0 });
    const first = await r.drain();
    expect(first).toMatchObject({ sent: 1 });
    expect(first.stopped).toBeDefined();
    const second = await r.drain();
    r.close();
    expect(second).toMatchObject({ sent: 1, duplicates: 1 });
    expect(await spool.list()).toEqual([]);
    expect([...server.committed.keys()].sort()).toEqual([...ids].sort());
    expect(server.requests.filter((q) => q.reportId === ids[1])).toHaveLength(2);
  });

  it('gives up on a server that never answers within timeoutMs, keeping the report', async () => {
    await spoolReports(1);
    const { createServer } = await import('node:http');
    const silent = createServer(() => undefined).listen(0, '127.0.0.1');
    await new Promise((resolve) => silent.once('listening', resolve));
    const port = (silent.address() as { port: number }).port;
    const r = new Reporter({ serverUrl: `http://127.0.0.1:${port}`, token: 't', spool, log: logs.log, timeoutMs: 1_000 });
    const started = Date.now();
    const result = await r.drain();
    r.close();
    silent.closeAllConnections();
    silent.close();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.stopped?.reason).toMatch(/no answer within 1000 ms/);
    expect(await spool.list()).toHaveLength(1);
  });

  it('sends large reports gzip-compressed and sets sentAt at send time', async () => {
    const big = makeReport({ sentAt: '2000-01-01T00:00:00.000Z', snapshot: { schemaVersion: 1, pad: 'x'.repeat(40_000) } });
    await spool.add(big);
    const r = reporter();
    await r.drain();
    r.close();
    const got = server.requests[0]!;
    expect(got.gzip).toBe(true);
    expect(got.body.sentAt).not.toBe('2000-01-01T00:00:00.000Z');
    expect(Date.now() - Date.parse(String(got.body.sentAt))).toBeLessThan(10_000);
  });

  it('removes temporary files an interrupted write left behind, and nothing else, on open', async () => {
    const [id] = await spoolReports(1);
    await writeFile(join(spool.dir, 'x.json.123.tmp'), '{"partial');
    const reopened = new Spool(dir, 50 * 1024 * 1024, logs.log);
    await reopened.open();
    const names = await readdir(reopened.dir);
    expect(names).toHaveLength(1);
    expect(names[0]).toContain(id);
    expect(JSON.parse(await readFile(join(reopened.dir, names[0]!), 'utf8')).reportId).toBe(id);
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates, caps at a day, ignores garbage', () => {
    expect(retryAfterMs('120', 0)).toBe(120_000);
    expect(retryAfterMs(new Date(60_000).toUTCString(), 0)).toBe(60_000);
    expect(retryAfterMs('99999999', 0)).toBe(86_400_000);
    expect(retryAfterMs('soon', 0)).toBeUndefined();
    expect(retryAfterMs(null, 0)).toBeUndefined();
  });
});
