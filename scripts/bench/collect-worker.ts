/**
 * Collection cycles in a fresh process: `lean` (farmwatch collectors) or `naive` (systeminformation for the same
 * domains). Measures the first cycle, skips the second, and averages cycles 3–6 as the steady cycle (both sides keep
 * what they keep between cycles: systeminformation its caches, farmwatch its collector memory, as the daemon does).
 * Prints one JSON line: CPU (self + waited-for children), forks, longest event-loop block, RSS.
 * Run by scripts/bench/collect.ts; not a test.
 */
import childProcess from 'node:child_process';
import { readFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { startLoopMonitor } from '../../agent/loop-monitor.js';

let forks = 0;
// Count every child process, whichever child_process function a library uses.
for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const) {
  const original = childProcess[name] as (...args: unknown[]) => unknown;
  (childProcess as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
    forks += 1;
    return original.apply(childProcess, args);
  };
}
syncBuiltinESMExports();

const CLK_TCK = 100;
/** CPU ms of this process and of its children that were waited for (/proc/self/stat utime..cstime). */
function cpuMsWithChildren(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
  return (ticks * 1000) / CLK_TCK;
}

type Cycle = () => Promise<unknown>;

const STEADY_CYCLES = 4;

/**
 * `lean`: every collector. `lean-same`: the domains the naive collector covers too (systeminformation has no
 * installed-software inventory, so `software` is left out): the fair side of the ratio.
 */
async function lean(sameDomains: boolean): Promise<Cycle> {
  const { pino } = await import('pino');
  const { collectors: all } = await import('../../collectors/index.js');
  const { collectSnapshot, prepareCollectors } = await import('../../collectors/run.js');
  const collectors = sameDomains ? all.filter((c) => c.name !== 'software') : all;
  await prepareCollectors(collectors); // as the daemon does before its first cycle
  const memory = new Map<string, unknown>(); // kept from cycle to cycle, as the daemon keeps it (CollectContext.memory)
  return async () => {
  const snap = await collectSnapshot(collectors, {
    agentVersion: 'bench',
    log: pino({ level: 'silent' }),
    memory,
    options: { probeAnchors: [], redactCommandLines: false },
  });
  return { processes: snap.processes?.length ?? 0, sockets: snap.network?.connections.length ?? 0, errors: snap.errors.length };
  };
}

async function naive(): Promise<Cycle> {
  const si = (await import('systeminformation')).default;
  return async () => {
  const [procs, conns] = await Promise.all([
    si.processes(),
    si.networkConnections(),
    si.networkInterfaces(),
    si.networkGatewayDefault(),
    si.wifiConnections(),
    si.usb(),
    si.graphics(),
    si.osInfo(),
    si.system(),
    si.users(),
    si.time(),
    si.battery(),
  ]);
  return { processes: procs.list.length, sockets: conns.length };
  };
}

const mode = process.argv[2];
if (mode !== 'lean' && mode !== 'lean-same' && mode !== 'naive') {
  process.stderr.write('usage: collect-worker lean|lean-same|naive\n');
  process.exit(2);
}
// The collectors as `farmwatch run` runs them: with the daemon's V8 settings (agent/v8-daemon.ts).
if (mode !== 'naive') (await import('../../agent/v8-daemon.js')).tuneV8ForDaemon();
// Modules are loaded before measuring: the daemon pays for them once, not per cycle.
const cycle = await (mode === 'naive' ? naive() : lean(mode === 'lean-same'));

/** `cycles` cycles back to back; CPU and wall are per cycle (averaged: the CPU clock ticks in 10 ms steps). */
async function measure(cycles: number) {
  const loop = await startLoopMonitor();
  forks = 0;
  const cpuBefore = cpuMsWithChildren();
  const started = performance.now();
  let seen: unknown;
  for (let i = 0; i < cycles; i++) seen = await cycle();
  const wallMs = (performance.now() - started) / cycles;
  const cpuMs = Math.round((cpuMsWithChildren() - cpuBefore) / cycles);
  return { cpuMs, wallMs: Math.round(wallMs), forks: forks / cycles, maxBlockMs: loop.stop(), seen };
}

// The first cycle; then one more, as a daemon has run before it settles; then the steady cycles, measured together.
const cold = await measure(1);
await measure(1);
const warm = await measure(STEADY_CYCLES);
process.stdout.write(
  `${JSON.stringify({ mode, ...warm, cold, rssMiB: Math.round(process.memoryUsage().rss / 1048576) })}\n`,
);
