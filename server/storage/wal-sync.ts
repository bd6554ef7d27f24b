import { closeSync, fdatasync, openSync } from 'node:fs';

/**
 * Durability without blocking the event loop. SQLite runs with synchronous=NORMAL, so a commit writes its
 * WAL frames with write() but no fsync; before any request is answered we fdatasync the WAL file on libuv's
 * thread pool. A 202 is therefore sent only once its commit is on disk (as with synchronous=FULL), while
 * the next batch is already being parsed and committed. One fsync is in flight at a time; commits made
 * meanwhile share the next one. WAL recovery stops at the last frame with a valid checksum, so a torn tail
 * loses only commits nobody was told about. Checkpoints (which rewind the WAL) are fsynced by SQLite itself.
 */
export class WalSync {
  private readonly fd: number;
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;

  constructor(walPath: string) {
    this.fd = openSync(walPath, 'r');
  }

  /** Resolves when everything written to the WAL before this call is on stable storage. */
  sync(): Promise<void> {
    if (!this.running) {
      this.running = new Promise<void>((resolve, reject) => fdatasync(this.fd, (err) => (err ? reject(err) : resolve()))).finally(() => {
        this.running = null;
      });
      return this.running;
    }
    // The fsync in flight may have started before our commit: wait for the one after it.
    this.queued ??= this.running.then(
      () => this.startQueued(),
      () => this.startQueued(),
    );
    return this.queued;
  }

  private startQueued(): Promise<void> {
    this.queued = null;
    return this.sync();
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.running, this.queued]);
    closeSync(this.fd);
  }
}
