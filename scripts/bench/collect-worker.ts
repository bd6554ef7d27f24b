/**
 * One measured collection in a fresh process: `lean` (farmwatch collectors) or `naive` (systeminformation for the same
 * domains). Prints one JSON line: CPU (self + waited-for children), forks, longest event-loop block, RSS.
 * Run by scripts/bench/collect.ts; not a test.
 */
import childProcess from 'node:child_process';
import { readFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { monitorEventLoopDelay } from 'node:perf_hooks';

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

/**
 * `lean`: every collector. `lean-same`: the domains the naive collector covers too (systeminformation has no
 * installed-software inventory, so `software` is left out): the fair side of the ratio.
 */
async function lean(sameDomains: boolean): Promise<Cycle> {
  const { pino } = await import('pino');
  const { collectors: all } = await import('../../collectors/index.js');
  const { collectSnapshot } = await import('../../collectors/run.js');
  const collectors = sameDomains ? all.filter((c) => c.name !== 'software') : all;
  return async () => {
  const snap = await collectSnapshot(collectors, {
    agentVersion: 'bench',
    log: pino({ level: 'silent' }),
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

async function measure() {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  forks = 0;
  const cpuBefore = cpuMsWithChildren();
  const started = performance.now();
  const seen = await cycle();
  const wallMs = performance.now() - started;
  const cpuMs = cpuMsWithChildren() - cpuBefore;
  loop.disable();
  return { cpuMs, wallMs: Math.round(wallMs), forks, maxBlockMs: Math.round(loop.max / 1e6), seen };
}

const cold = await measure();
const warm = await measure();
process.stdout.write(
  `${JSON.stringify({ mode, ...warm, cold, rssMiB: Math.round(process.memoryUsage().rss / 1048576) })}\n`,
);
