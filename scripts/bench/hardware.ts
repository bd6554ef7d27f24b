/**
 * Cost of the usb, inputs, displays and software collectors alone, one after the other (not a test):
 * wall time per run, CPU, forks, longest event-loop block.
 *   npm run build && node dist/scripts/bench/hardware.js [--cycles 20]
 */
import { startLoopMonitor } from '../../agent/loop-monitor.js';
import { pino } from 'pino';
import { createContext } from '../../collectors/context.js';
import { displays } from '../../collectors/displays/index.js';
import { inputs } from '../../collectors/inputs/index.js';
import { software } from '../../collectors/software/index.js';
import type { Collector } from '../../collectors/types.js';
import { usb } from '../../collectors/usb/index.js';

const args = process.argv.slice(2);
const cycles = Number(args[args.indexOf('--cycles') + 1]) || 20;

for (const collector of [usb, inputs, displays, software] as Collector<unknown>[]) {
  const stats = { forks: 0 };
  const ctx = createContext({
    log: pino({ level: 'silent' }), signal: new AbortController().signal, stats,
    options: { probeAnchors: [], redactCommandLines: false },
  });
  await collector.collect(ctx); // warm-up: lazy import of the Linux source
  stats.forks = 0;
  const loop = await startLoopMonitor();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let last = await collector.collect(ctx);
  for (let i = 1; i < cycles; i++) last = await collector.collect(ctx);
  const wallMs = (performance.now() - t0) / cycles;
  const cpu = process.cpuUsage(cpu0);
  const maxLoopBlockMs = loop.stop();
  const data = last.status === 'ok' ? (last.data as Record<string, unknown[]>) : {};
  console.log(JSON.stringify({
    collector: collector.name,
    status: last.status,
    counts: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.length])),
    notes: last.status === 'ok' ? last.notes : undefined,
    wallMs: Math.round(wallMs * 100) / 100,
    cpuMs: Math.round(((cpu.user + cpu.system) / 1000 / cycles) * 100) / 100,
    forksPerRun: stats.forks / cycles,
    maxLoopBlockMs,
  }));
}
