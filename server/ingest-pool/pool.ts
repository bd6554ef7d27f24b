import { oncePerTurn } from '../../common/next-turn.js';
import type { EventLoopUtilization } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { PrepareInput, Prepared } from './prepare.js';
import { preparedOf, resultsOf, type TaskMessage } from './protocol.js';

interface Task {
  id: number;
  input: PrepareInput;
  resolve: (p: Prepared) => void;
  sentAt: number;
}

interface Handle {
  worker: Worker;
  ready: boolean;
  /** Stops taking tasks; terminated once its outstanding tasks are answered. */
  retiring: boolean;
  outstanding: Map<number, Task>;
  elu: EventLoopUtilization | undefined;
}

export interface PoolOptions {
  /** The compiled worker module (./worker.js). */
  file: string;
  identifierKey: Buffer;
  /** The same work on this thread: before a worker is ready, past maxOutstanding, and for a dead worker's tasks. */
  inline: (input: PrepareInput) => Prepared;
  logger: Logger;
  /** Tasks one worker may hold before new ones run inline (a stalled worker does not queue the whole load). */
  maxOutstanding?: number;
}

/**
 * Worker threads that prepare reports (./prepare.ts). Tasks read in one turn of the event loop go out as one message
 * per worker and come back as one: the per-message cost is paid per batch. A worker that dies (or sends what cannot be
 * read) has its outstanding tasks run here instead, so no report is lost for it; each such event is counted and logged.
 */
export class WorkerPool {
  private readonly handles: Handle[] = [];
  private queue: Task[] = [];
  /** Every report read in this turn goes out in one batch (../../common/next-turn.ts). */
  private readonly schedule = oncePerTurn(() => this.flush());
  private nextId = 1;
  private closed = false;
  /** Reports prepared on a worker. */
  offloaded = 0;
  /** Workers lost while holding tasks, and replies that failed their re-check. */
  failures = 0;

  constructor(private readonly options: PoolOptions) {}

  /** Live workers, ready or starting, not retiring. */
  get size(): number {
    return this.handles.filter((h) => !h.retiring).length;
  }

  /** Live workers that have loaded their modules and take tasks. */
  get ready(): number {
    return this.handles.filter((h) => h.ready && !h.retiring).length;
  }

  /** The worker threads (for inspection and tests). */
  workers(): readonly Worker[] {
    return this.handles.map((h) => h.worker);
  }

  run(input: PrepareInput): Promise<Prepared> {
    const ready = this.handles.some((h) => h.ready && !h.retiring);
    if (!ready || this.closed) return Promise.resolve(this.options.inline(input));
    return new Promise((resolve) => {
      this.queue.push({ id: this.nextId++, input, resolve, sentAt: performance.now() });
      this.schedule();
    });
  }

  /** Starts or retires workers until `size` is `target`. */
  resize(target: number): void {
    if (this.closed) return;
    while (this.size < target) this.start();
    while (this.size > target) {
      const h = [...this.handles].reverse().find((x) => !x.retiring);
      if (!h) break;
      h.retiring = true;
      if (!h.outstanding.size) void h.worker.terminate();
    }
  }

  /** Mean busy share of the ready workers since the last call (null without one). */
  workerBusy(): number | null {
    const ready = this.handles.filter((h) => h.ready && !h.retiring);
    if (!ready.length) return null;
    let sum = 0;
    for (const h of ready) {
      const now = h.worker.performance.eventLoopUtilization();
      sum += (h.elu ? h.worker.performance.eventLoopUtilization(now, h.elu) : now).utilization;
      h.elu = now;
    }
    return sum / ready.length;
  }

  /** Terminates a worker whose oldest outstanding task waited longer than `ms` (its tasks then run here). */
  reapStalled(ms: number): void {
    const now = performance.now();
    for (const h of this.handles) {
      for (const t of h.outstanding.values()) {
        if (now - t.sentAt > ms) {
          this.options.logger.error({ threadId: h.worker.threadId, waitedMs: Math.round(now - t.sentAt) }, 'ingest worker stalled; terminating it');
          void h.worker.terminate();
        }
        break; // insertion order: the first is the oldest
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.flush();
    await Promise.all(this.handles.map((h) => h.worker.terminate()));
  }

  private start(): void {
    const worker = new Worker(this.options.file, { workerData: { identifierKey: new Uint8Array(this.options.identifierKey) } });
    // Never what keeps the process alive: close() or the process exit ends it.
    worker.unref();
    const h: Handle = { worker, ready: false, retiring: false, outstanding: new Map(), elu: undefined };
    this.handles.push(h);
    worker.on('message', (m: unknown) => this.onMessage(h, m));
    // A message that cannot be deserialized: the batch it answered is unknown, so the worker goes and its tasks run here.
    worker.on('messageerror', (err) => {
      this.options.logger.error({ err, threadId: worker.threadId }, 'ingest worker sent an unreadable message; terminating it');
      void worker.terminate();
    });
    worker.on('error', (err) => this.options.logger.error({ err, threadId: worker.threadId }, 'ingest worker failed'));
    worker.on('exit', (code) => this.onExit(h, code));
  }

  private onMessage(h: Handle, m: unknown): void {
    if (typeof m === 'object' && m !== null && (m as { ready?: unknown }).ready === true) {
      h.ready = true;
      return;
    }
    const results = resultsOf(m);
    if (!results) {
      this.failures++;
      this.options.logger.error({ threadId: h.worker.threadId }, 'ingest worker sent a malformed message');
      return;
    }
    for (const r of results) {
      const task = typeof r.id === 'number' ? h.outstanding.get(r.id) : undefined;
      if (!task) {
        this.failures++;
        this.options.logger.error({ threadId: h.worker.threadId }, 'ingest worker answered a task it did not hold');
        continue;
      }
      h.outstanding.delete(task.id);
      const prepared = preparedOf(r.prepared);
      if (prepared) {
        this.offloaded++;
        task.resolve(prepared);
      } else {
        this.failures++;
        this.options.logger.error({ threadId: h.worker.threadId }, 'ingest worker answer failed its check');
        task.resolve({ kind: 'fault', message: 'malformed answer from an ingest worker' });
      }
    }
    if (h.retiring && !h.outstanding.size) void h.worker.terminate();
  }

  private onExit(h: Handle, code: number): void {
    const i = this.handles.indexOf(h);
    if (i >= 0) this.handles.splice(i, 1);
    const lost = [...h.outstanding.values()];
    h.outstanding.clear();
    if (!this.closed && (lost.length || !h.retiring)) {
      this.failures++;
      this.options.logger.error({ threadId: h.worker.threadId, code, tasks: lost.length }, 'ingest worker exited; its reports are prepared on the main thread');
    }
    for (const t of lost) t.resolve(this.options.inline(t.input));
  }

  private flush(): void {
    const tasks = this.queue;
    this.queue = [];
    if (!tasks.length) return;
    const max = this.options.maxOutstanding ?? 512;
    const ready = this.handles.filter((h) => h.ready && !h.retiring && !this.closed);
    if (!ready.length) {
      for (const t of tasks) t.resolve(this.options.inline(t.input));
      return;
    }
    // Spread over the workers, least loaded first; what none can hold runs here.
    ready.sort((a, b) => a.outstanding.size - b.outstanding.size);
    const share = Math.ceil(tasks.length / ready.length);
    let at = 0;
    for (const h of ready) {
      const n = Math.max(0, Math.min(share, max - h.outstanding.size, tasks.length - at));
      if (!n) continue;
      const batch = tasks.slice(at, at + n);
      at += n;
      for (const t of batch) h.outstanding.set(t.id, t);
      const message: TaskMessage = { tasks: batch.map((t) => ({ id: t.id, input: t.input })) };
      try {
        h.worker.postMessage(message);
      } catch (err) {
        // Not cloneable (never for these plain inputs) or the worker is gone: prepared here.
        this.options.logger.error({ err }, 'ingest worker: could not send a batch');
        for (const t of batch) {
          h.outstanding.delete(t.id);
          t.resolve(this.options.inline(t.input));
        }
      }
    }
    for (const t of tasks.slice(at)) t.resolve(this.options.inline(t.input));
  }
}
