/**
 * Soak: `farmwatch server` and one enrolled `farmwatch run` (intervalSec 5) on loopback for --minutes, with 300 extra
 * processes churning. Reports the agent's RSS (peak, steady, slope after warm-up), its longest event-loop block
 * (health.maxEventLoopBlockMs of every cycle), its nice value, and checks through the server's admin API that every
 * report the agent produced arrived exactly once. Exits 1 when a check fails. Not a test; bounded in time.
 *   npm run soak -- [--minutes 10] [--processes 300] [--json] [--record]
 * --record writes the result into the soak section of docs/BENCHMARKS.md (which `npm run bench` keeps).
 * Linux only (/proc for RSS and nice).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { soakBegin, soakEnd } from './doc.js';
import { benchArgs } from './args.js';
import { median } from './median.js';

const { values } = benchArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    processes: { type: 'string', default: '300' },
    json: { type: 'boolean', default: false },
    record: { type: 'boolean', default: false },
  },
});
const minutes = Number(values.minutes);
const extraCount = Number(values.processes);
if (!(minutes > 0 && minutes <= 120) || !(extraCount >= 0 && extraCount <= 2000)) {
  process.stderr.write('usage: soak [--minutes 0<m≤120] [--processes 0..2000] [--json]\n');
  process.exit(2);
}
if (process.platform !== 'linux') {
  process.stderr.write('soak: Linux only (reads /proc for RSS and nice)\n');
  process.exit(2);
}

/** Budgets checked: daemon RSS, event-loop stall, growth. */
const limits = { rssMiB: 80, stallMs: 50, slopeMiBPerHour: 10, growthMiB: 3 };
const intervalSec = 5;
const sampleEveryMs = 2_000;
const churnEveryMs = 3_000;
const churnShare = 0.1;

const cli = fileURLToPath(new URL('../../cli/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fw-soak-'));
const children: ChildProcess[] = [];
const extra: ChildProcess[] = [];
let churnTimer: NodeJS.Timeout | undefined;
let sampleTimer: NodeJS.Timeout | undefined;

function say(line: string): void {
  process.stderr.write(`soak: ${line}\n`);
}

function node(args: string[], capture: 'stdout' | 'stderr' | 'both'): { child: ChildProcess; out: () => string; err: () => string } {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => {
    if (capture !== 'stderr') out += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    if (capture !== 'stdout') err += d.toString();
  });
  return { child, out: () => out, err: () => err };
}

function exited(child: ChildProcess): Promise<number | null> {
  if ((child.exitCode !== null || child.signalCode !== null) && child.stdout?.readableEnded !== false) return Promise.resolve(child.exitCode);
  // 'close', not 'exit': the last log lines are read only once stdio has been drained.
  return new Promise((resolve) => child.once('close', (code) => resolve(code)));
}

async function until<T>(what: string, timeoutMs: number, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function spawnSleeper(): void {
  const p = spawn('sleep', ['3600'], { stdio: 'ignore' });
  p.on('error', () => undefined);
  extra.push(p);
}

/** Kills a tenth of the extra processes and starts as many new ones (new pids, new /proc entries each cycle). */
function churn(): void {
  const n = Math.max(1, Math.round(extra.length * churnShare));
  for (let i = 0; i < n && extra.length; i++) {
    const victim = extra.splice(Math.floor(Math.random() * extra.length), 1)[0];
    victim?.kill('SIGKILL');
  }
  for (let i = 0; i < n; i++) spawnSleeper();
}

function procStatus(pid: number): { rssMiB: number; nice: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const nice = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    return { rssMiB: kb / 1024, nice };
  } catch {
    return undefined;
  }
}

/** Least-squares slope of y over x. */
function slope(points: readonly [number, number][]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

async function adminGet(url: string, token: string): Promise<unknown> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
  return url.endsWith('/metrics') ? res.text() : res.json();
}

async function main(): Promise<number> {
  const loadAtStart = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  // The server generates its secrets beside the database (docs/server.md) and prints its URL on stdout.
  const db = join(dir, 'soak.db');
  const server = node(['server', '--port', '0', '--db', db], 'stdout');
  const url = await until('the server to listen', 20_000, () => /listening on (http:\/\/\S+)/.exec(server.out())?.[1]);
  const secrets = JSON.parse(readFileSync(`${db}.secrets.json`, 'utf8')) as { enrollSecret: string; adminToken: string };
  const secretFile = join(dir, 'enroll.secret');
  writeFileSync(secretFile, secrets.enrollSecret, { mode: 0o600 });
  const stateDir = join(dir, 'agent-state');
  const config = join(dir, 'agent.json');
  const deviceId = 'soak-device';
  writeFileSync(config, JSON.stringify({ stateDir, deviceId, intervalSec, log: { level: 'info' } }), { mode: 0o600 });
  const enroll = node(['enroll', '--server', url, '--secret-file', secretFile, '--config', config], 'both');
  if ((await exited(enroll.child)) !== 0) throw new Error(`enroll failed: ${enroll.err()}`);

  for (let i = 0; i < extraCount; i++) spawnSleeper();
  churnTimer = setInterval(churn, churnEveryMs);
  const processesAtStart = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).length;
  say(`server ${url}; ${processesAtStart} processes on the machine; load ${loadAtStart}; running ${minutes} min`);

  const agent = node(['run', '--config', config], 'stderr');
  const pid = agent.child.pid!;
  const started = Date.now();
  const samples: [number, number][] = [];
  let nice: number | undefined;
  sampleTimer = setInterval(() => {
    const s = procStatus(pid);
    if (!s) return;
    samples.push([(Date.now() - started) / 3600_000, s.rssMiB]);
    nice = s.nice;
  }, sampleEveryMs);

  const logs = () =>
    agent
      .err()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
  const cycles = () => logs().filter((l) => l.msg === 'cycle done: report spooled');

  const endAt = started + minutes * 60_000;
  while (Date.now() < endAt) {
    if (agent.child.exitCode !== null) throw new Error(`the agent exited early (${agent.child.exitCode}): ${agent.err().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
  // Stop right after a cycle, so the last report is in delivery rather than in the middle of a cycle.
  const before = cycles().length;
  await until('one more cycle', 3 * intervalSec * 1000 + 15_000, () => (cycles().length > before ? true : undefined));
  clearInterval(sampleTimer);
  clearInterval(churnTimer);
  agent.child.kill('SIGTERM');
  const agentExit = await exited(agent.child);

  const produced = cycles().map((l) => String(l.reportId));
  const spooled = readdirSync(join(stateDir, 'spool')).filter((n) => n.endsWith('.json'));
  const stillSpooled = produced.filter((id) => spooled.some((n) => n.includes(id)));
  const detail = (await adminGet(`${url}/api/v1/devices/${deviceId}?history=1000`, secrets.adminToken)) as { history: { reportId: string }[] };
  const onServer = detail.history.map((h) => h.reportId);
  const metrics = String(await adminGet(`${url}/metrics`, secrets.adminToken));
  const duplicatesSent = Number(/^farmwatch_reports_duplicate_total (\d+)/m.exec(metrics)?.[1] ?? NaN);
  const serverSet = new Set(onServer);
  const lost = produced.filter((id) => !serverSet.has(id) && !stillSpooled.includes(id));
  const unknown = onServer.filter((id) => !produced.includes(id));
  // On SIGTERM the agent sends one last report (agent.stopping) straight to the server; its id is not logged, only that it was sent.
  const stoppingSent = logs().some((l) => l.msg === 'stopping report sent') ? 1 : 0;
  const twice = onServer.length - serverSet.size;

  const warmUpHours = Math.min(60_000, (minutes * 60_000) / 5) / 3600_000;
  const steady = samples.filter(([h]) => h >= warmUpHours);
  const third = Math.max(1, Math.floor(steady.length / 3));
  const growthMiB = median(steady.slice(-third).map(([, y]) => y)) - median(steady.slice(0, third).map(([, y]) => y));
  const stalls = cycles().map((l) => Number(l.maxEventLoopBlockMs)).filter(Number.isFinite);
  const cpu = cycles().map((l) => Number(l.cpuMs)).filter(Number.isFinite);
  const restraint = cycles().filter((l) => Array.isArray(l.restraint)).length;
  const result = {
    minutes,
    intervalSec,
    extraProcesses: extraCount,
    processesAtStart,
    loadAtStart,
    loadAtEnd: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
    cycles: produced.length,
    cycleCpuMsMedian: median(cpu),
    cycleCpuMsMax: Math.max(...cpu),
    cyclesWithRestraint: restraint,
    rssSamples: samples.length,
    rssPeakMiB: round1(Math.max(...samples.map(([, y]) => y))),
    rssSteadyMiB: round1(median(steady.map(([, y]) => y))),
    rssSlopeMiBPerHour: round1(slope(steady)),
    rssGrowthMiB: round1(growthMiB),
    maxEventLoopBlockMs: Math.max(...stalls),
    firstCycleBlockMs: stalls[0] ?? null,
    laterCyclesMaxBlockMs: stalls.length > 1 ? Math.max(...stalls.slice(1)) : null,
    nice,
    reportsProduced: produced.length + stoppingSent,
    stoppingReportSent: stoppingSent === 1,
    reportsOnServer: onServer.length,
    reportsStillSpooled: stillSpooled.length,
    duplicatesSent,
    lost: lost.length,
    unknownOnServer: unknown.length - stoppingSent,
    agentExit,
  };
  const failures: string[] = [];
  if (result.rssPeakMiB > limits.rssMiB) failures.push(`peak RSS ${result.rssPeakMiB} MiB > ${limits.rssMiB}`);
  if (result.rssSteadyMiB > limits.rssMiB) failures.push(`steady RSS ${result.rssSteadyMiB} MiB > ${limits.rssMiB}`);
  if (result.rssSlopeMiBPerHour > limits.slopeMiBPerHour && growthMiB > limits.growthMiB) {
    failures.push(`RSS grows: ${result.rssSlopeMiBPerHour} MiB/h, +${result.rssGrowthMiB} MiB from the first to the last third`);
  }
  if (!(result.maxEventLoopBlockMs <= limits.stallMs)) failures.push(`event-loop block ${result.maxEventLoopBlockMs} ms > ${limits.stallMs}`);
  if (lost.length) failures.push(`${lost.length} report(s) neither on the server nor spooled`);
  if (unknown.length !== stoppingSent || twice) failures.push(`server holds ${unknown.length - stoppingSent} unknown and ${twice} repeated report id(s)`);
  if (duplicatesSent !== 0) failures.push(`${duplicatesSent} report(s) sent twice (server counted duplicates)`);
  if (stillSpooled.length > 1) failures.push(`${stillSpooled.length} reports still spooled at the end`);
  if (nice === undefined || nice < 10) failures.push(`agent nice ${nice}, expected ≥ 10`);
  if (agentExit !== 0) failures.push(`agent exited ${agentExit} on SIGTERM`);
  if (produced.length < Math.floor((minutes * 60) / (intervalSec * 1.1 * 4))) failures.push(`only ${produced.length} cycles in ${minutes} min`);

  if (values.json) process.stdout.write(`${JSON.stringify({ ...result, failures })}\n`);
  else {
    for (const [k, v] of Object.entries(result)) process.stdout.write(`${k}: ${v}\n`);
    process.stdout.write(failures.length ? `FAIL\n- ${failures.join('\n- ')}\n` : 'PASS\n');
  }
  if (values.record) record({ ...result, failures });
  server.child.kill('SIGTERM');
  await exited(server.child);
  return failures.length ? 1 : 0;
}

/** Replaces the soak section of docs/BENCHMARKS.md (or appends one). */
function record(result: Record<string, unknown> & { failures: string[] }): void {
  const doc = fileURLToPath(new URL('../../../docs/BENCHMARKS.md', import.meta.url));
  const text = existsSync(doc) ? readFileSync(doc, 'utf8') : '# Benchmarks\n';
  const args = [`--minutes ${minutes}`, ...(extraCount !== 300 ? [`--processes ${extraCount}`] : [])].join(' ');
  const section = [
    soakBegin,
    '',
    '## Soak',
    '',
    `\`npm run soak -- ${args} --record\` (scripts/bench/soak.ts), ${new Date().toISOString()}, on ${cpus()[0]?.model ?? 'unknown'} ×${cpus().length}, Node ${process.version}.`,
    '`farmwatch server` (port 0, temp SQLite, generated secrets) and one enrolled `farmwatch run` at intervalSec 5, with',
    `${extraCount} extra processes of which a tenth are killed and replaced every 3 s. RSS from /proc/PID/status every 2 s,`,
    'slope by least squares after the warm-up (a fifth of the run, at most 1 min); stalls are the largest',
    'health.maxEventLoopBlockMs of any cycle; delivery is checked against the server\'s device history and its',
    'duplicate counter. Budgets: RSS ≤ 80 MiB, no block > 50 ms, no growth, every report once.',
    '',
    `Result: **${result.failures.length ? `FAIL (${result.failures.join('; ')})` : 'PASS'}**`,
    '',
    '| | |',
    '|---|---|',
    ...Object.entries(result)
      .filter(([k]) => k !== 'failures')
      .map(([k, v]) => `| ${k} | ${String(v)} |`),
    '',
    soakEnd,
  ].join('\n');
  const b = text.indexOf(soakBegin);
  const e = text.indexOf(soakEnd);
  const next = b >= 0 && e > b ? text.slice(0, b) + section + text.slice(e + soakEnd.length) : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(doc, next);
  say(`recorded in ${doc}`);
}

function cleanup(): void {
  clearInterval(churnTimer);
  clearInterval(sampleTimer);
  for (const p of extra) p.kill('SIGKILL');
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}

// Bounded: whatever happens, the soak ends (the run, the final cycle and delivery, plus margin).
const hardStop = setTimeout(() => {
  say('hard time limit reached');
  cleanup();
  process.exit(1);
}, minutes * 60_000 + 120_000);
hardStop.unref();
process.once('SIGINT', () => {
  cleanup();
  process.exit(130);
});

let code = 1;
try {
  code = await main();
} catch (err) {
  say(`failed: ${(err as Error).message}`);
} finally {
  cleanup();
}
process.exit(code);
