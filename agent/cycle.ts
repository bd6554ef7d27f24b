import type { Logger } from 'pino';
import type { ContextStats } from '../collectors/context.js';
import type { Snapshot } from '../schema/snapshot/index.js';
import { collectors } from '../collectors/list.js';
import { prepareCollectors } from '../collectors/run.js';
import { evaluateSnapshot, prepareRules } from '../rules/index.js';
import type { Baseline, Finding } from '../rules/types.js';
import type { Report } from '../schema/report.js';
import { BaselineError, loadBaseline, updateBaseline } from './baseline.js';
import { collectOnce, type CollectOnceOptions } from './collect-once.js';
import { stateDirOf, type Config } from './config-load.js';
import { decideRestraint, initialRestraint, restingNow, slowCadence, tickRests, type RestraintState } from './restraint.js';
import { buildReport, nextReportBy } from './report.js';
import { applyPolicy, loadPolicy, reweigh } from './policy.js';
import { startLoopMonitor } from './loop-monitor.js';
import { ruleContextFor } from './rule-context.js';
import type { Spool } from './spool.js';
import type { Enrollment } from './state.js';
import { agentVersion } from '../common/version.js';

/** Collectors whose data changes slowly: run at start and hourly, their previous reading reused between. */
const slowEveryMs = 60 * 60_000;
/** Resolution of the event-loop monitor during a cycle (ms); the reported block is the delay above it. */
const loopResolutionMs = 1;

export interface CycleResult {
  report: Report;
  spooledAs: string;
}

export interface CycleOptions {
  now?: () => number;
  /** Tests: the collector list and OS context of each cycle (default: this machine's collectors). */
  collectors?: CollectOnceOptions['collectors'];
  makeContext?: CollectOnceOptions['makeContext'];
}

/**
 * One cycle: collect (slow collectors hourly, resting ones not at all), evaluate against the device's baseline,
 * fold the cycle into the baseline, measure, decide self-restraint, build the report, spool it durably.
 * Sends nothing itself: delivery is the reporter's, so a cycle never waits on the network.
 * Holds the state one cycle hands to the next (previous snapshot, baseline, self-restraint).
 */
export class CycleRunner {
  private previous: Snapshot | undefined;
  /** What collectors keep between cycles (socket owners, unchanged processes): lives as long as the daemon. */
  private readonly collectorMemory = new Map<string, unknown>();
  /** When each slow collector last ran (epoch ms). */
  private readonly slowRanAt = new Map<string, number>();
  private restraint: RestraintState = initialRestraint;
  private lastRssMiB = 0;
  private baseline: Baseline | undefined;
  private baselineLoaded = false;
  private readonly now: () => number;
  private readonly options: CycleOptions;
  /** The config the collectors see: with no latency.anchors configured, the agent's own server is the anchor. */
  private readonly collectConfig: Config;

  constructor(
    private readonly config: Config,
    private readonly enrollment: Enrollment,
    private readonly spool: Spool,
    private readonly log: Logger,
    nowOrOptions: (() => number) | CycleOptions = {},
  ) {
    const opts: CycleOptions = typeof nowOrOptions === 'function' ? { now: nowOrOptions } : nowOrOptions;
    this.options = opts;
    this.now = opts.now ?? Date.now;
    this.collectConfig = config.latency.anchors.length ? config : { ...config, latency: { ...config.latency, anchors: [serverAnchor(enrollment.serverUrl)] } };
  }

  /** The interval until the next cycle: intervalSec, stretched while the agent is over its CPU budget. */
  intervalMs(): number {
    return this.config.intervalSec * 1000 * this.restraint.stretch;
  }

  /**
   * The daemon's start, before its first cycle: loads the baseline, the collectors' platform code and the rule catalogs,
   * a piece per turn of the event loop. Left to the first cycle, they held the loop for 40–60 ms in one go.
   * Returns how long it took and the longest block it caused (logged as `agent ready`).
   */
  async prepare(): Promise<{ wallMs: number; maxEventLoopBlockMs: number }> {
    const wall0 = performance.now();
    const loop = await startLoopMonitor(loopResolutionMs);
    if (!this.baselineLoaded) await this.loadBaseline(stateDirOf(this.config));
    await prepareCollectors(this.options.collectors ?? collectors);
    await prepareRules();
    const maxEventLoopBlockMs = loop.stop();
    return { wallMs: Math.round(performance.now() - wall0), maxEventLoopBlockMs };
  }

  async run(): Promise<CycleResult> {
    const { config, log } = this;
    const loop = await startLoopMonitor(loopResolutionMs);
    const startedAt = this.now();
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    const stats: ContextStats = { forks: 0 };
    const stateDir = stateDirOf(config);
    if (!this.baselineLoaded) await this.loadBaseline(stateDir);

    const resting = restingNow(this.restraint);
    const overRss = this.previous !== undefined && this.lastRssMiB > config.budget.rssMiB;
    const skip = [...resting];
    for (const name of slowCadence) {
      const ranAt = this.slowRanAt.get(name);
      const due = ranAt === undefined || startedAt - ranAt >= slowEveryMs;
      if (this.previous && (!due || overRss) && !skip.includes(name)) skip.push(name);
    }
    log.info({ skip }, 'cycle started');

    // The server's policy (agent/policy.ts) restricts the local config and sets rule weights; read before collecting
    // because it also says whether session peers may be probed.
    const policy = await loadPolicy(stateDir);
    const snapshot = await collectOnce(this.collectConfig, log, {
      probe: true,
      sessionRttProbe: policy?.sessionRttProbe === true,
      stats,
      memory: this.collectorMemory,
      ...(skip.length ? { skip, ...(this.previous ? { previous: this.previous } : {}) } : {}),
      ...(this.options.collectors ? { collectors: this.options.collectors } : {}),
      ...(this.options.makeContext ? { makeContext: this.options.makeContext } : {}),
    });
    for (const name of slowCadence) {
      const status = snapshot.collectors[name]?.status;
      if (status && status !== 'skipped') this.slowRanAt.set(name, startedAt);
    }
    this.previous = snapshot;
    const now = new Date(startedAt);
    const evaluation = reweigh(evaluateSnapshot(
      snapshot,
      ruleContextFor(applyPolicy(this.collectConfig, policy), {
        ...(this.baseline ? { baseline: this.baseline } : {}),
        ...(config.privacy.activityHours && this.baseline?.activityHours ? { activityHours: this.baseline.activityHours } : {}),
        ...(policy?.helpdeskPeers ? { helpdeskPeers: policy.helpdeskPeers } : {}),
        now,
      }),
    ), policy);
    await this.updateBaseline(stateDir, snapshot, evaluation, now);

    const cpu = process.cpuUsage(cpu0);
    const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
    const rssMiB = Math.round((process.memoryUsage.rss() / 1048576) * 10) / 10;
    this.lastRssMiB = rssMiB;
    const collectorMs: Record<string, number> = {};
    for (const [name, c] of Object.entries(snapshot.collectors)) if (c.durationMs !== undefined) collectorMs[name] = c.durationMs;
    const decision = decideRestraint(tickRests(this.restraint), { cpuMs, rssMiB, collectorMs }, config.budget);
    this.restraint = decision.state;
    if (decision.rested) log.warn({ collector: decision.rested.collector, cycles: decision.rested.cycles, cpuMs, rssMiB, collectorMs }, `self-restraint: ${decision.rested.reason}`);
    if (overRss) decision.health.restraint = [...(decision.health.restraint ?? []), `RSS over budget ${config.budget.rssMiB} MiB at the start of the cycle: slow collectors postponed`];

    const counts = await this.spool.counters();
    const maxEventLoopBlockMs = loop.stop();
    const health: Report['agent']['health'] = {
      cpuMs,
      wallMs: Math.round(performance.now() - wall0),
      rssMiB,
      forks: stats.forks,
      maxEventLoopBlockMs,
      spoolEntries: counts.entries,
      spoolDropped: counts.dropped,
      deadLettered: counts.deadLettered,
      ...(counts.quarantined ? { quarantined: counts.quarantined } : {}),
      ...decision.health,
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
      policy,
    });
    const entry = await this.spool.add(report, this.now());
    const { restraintState: _state, ...logged } = health;
    log.info({ reportId: report.reportId, score: report.score, level: report.level, findings: report.findings.length, ...logged }, 'cycle done: report spooled');
    return { report, spooledAs: entry.name };
  }

  /** Once per daemon: a corrupt baseline is logged and replaced by the next update (never stops the agent). */
  private async loadBaseline(stateDir: string): Promise<void> {
    this.baselineLoaded = true;
    try {
      this.baseline = await loadBaseline(stateDir);
    } catch (err) {
      if (!(err instanceof BaselineError)) throw err;
      this.log.warn({ err: err.message }, 'baseline unreadable: starting a new one');
    }
  }

  private async updateBaseline(stateDir: string, snapshot: Snapshot, evaluation: { findings: readonly Finding[] }, now: Date): Promise<void> {
    try {
      const result = await updateBaseline(stateDir, snapshot, evaluation, {
        intervalSec: this.config.intervalSec,
        activityHours: this.config.privacy.activityHours,
        now,
      });
      if (result.reset) this.log.warn({ reason: result.reset }, 'baseline replaced');
      this.baseline = result.baseline;
    } catch (err) {
      // A full disk must not stop detection: the cycle's report still goes out; drift rules use the last baseline.
      this.log.error({ err }, 'baseline update failed');
    }
  }
}

function serverAnchor(serverUrl: string): { host: string; port: number } {
  const url = new URL(serverUrl);
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)) };
}
