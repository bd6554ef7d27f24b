import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Logger } from 'pino';
import { parseContract } from '../schema/contract.js';
import { createContext, type ContextStats } from './context.js';
import type { CollectorError, CollectorStatus, DomainName, Snapshot } from '../schema/snapshot/index.js';
import type { CollectContext, CollectOptions, CollectResult, Collector } from './types.js';
import { monotonicMs } from '../common/clock.js';
import { compareIds } from '../common/compare.js';

export interface CollectSnapshotOptions {
  agentVersion: string;
  log: Logger;
  options: CollectOptions;
  /** Collectors switched off by config; reported as `disabled`, never as empty. */
  disabled?: readonly string[];
  /** Domains to skip this cycle (slow cadence, resting); their values are taken from `previous` when given. */
  skip?: readonly string[];
  previous?: Snapshot;
  timeoutMs?: number;
  signal?: AbortSignal;
  stats?: ContextStats;
  /** What collectors keep from one cycle to the next (CollectContext.memory): the daemon passes the same map every cycle. */
  memory?: Map<string, unknown>;
  /** Builds the OS context; tests inject a fake. */
  makeContext?: (signal: AbortSignal, log: Logger, cycle: Map<string, Promise<unknown>>, memory?: Map<string, unknown>) => CollectContext;
  onProgress?: (name: string, status: CollectorStatus['status'], durationMs: number) => void;
  now?: () => Date;
}

type AnyCollector = Collector<unknown>;

/** Loads every collector's platform code, one per turn of the event loop: the daemon does it before its first cycle. */
export async function prepareCollectors(list: readonly Collector<any>[]): Promise<void> {
  for (const collector of list) {
    await collector.prepare?.();
    await yieldToLoop();
  }
}

/** Runs every collector concurrently, each under its own timeout; one failure never breaks the cycle. */
export async function collectSnapshot(
  list: readonly Collector<any>[],
  opts: CollectSnapshotOptions,
): Promise<Snapshot> {
  const now = opts.now ?? (() => new Date());
  const snapshot: Snapshot = {
    schemaVersion: 1,
    collectedAt: now().toISOString(),
    agentVersion: opts.agentVersion,
    platform: process.platform,
    host: null, processes: null, software: null, network: null, usb: null,
    inputs: null, displays: null, locale: null, sessions: null, activity: null, remoteSessions: null,
    errors: [],
    collectors: {},
  };
  const record = snapshot as unknown as Record<string, unknown>;
  // Work the collectors of this cycle share (the one Windows PowerShell inventory): created once, handed to every context.
  const cycle = new Map<string, Promise<unknown>>();
  const runCollector = async (collector: AnyCollector): Promise<void> => {
    const { name } = collector;
    if (opts.disabled?.includes(name)) {
      snapshot.collectors[name] = { status: 'disabled', reason: 'switched off in config (privacy.disabledCollectors)' };
      return;
    }
    if (opts.skip?.includes(name)) {
      const prev = opts.previous ? (opts.previous as unknown as Record<string, unknown>)[name] : undefined;
      if (prev !== undefined && prev !== null) record[name] = prev;
      snapshot.collectors[name] = { status: 'skipped', reason: prev ? 'not due this cycle; previous reading kept' : 'not due this cycle' };
      return;
    }
    const started = monotonicMs();
    const result = await runOne(collector, opts, cycle);
    const durationMs = Math.round((monotonicMs() - started) * 10) / 10;
    if (result.status === 'ok') {
      record[name as DomainName] = result.data;
      snapshot.collectors[name] = { status: 'ok', durationMs, ...(result.notes?.length ? { notes: result.notes } : {}) };
    } else if (result.status === 'unsupported') {
      snapshot.collectors[name] = { status: 'unsupported', durationMs, reason: result.reason };
    } else {
      const error: CollectorError = { collector: name, code: result.code, message: result.message };
      snapshot.errors.push(error);
      snapshot.collectors[name] = { status: 'error', durationMs };
      opts.log.warn({ collector: name, code: result.code }, result.message);
    }
    opts.onProgress?.(name, snapshot.collectors[name]!.status, durationMs);
  };
  // Concurrent, but each collector starts in its own turn of the event loop: the synchronous start of every collector
  // (up to the first real wait) run back to back held the loop ~30 ms in a first cycle.
  const running: Promise<void>[] = [];
  for (const collector of list as readonly AnyCollector[]) {
    const done = runCollector(collector);
    done.catch(() => {}); // observed by Promise.all below; this keeps it from counting as unhandled meanwhile
    running.push(done);
    await yieldToLoop();
  }
  await Promise.all(running);
  snapshot.errors.sort((a, b) => compareIds(a.collector, b.collector));
  return snapshot;
}

async function runOne(
  collector: AnyCollector,
  opts: CollectSnapshotOptions,
  cycle: Map<string, Promise<unknown>>,
): Promise<CollectResult<unknown>> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const controller = new AbortController();
  const onParentAbort = () => controller.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', onParentAbort, { once: true });
  const log = opts.log.child({ collector: collector.name });
  const ctx = opts.makeContext
    ? opts.makeContext(controller.signal, log, cycle, opts.memory)
    : createContext({ log, signal: controller.signal, options: opts.options, cycle, ...(opts.stats ? { stats: opts.stats } : {}), ...(opts.memory ? { memory: opts.memory } : {}) });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CollectResult<unknown>>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error('timeout'));
      resolve({ status: 'error', code: 'timeout', message: `${collector.name} did not finish within ${timeoutMs} ms` });
    }, timeoutMs);
  });
  try {
    const result = await Promise.race([collector.collect(ctx).catch((err: unknown) => crashed(err)), timeout]);
    if (result.status !== 'ok') return result;
    const { schema } = collector;
    const parsed = 'safeParse' in schema ? schema.safeParse(result.data) : await parseContract(schema, result.data);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      return {
        status: 'error',
        code: 'parse-error',
        message: `${collector.name} produced data outside its schema at ${first?.path.join('.') || '(root)'}: ${first?.message ?? 'invalid'}`,
      };
    }
    return { ...result, data: parsed.data };
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onParentAbort);
  }
}

function crashed(err: unknown): CollectResult<unknown> {
  const message = err instanceof Error ? err.message : String(err);
  const aborted = (err as { name?: string })?.name === 'AbortError';
  return { status: 'error', code: aborted ? 'aborted' : 'failed', message: `collector threw: ${message}` };
}
