import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import type { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { packageRoot } from '../../common/version.js';
import { WorkerPool } from './pool.js';
import { reportPreparer, type PrepareInput, type Prepared } from './prepare.js';
import { defaultScale, initialScale, scaleStep, type ScaleSettings, type ScaleState } from './scale.js';

export { clientErrorOf, type PrepareInput, type Prepared } from './prepare.js';

/**
 * The report preparation (./prepare.ts) on worker threads when it pays, on the main thread otherwise. The pool is
 * elastic (./scale.ts): none at idle, workers under a sustained report load, none again once it has passed. The
 * database writer stays single (the ingest queue); replay and ordering checks stay on the main thread.
 */
export interface IngestPool {
  prepare(input: PrepareInput): Promise<Prepared>;
  /** Workers running now. */
  readonly size: number;
  /** Of them, those that have loaded their modules and take reports. */
  readonly ready: number;
  workers(): readonly Worker[];
  metricsText(): string;
  close(): Promise<void>;
}

export interface IngestPoolOptions {
  /** The `ingestWorkers` setting: most workers, "auto" for one fewer than the cores (and only with a core spare), 0 for none. */
  workers: number | 'auto';
  identifierKey: Buffer;
  logger: Logger;
  /** Tests: faster sampling and other thresholds (a `min` above 0 keeps workers running). */
  scale?: Partial<Omit<ScaleSettings, 'max'>> & { sampleMs?: number; stallMs?: number };
}

/** "auto": the cores but the one the main thread (HTTP and the database writer) needs. */
export function maxWorkersOf(setting: number | 'auto', cores = availableParallelism()): number {
  return setting === 'auto' ? Math.max(0, Math.min(8, cores - 1)) : Math.max(0, Math.floor(setting));
}

/** The compiled worker module: from dist/ also when the server runs from its TypeScript sources (tests). */
export const workerFile = (): string => join(packageRoot(), 'dist', 'server', 'ingest-pool', 'worker.js');

export function startIngestPool(options: IngestPoolOptions): IngestPool {
  const inline = reportPreparer(options.identifierKey);
  let max = maxWorkersOf(options.workers);
  const file = workerFile();
  if (max > 0 && !existsSync(file)) {
    options.logger.warn({ file }, 'ingest workers off: the compiled worker module is missing (npm run build)');
    max = 0;
  }
  let prepared = 0;
  if (max === 0) {
    return {
      prepare: async (input) => {
        prepared++;
        return inline(input);
      },
      size: 0,
      ready: 0,
      workers: () => [],
      metricsText: () => metricsText(0, 0, 0),
      close: async () => undefined,
    };
  }

  const { sampleMs = 500, stallMs = 10_000, ...overrides } = options.scale ?? {};
  // "auto" also asks the machine for a spare core; a number is the operator's word that the cores are there.
  const settings: ScaleSettings = { ...defaultScale, ...(options.workers === 'auto' ? {} : { minSpareCores: Number.NEGATIVE_INFINITY }), ...overrides, max };
  const cores = availableParallelism();
  const pool = new WorkerPool({ file, identifierKey: options.identifierKey, inline, logger: options.logger });
  let state: ScaleState = initialScale(settings);
  pool.resize(state.size);
  let elu: EventLoopUtilization = performance.eventLoopUtilization();
  let counted = 0;
  let sampledAt = performance.now();
  const timer = setInterval(() => {
    const at = performance.now();
    const now = performance.eventLoopUtilization();
    const mainBusy = performance.eventLoopUtilization(now, elu).utilization;
    const reportsPerSec = ((prepared - counted) * 1000) / Math.max(1, at - sampledAt);
    elu = now;
    counted = prepared;
    sampledAt = at;
    const next = scaleStep({ ...state, size: pool.size }, { atMs: at, mainBusy, reportsPerSec, workerBusy: pool.workerBusy(), spareCores: cores - (loadavg()[0] ?? 0) }, settings);
    if (next.size !== pool.size) options.logger.info({ workers: next.size, mainBusy: Math.round(mainBusy * 100) / 100, reportsPerSec: Math.round(reportsPerSec) }, next.size > pool.size ? 'ingest workers: adding one' : 'ingest workers: idle, stopping');
    state = next;
    pool.resize(state.size);
    pool.reapStalled(stallMs);
  }, sampleMs);
  timer.unref();

  return {
    prepare: (input) => {
      prepared++;
      return pool.run(input);
    },
    get size() {
      return pool.size;
    },
    get ready() {
      return pool.ready;
    },
    workers: () => pool.workers(),
    metricsText: () => metricsText(pool.size, pool.offloaded, pool.failures),
    close: async () => {
      clearInterval(timer);
      await pool.close();
    },
  };
}

function metricsText(size: number, offloaded: number, failures: number): string {
  return [
    '# HELP farmwatch_ingest_workers Worker threads preparing reports now (none while the ingest is idle)',
    '# TYPE farmwatch_ingest_workers gauge',
    `farmwatch_ingest_workers ${size}`,
    '# HELP farmwatch_ingest_offloaded_total Reports parsed, verified and validated on a worker thread',
    '# TYPE farmwatch_ingest_offloaded_total counter',
    `farmwatch_ingest_offloaded_total ${offloaded}`,
    '# HELP farmwatch_ingest_worker_failures_total Workers lost while holding reports (prepared again on the main thread) and answers that failed their check',
    '# TYPE farmwatch_ingest_worker_failures_total counter',
    `farmwatch_ingest_worker_failures_total ${failures}`,
    '',
  ].join('\n');
}
