import type { Logger } from 'pino';
import { collectors } from '../collectors/list.js';
import type { ContextStats } from '../collectors/context.js';
import { collectSnapshot, type CollectSnapshotOptions } from '../collectors/run.js';
import type { Snapshot } from '../schema/snapshot/index.js';
import type { Collector } from '../collectors/types.js';
import type { Config } from './config.js';
import { agentVersion } from '../common/version.js';
import { sessionRttContext, withSessionRtt } from './session-rtt.js';

export interface CollectOnceOptions {
  /** Make TCP-connect probes to config latency.anchors (diagnose only with --probe). */
  probe: boolean;
  /** Windows: probe the remote peer of remote-control sessions for their RTT (device policy sessionRttProbe). */
  sessionRttProbe?: boolean;
  skip?: readonly string[];
  previous?: Snapshot;
  signal?: AbortSignal;
  stats?: ContextStats;
  /** The daemon's collector memory, kept for its lifetime (CollectContext.memory). */
  memory?: Map<string, unknown>;
  onProgress?: CollectSnapshotOptions['onProgress'];
  /** Tests: another collector list / OS context (the daemon's self-restraint test injects a slow collector). */
  collectors?: readonly Collector<any>[];
  makeContext?: CollectSnapshotOptions['makeContext'];
}

/** One snapshot of this machine under the given config, with the RTT of remote-control sessions where the OS needs a step more. */
export async function collectOnce(config: Config, log: Logger, opts: CollectOnceOptions): Promise<Snapshot> {
  const options = {
    probeAnchors: opts.probe ? config.latency.anchors.map(({ host, port }) => ({ host, port })) : [],
    // Rules read whole command lines; privacy.redactCommandLines cuts them when the report is built (agent/report-privacy.ts).
    redactCommandLines: false,
    sessionRttProbe: opts.sessionRttProbe === true,
  };
  const snapshot = await collectSnapshot(opts.collectors ?? collectors, {
    agentVersion: agentVersion(),
    log,
    options,
    disabled: config.privacy.disabledCollectors,
    timeoutMs: config.collectTimeoutMs,
    ...(opts.skip ? { skip: opts.skip } : {}),
    ...(opts.previous ? { previous: opts.previous } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.stats ? { stats: opts.stats } : {}),
    ...(opts.memory ? { memory: opts.memory } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(opts.makeContext ? { makeContext: opts.makeContext } : {}),
  });
  if (snapshot.collectors.network?.status !== 'ok') return snapshot;
  const signal = opts.signal ?? new AbortController().signal;
  // An injected context (tests) still gets this cycle's options: whether the policy allows the peer probe.
  const ctx = opts.makeContext ? { ...opts.makeContext(signal, log, new Map()), options } : sessionRttContext(log, options, signal, opts.stats);
  return withSessionRtt(snapshot, ctx);
}
