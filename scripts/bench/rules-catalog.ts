/**
 * Benchmark (not a test): compiling the catalogs, and evaluating a 400-process, 250-socket snapshot against all
 * endpoint rules. Budget: compile ≤ 50 ms; evaluate ≤ 2 ms. Prints the median of N runs.
 * Run: npm run build && node dist/scripts/bench/rules-catalog.js [--runs N]  (N alone, as before, works too)
 */
import { performance } from 'node:perf_hooks';
import type { Snapshot } from '../../schema/snapshot/index.js';
import { compileCatalogs } from '../../rules/catalog/index.js';
import { evaluateSnapshot } from '../../rules/index.js';
import type { RuleContext } from '../../rules/types.js';
import { benchArgs } from './args.js';
import { median } from './median.js';

const { values, positionals } = benchArgs({ options: { runs: { type: 'string', default: '50' } }, allowPositionals: true });
const runs = Number(positionals[0] ?? values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write(`rules-catalog: runs must be a whole number of at least 1, not ${JSON.stringify(positionals[0] ?? values.runs)}\n`);
  process.exit(2);
}

const ordinary = ['systemd', 'bash', 'sshd', 'gnome-shell', 'Xwayland', 'pipewire', 'firefox', 'code', 'node', 'python3', 'dbus-daemon', 'kworker/0:1', 'chrome', 'slack', 'docker', 'containerd'];
function snapshot(): Snapshot {
  const processes: NonNullable<Snapshot['processes']> = [];
  for (let i = 0; i < 396; i++) {
    const name = ordinary[i % ordinary.length]!;
    processes.push({ pid: 1000 + i, name, comm: name.slice(0, 15), exe: `/usr/bin/${name}`, cmdline: [`/usr/bin/${name}`, '--flag'], user: 'alice' });
  }
  processes.push({ pid: 2, name: 'anydesk', exe: '/usr/bin/anydesk', cmdline: ['/usr/bin/anydesk', '--service'] });
  processes.push({ pid: 3, name: 'python3', exe: '/usr/bin/python3.11', cmdline: ['/usr/bin/python3', '/opt/google/chrome-remote-desktop/chrome-remote-desktop'] });
  processes.push({ pid: 4, name: 'chrome-remote-desktop-host', comm: 'chrome-remote-d', exe: '/opt/google/chrome-remote-desktop/chrome-remote-desktop-host' });
  processes.push({ pid: 5, name: 'astrill', exe: '/usr/local/Astrill/astrill' });
  const connections: NonNullable<Snapshot['network']>['connections'] = [];
  for (let i = 0; i < 250; i++) {
    connections.push({ protocol: i % 5 === 0 ? 'udp' : 'tcp', family: 4, localAddress: '192.168.1.20', localPort: 40000 + i, remoteAddress: `203.0.113.${i % 250}`, remotePort: 443, state: 'ESTABLISHED', pid: 1000 + (i % 396), rttMs: 20 });
  }
  connections.push({ protocol: 'tcp', family: 4, localAddress: '192.168.1.20', localPort: 50001, remoteAddress: '198.51.100.1', remotePort: 443, state: 'ESTABLISHED', pid: 2, rttMs: 150 });
  return {
    schemaVersion: 1, collectedAt: new Date().toISOString(), agentVersion: 'bench', platform: 'linux', host: null, processes,
    software: { items: [{ name: 'anydesk', source: 'dpkg' }, { name: 'chrome-remote-desktop', source: 'dpkg' }, ...ordinary.map((n) => ({ name: n, source: 'dpkg' as const }))] },
    network: { connections, interfaces: [{ name: 'wlan0', kind: 'wifi', up: true, addresses: [] }], identity: { gateway: null, neighbors: [], wifi: null, dnsServers: [] }, probes: [] },
    usb: null, inputs: null, displays: null, locale: null, sessions: null, activity: null, errors: [], collectors: {},
  };
}

const context: RuleContext = {
  expected: { timezones: [], locales: [], keyboardLayouts: [], countries: ['US'] }, allowTools: [], latency: { anchors: [] }, now: new Date(),
};

const compileTimes: number[] = [];
for (let i = 0; i < Math.max(5, Math.floor(runs / 5)); i++) {
  const t0 = performance.now();
  compileCatalogs();
  compileTimes.push(performance.now() - t0);
}
// First evaluation compiles the shared (cached) catalogs; warm up, then time fresh snapshots (per-snapshot memo).
evaluateSnapshot(snapshot(), context);
const snaps = Array.from({ length: runs }, snapshot);
const evalTimes: number[] = [];
let findings = 0;
for (const s of snaps) {
  const t0 = performance.now();
  findings = evaluateSnapshot(s, context).findings.length;
  evalTimes.push(performance.now() - t0);
}
console.log(`compile catalogs: median ${median(compileTimes).toFixed(2)} ms over ${compileTimes.length} runs (first ${compileTimes[0]!.toFixed(2)} ms; budget 50 ms)`);
console.log(`evaluate 400 processes / 251 sockets, all rules: median ${median(evalTimes).toFixed(3)} ms over ${runs} runs (budget 2 ms; ${findings} findings)`);
// Last line, for scripts/bench/run-all.ts.
console.log(JSON.stringify({ compileMedianMs: Math.round(median(compileTimes) * 100) / 100, compileFirstMs: Math.round(compileTimes[0]! * 100) / 100, evaluateMedianMs: Math.round(median(evalTimes) * 1000) / 1000, runs, findings }));
