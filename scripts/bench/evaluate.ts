/**
 * Cost of evaluating one snapshot against every endpoint rule (catalog matchers already compiled): the budget
 * ≤ 2 ms at 400 processes. Not a test. The snapshot is the corpus's noisy developer laptop padded to 400 processes
 * (with a few remote tools among them) and 250 sockets.
 *   npm run build && node dist/scripts/bench/evaluate.js [--runs 2000]
 */
import { parseConfig } from '../../agent/config.js';
import { ruleContextFor } from '../../agent/rule-context.js';
import type { Snapshot } from '../../schema/snapshot/index.js';
import { evaluateSnapshot, rules } from '../../rules/index.js';
import { loadCorpus } from '../eval/scenario-corpus.js';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 2000;

const base = loadCorpus().find((s) => s.name === 'noisy-developer');
if (!base) throw new Error('corpus scenario noisy-developer missing');
const snapshot: Snapshot = structuredClone(base.snapshot);
const procs = snapshot.processes!;
const names = ['chrome', 'code', 'node', 'python3', 'bash', 'kworker/u16:2', 'gsd-xsettings', 'evolution-source-registry', 'containerd-shim-runc-v2', 'java'];
const extra = ['anydesk', 'rustdesk', 'teamviewerd', 'astrill'];
for (let i = 0; procs.length < 400; i++) {
  const name = i < extra.length ? extra[i]! : names[i % names.length]!;
  const exe = name.startsWith('kworker') ? undefined : `/usr/lib/${name}/${name}`;
  procs.push({ pid: 10_000 + i, ppid: 1, name, comm: name.slice(0, 15), ...(exe ? { exe } : {}), cmdline: [exe ?? name, `--worker=${i}`], user: 'alex', uid: 1000 });
}
const conns = snapshot.network!.connections;
for (let i = 0; conns.length < 250; i++) {
  const owner = procs[(i * 7) % procs.length]!;
  conns.push({
    protocol: i % 5 === 0 ? 'udp' : 'tcp', family: 4, localAddress: '192.168.1.23', localPort: 40_000 + i,
    remoteAddress: `203.0.113.${i % 250}`, remotePort: [443, 80, 22, 5938, 7070][i % 5]!, state: 'ESTABLISHED',
    pid: owner.pid, process: owner.name, rttMs: 10 + (i % 90),
  });
}

const config = parseConfig({ expected: { timezones: ['America/*'], locales: ['en-*'] }, allow: { tools: ['teamviewer'] } });
const context = ruleContextFor(config, { now: new Date(snapshot.collectedAt) });

const t0 = performance.now();
const first = evaluateSnapshot(snapshot, context);
const firstMs = performance.now() - t0;
for (let i = 0; i < 200; i++) evaluateSnapshot(snapshot, context); // warm-up (JIT)

const times: number[] = [];
for (let i = 0; i < runs; i++) {
  const t = performance.now();
  evaluateSnapshot(snapshot, context);
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
const fmt = (ms: number) => `${ms.toFixed(3)} ms`;
process.stdout.write(
  [
    `evaluate: ${rules.length} rules, ${procs.length} processes, ${conns.length} sockets, ${first.findings.length} findings (score ${first.score}, ${first.level})`,
    `first call ${fmt(firstMs)}; ${runs} runs: median ${fmt(q(0.5))}, p95 ${fmt(q(0.95))}, p99 ${fmt(q(0.99))}, max ${fmt(times[times.length - 1]!)}`,
    `budget: median ≤ 2 ms → ${q(0.5) <= 2 ? 'met' : 'MISSED'}`,
  ].join('\n') + '\n',
);
// Last line, for scripts/bench/run-all.ts.
process.stdout.write(
  `${JSON.stringify({ rules: rules.length, processes: procs.length, sockets: conns.length, findings: first.findings.length, runs, firstMs: round3(firstMs), medianMs: round3(q(0.5)), p95Ms: round3(q(0.95)), p99Ms: round3(q(0.99)), maxMs: round3(times[times.length - 1]!) })}\n`,
);

function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
