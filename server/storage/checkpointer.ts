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
