/**
 * Spool benchmark: the agent's durable queue. Writes N reports to a fresh spool (each one fsynced and renamed, as a
 * cycle does), then drains them through the real Reporter to an HTTP server on 127.0.0.1 that answers 202 (the agent's
 * side of delivery alone; server ingest is scripts/bench/ingest.ts). Not a test.
 *   npm run build && node dist/scripts/bench/spool.js [--reports 500]
 * Prints a human line and, last, one JSON line.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Reporter } from '../../agent/reporter.js';
import { Spool } from '../../agent/spool.js';
import type { Report } from '../../schema/report.js';
import { benchArgs } from './args.js';

const { values } = benchArgs({ options: { reports: { type: 'string', default: '500' } } });
const count = Number(values.reports);
const log = pino({ level: 'silent' });

/** ~2 KB: three findings with evidence, the shape a cycle spools when something fired (no snapshot). */
function report(i: number): Report {
  const now = new Date().toISOString();
  const finding = (n: number) => ({
    rule: `remote-access.running`, title: 'Remote-access tool running', severity: 'high' as const, confidence: 0.9,
    weight: 1, group: 'remote-access', attack: ['T1219'], subject: `tool-${n}`,
    evidence: { process: 'anydesk', pid: 4242 + n, exe: '/usr/bin/anydesk', cmdline: '/usr/bin/anydesk --service'.padEnd(300, ' ') },
  });
  return {
    reportId: randomUUID(), deviceId: 'bench-spool', agentVersion: '0.1.0', collectedAt: now, sentAt: now, nextReportBy: now,
    score: 55, level: 'medium', findings: [finding(0), finding(1), finding(2)] as unknown as Report['findings'],
    agent: { version: '0.1.0', configHash: 'f'.repeat(64), health: { cpuMs: 61, wallMs: 410, rssMiB: 62, forks: 2, spoolEntries: i } },
    identity: { timezone: 'America/Chicago' },
  };
}

const dir = mkdtempSync(join(tmpdir(), 'fw-bench-spool-'));
let received = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    received += 1;
    res.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":true}');
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const address = server.address();
if (!address || typeof address === 'string') throw new Error('no server address');

try {
  const spool = new Spool(dir, 50 * 1024 * 1024, log);
  await spool.open();
  const bodies = Array.from({ length: count }, (_, i) => report(i));
  let cpu0 = process.cpuUsage();
  let t0 = performance.now();
  for (const r of bodies) await spool.add(r);
  const writeMs = performance.now() - t0;
  const writeCpu = process.cpuUsage(cpu0);

  const reporter = new Reporter({ serverUrl: `http://127.0.0.1:${address.port}`, token: 't'.repeat(43), spool, log, timeoutMs: 15_000 });
  cpu0 = process.cpuUsage();
  t0 = performance.now();
  const result = await reporter.drain();
  const drainMs = performance.now() - t0;
  const drainCpu = process.cpuUsage(cpu0);
  reporter.close();
  const left = (await spool.list()).length;
  const ms = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
  const out = {
    reports: count,
    writePerSec: Math.round(count / (writeMs / 1000)),
    writeMsPerReport: Math.round((writeMs / count) * 100) / 100,
    writeCpuMsPerReport: Math.round((ms(writeCpu) / count) * 100) / 100,
    drainPerSec: Math.round(result.sent / (drainMs / 1000)),
    drainMsPerReport: Math.round((drainMs / count) * 100) / 100,
    drainCpuMsPerReport: Math.round((ms(drainCpu) / count) * 100) / 100,
    sent: result.sent,
    received,
    left,
  };
  console.log(`spool: wrote ${count} reports at ${out.writePerSec}/s (${out.writeMsPerReport} ms each, fsync included); drained ${result.sent} at ${out.drainPerSec}/s; ${left} left`);
  console.log(JSON.stringify(out));
  if (result.sent !== count || received !== count || left !== 0) process.exitCode = 1;
} finally {
  server.close();
  rmSync(dir, { recursive: true, force: true });
}
