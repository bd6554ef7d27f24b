import type { Logger } from 'pino';
import type { ContextStats } from '../collectors/context.js';
import type { Snapshot } from '../collectors/snapshot.js';
import { evaluateSnapshot } from '../rules/index.js';
import type { Report } from '../schema/report.js';
import { collectOnce } from './collect-once.js';
import type { Config } from './config.js';
import { buildReport, nextReportBy } from './report.js';
import { ruleContextFor } from './rule-context.js';
import type { Spool } from './spool.js';
import type { Enrollment } from './state.js';
import { agentVersion } from './version.js';

/** Collectors whose data changes slowly: run at start and hourly, their previous reading reused between. */
export const slowCollectors = ['software', 'host'] as const;
const slowEveryMs = 60 * 60_000;
const maxStretch = 4;

export interface CycleResult {
  report: Report;
  spooledAs: string;
}

/**
 * One cycle: collect (slow collectors hourly), evaluate, measure, build the report, spool it durably.
 * Sends nothing itself: delivery is the reporter's, so a cycle never waits on the network.
 * Holds the state one cycle hands to the next (previous snapshot, self-restraint).
 */
export class CycleRunner {
  private previous: Snapshot | undefined;
  private slowAt = 0;
  private stretch = 1;
  private lastRssMiB = 0;
  /** The config the collectors see: with no latency.anchors configured, the agent's own server is the anchor. */
  private readonly collectConfig: Config;

  constructor(
    private readonly config: Config,
    private readonly enrollment: Enrollment,
    private readonly spool: Spool,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.collectConfig = config.latency.anchors.length ? config : { ...config, latency: { ...config.latency, anchors: [serverAnchor(enrollment.serverUrl)] } };
  }

  /** The interval until the next cycle: intervalSec, stretched while the agent is over its CPU budget. */
  intervalMs(): number {
    return this.config.intervalSec * 1000 * this.stretch;
  }

  async run(): Promise<CycleResult> {
    const { config, log } = this;
    const startedAt = this.now();
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    const stats: ContextStats = { forks: 0 };
    const restraint: string[] = [];

    const slowDue = !this.previous || startedAt - this.slowAt >= slowEveryMs;
    const overRss = this.lastRssMiB > config.budget.rssMiB;
    const skipSlow = this.previous !== undefined && (!slowDue || overRss);
    if (slowDue && overRss && this.previous) restraint.push(`RSS ${this.lastRssMiB} MiB over budget ${config.budget.rssMiB} MiB: slow collectors postponed`);
    log.info({ slow: !skipSlow }, 'cycle started');

    const snapshot = await collectOnce(this.collectConfig, log, {
      probe: true,
      stats,
      ...(skipSlow ? { skip: slowCollectors, ...(this.previous ? { previous: this.previous } : {}) } : {}),
    });
    if (!skipSlow) this.slowAt = startedAt;
    this.previous = snapshot;
    const evaluation = evaluateSnapshot(snapshot, ruleContextFor(this.collectConfig, { now: new Date(startedAt) }));

    const cpu = process.cpuUsage(cpu0);
    const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
    const rssMiB = Math.round((process.memoryUsage.rss() / 1048576) * 10) / 10;
    this.lastRssMiB = rssMiB;
    this.stretch = cpuMs > config.budget.cpuMsPerCycle ? Math.min(this.stretch * 2, maxStretch) : Math.max(1, this.stretch / 2);
    if (this.stretch > 1) restraint.push(`cycle CPU ${cpuMs} ms over budget ${config.budget.cpuMsPerCycle} ms: interval stretched ×${this.stretch}`);

    const counts = await this.spool.counters();
    const health: Report['agent']['health'] = {
      cpuMs,
      wallMs: Math.round(performance.now() - wall0),
      rssMiB,
      forks: stats.forks,
      spoolEntries: counts.entries,
      spoolDropped: counts.dropped,
      deadLettered: counts.deadLettered,
      ...(counts.quarantined ? { quarantined: counts.quarantined } : {}),
      ...(restraint.length ? { restraint } : {}),
    };
    const report = buildReport({
      snapshot,
      evaluation,
      config,
      deviceId: this.enrollment.deviceId,
      fleetKey: this.enrollment.fleetKey,
      agentVersion: agentVersion(),
      health,
      nextReportBy: nextReportBy(new Date(this.now()), this.intervalMs(), config),
    });
    const entry = await this.spool.add(report, this.now());
    log.info({ reportId: report.reportId, score: report.score, level: report.level, findings: report.findings.length, ...health }, 'cycle done: report spooled');
    return { report, spooledAs: entry.name };
  }
}

function serverAnchor(serverUrl: string): { host: string; port: number } {
  const url = new URL(serverUrl);
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)) };
}
