import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * WAL checkpoints on a worker thread. A checkpoint copies WAL pages into the database file and fsyncs it:
 * milliseconds of blocking I/O that, run by SQLite's auto-checkpoint inside a commit, would stall every
 * request. The worker holds its own connection and runs PASSIVE checkpoints (never waiting on the writer)
 * every `intervalMs`. The main connection keeps a large auto-checkpoint as a safety valve should the worker die.
 */
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
db.pragma('synchronous = NORMAL');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (err) { parentPort.postMessage({ error: String(err) }); }
}, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  try { db.pragma('wal_checkpoint(PASSIVE)'); } finally { db.close(); parentPort.postMessage('stopped'); }
});
`;

export class Checkpointer {
  private readonly worker: Worker;

  constructor(file: string, onError: (message: string) => void, intervalMs = 250) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(workerSource, { eval: true, workerData: { file, driver, intervalMs } });
    this.worker.on('message', (m: unknown) => {
      if (m && typeof m === 'object' && 'error' in m) onError(String((m as { error: unknown }).error));
    });
    this.worker.on('error', (err) => onError(String(err)));
    this.worker.unref();
  }

  async stop(): Promise<void> {
    const stopped = new Promise<void>((resolve) => {
      this.worker.once('message', () => resolve());
      this.worker.once('exit', () => resolve());
    });
    // Unref'd while running (it must not keep the process alive); held while we wait for it to finish.
    this.worker.ref();
    this.worker.postMessage('stop');
    await Promise.race([stopped, new Promise((r) => setTimeout(r, 2000).unref())]);
    await this.worker.terminate();
  }
}

/**
 * The Checkpointer, started once the WAL passes `startBytes` (SQLite's own default checkpoint size): an idle server,
 * or one with a trickle of writes, does without the worker thread and its ~6 MiB. The WAL's size is read every
 * `checkMs` (one stat). Once started the worker stays: the WAL file keeps its size after a checkpoint, and a server
 * whose WAL grew once takes writes.
 */
export class WalCheckpointer {
  private worker: Checkpointer | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(file: string, onError: (message: string) => void, options: { startBytes?: number; checkMs?: number; intervalMs?: number } = {}) {
    const startBytes = options.startBytes ?? 4 * 1024 * 1024;
    const check = () => {
      let size = 0;
      try {
        size = statSync(`${file}-wal`).size;
      } catch {
        return; // no WAL yet
      }
      if (size < startBytes || this.worker) return;
      this.worker = new Checkpointer(file, onError, options.intervalMs);
      clearInterval(this.timer);
    };
    this.timer = setInterval(check, options.checkMs ?? 1000).unref();
  }

  /** Whether the worker runs (tests, metrics). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.worker?.stop();
  }
}
