/**
 * Cost of the Linux network collector alone (not a test): CPU (self + waited-for children), forks, longest
 * event-loop block, wall time per cycle. With --load it first opens ~250 loopback sockets and starts ~300 idle
 * processes, to approach the reference laptop of the budgets (400 processes, 250 sockets).
 *   npm run build && node dist/scripts/bench/network.js [--load] [--cycles 10]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { startLoopMonitor } from '../../agent/loop-monitor.js';
import { pino } from 'pino';
import { createContext } from '../../collectors/context.js';
import { network } from '../../collectors/network/index.js';

function cpuMsWithChildren(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ([11, 12, 13, 14].reduce((s, i) => s + Number(f[i]), 0) * 1000) / 100; // CLK_TCK 100
}

const args = process.argv.slice(2);
const cycles = Number(args[args.indexOf('--cycles') + 1]) || 10;
const children: ChildProcess[] = [];
const sockets: Socket[] = [];
const server = createServer((s) => sockets.push(s));
if (args.includes('--load')) {
  for (let i = 0; i < 300; i++) children.push(spawn('sleep', ['600'], { stdio: 'ignore' }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  for (let i = 0; i < 120; i++) {
    const c = connect(port, '127.0.0.1');
    await new Promise((r) => c.once('connect', r));
    sockets.push(c);
  }
  await new Promise((r) => setTimeout(r, 200));
}

const stats = { forks: 0 };
const ctx = createContext({
  log: pino({ level: 'silent' }), signal: new AbortController().signal, stats,
  options: { probeAnchors: [], redactCommandLines: false },
});
await network.collect(ctx); // warm-up: lazy import of the Linux source
stats.forks = 0;
const loop = await startLoopMonitor();
// On a shared, loaded machine wall-clock gaps include time the OS gave to other processes; the CPU this
// process burned between two timer ticks bounds the longest synchronous stretch without that noise.
let maxGapCpuMs = 0;
let lastCpu = process.cpuUsage();
const tick = setInterval(() => {
  const d = process.cpuUsage(lastCpu);
  maxGapCpuMs = Math.max(maxGapCpuMs, (d.user + d.system) / 1000);
  lastCpu = process.cpuUsage();
}, 1);
const cpu0 = cpuMsWithChildren();
const t0 = performance.now();
let last: Awaited<ReturnType<typeof network.collect>> | undefined;
for (let i = 0; i < cycles; i++) last = await network.collect(ctx);
const wall = (performance.now() - t0) / cycles;
const cpu = (cpuMsWithChildren() - cpu0) / cycles;
const maxBlockMs = loop.stop();
clearInterval(tick);
const procs = readFileSync('/proc/loadavg', 'utf8').split(' ')[3];
console.log(JSON.stringify({
  status: last?.status,
  sockets: last?.status === 'ok' ? last.data.connections.length : undefined,
  withPid: last?.status === 'ok' ? last.data.connections.filter((c) => c.pid !== undefined).length : undefined,
  tasks: procs,
  cycles,
  wallMsPerCycle: Math.round(wall * 10) / 10,
  cpuMsPerCycle: Math.round(cpu * 10) / 10,
  forksPerCycle: stats.forks / cycles,
  maxEventLoopDelayMs: maxBlockMs,
  maxCpuBetweenTicksMs: Math.round(maxGapCpuMs * 10) / 10,
  loadavg: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
}));
for (const c of children) c.kill();
for (const s of sockets) s.destroy();
server.close();
