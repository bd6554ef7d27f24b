import Database from 'better-sqlite3';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, enroll, makeReport, postReport, startServer, type Running } from '../helpers.js';
import { liftReportLimit, metricValue, waitFor } from './pool-helpers.js';

let running: Running | undefined;
afterEach(async () => {
  await running?.close();
  if (running) cleanup(running.dir);
  running = undefined;
});

const reportCount = (db: string) => {
  const d = new Database(db, { readonly: true });
  try {
    // Full rows and heartbeats.
    return (d.prepare('SELECT (SELECT count(*) FROM reports) + (SELECT count(*) FROM heartbeats) AS n').get() as { n: number }).n;
  } finally {
    d.close();
  }
};

describe('ingest workers under load', () => {
  it('a worker killed mid-load loses no report: its reports are prepared on the main thread; the server keeps answering', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => lines.push(line) });
    const s = (running = await startServer({ ingestWorkers: 1 }, { logger, ingestPool: { min: 1, sampleMs: 20 } }));
    await liftReportLimit(s);
    const { token } = await enroll(s.url, 'load-1');
    await waitFor(() => s.server.ingestPool.ready === 1);
    const total = 400;
    let sent = 0;
    let killed = 0;
    const statuses = new Map<number, number>();
    // Every 100th report: its worker is killed as the batch holding that report (and whatever else that turn of the
    // event loop brought) is posted to it, so that it dies holding them; three times, the pool's floor bringing a new
    // one. The batch never reaches it: a worker that got it could answer before the kill lands (seen under a loaded
    // CI run: a death holding nothing), and for the pool a batch sent and never answered is the same as one lost.
    // (Killed when the report is handed over, the worker may be gone before the batch is sent.)
    const pool = s.server.ingestPool;
    const prepare = pool.prepare.bind(pool);
    let handed = 0;
    pool.prepare = (input) => {
      const answer = prepare(input);
      const worker = pool.workers()[0];
      if (++handed % 100 === 0 && handed < total && worker && pool.ready) {
        killed++;
        worker.postMessage = () => {
          void worker.terminate();
        };
      }
      return answer;
    };
    const sender = async () => {
      while (sent < total) {
        sent++;
        const r = await postReport(s.url, token, makeReport('load-1'));
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: 16 }, sender));
    expect(killed).toBeGreaterThanOrEqual(2);
    expect(Object.fromEntries(statuses)).toEqual({ 202: total });
    expect(reportCount(s.db)).toBe(total);
    expect(await metricValue(s, 'farmwatch_reports_accepted_total')).toBe(total);
    expect(await metricValue(s, 'farmwatch_ingest_worker_failures_total')).toBe(killed);
    // Each death is logged with the reports it held; at least one held some, prepared again here (all 202 above).
    const deaths = lines.map((l) => JSON.parse(l) as { msg: string; tasks?: number }).filter((l) => l.msg.startsWith('ingest worker exited'));
    expect(deaths).toHaveLength(killed);
    expect(deaths.reduce((n, d) => n + (d.tasks ?? 0), 0)).toBeGreaterThan(0);
    // The pool's floor brings a new worker; it takes reports again.
    await waitFor(() => s.server.ingestPool.ready === 1);
    const offloaded = await metricValue(s, 'farmwatch_ingest_offloaded_total');
    expect((await postReport(s.url, token, makeReport('load-1'))).status).toBe(202);
    expect(await metricValue(s, 'farmwatch_ingest_offloaded_total')).toBe(offloaded + 1);
  });

  it('starts a worker under a sustained load and stops it once the reports stop', async () => {
    const s = (running = await startServer(
      { ingestWorkers: 1 },
      { ingestPool: { sampleMs: 20, startAfterMs: 60, idleAfterMs: 150, busyShare: 0.05, minReportsPerSec: 20 } },
    ));
    await liftReportLimit(s);
    const { token } = await enroll(s.url, 'load-2');
    expect(await metricValue(s, 'farmwatch_ingest_workers')).toBe(0);
    let loading = true;
    const sender = async () => {
      while (loading) expect((await postReport(s.url, token, makeReport('load-2'))).status).toBe(202);
    };
    const load = Promise.all(Array.from({ length: 8 }, sender));
    try {
      await waitFor(async () => (await metricValue(s, 'farmwatch_ingest_workers')) === 1 && (await metricValue(s, 'farmwatch_ingest_offloaded_total')) > 0);
    } finally {
      loading = false;
      await load;
    }
    await waitFor(async () => (await metricValue(s, 'farmwatch_ingest_workers')) === 0);
    // Its thread ends once it answered what it held.
    await waitFor(() => s.server.ingestPool.workers().length === 0);
    expect(await metricValue(s, 'farmwatch_ingest_worker_failures_total')).toBe(0);
  });

  it('an idle server on the default setting runs no worker', async () => {
    const s = (running = await startServer({}, { ingestPool: { sampleMs: 20 } }));
    const { token } = await enroll(s.url, 'idle-1');
    expect((await postReport(s.url, token, makeReport('idle-1'))).status).toBe(202);
    await new Promise((r) => setTimeout(r, 100));
    expect(await metricValue(s, 'farmwatch_ingest_workers')).toBe(0);
    expect(s.server.ingestPool.workers()).toHaveLength(0);
  });
});
