import { readFile, readdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { reportSchema, type Report } from '../schema/report.js';
import { ensurePrivateDir, syncDir, writeFileAtomic } from './state.js';

export interface SpoolCounts {
  entries: number;
  bytes: number;
  /** Dropped (oldest first) because the spool was full, since this process started. */
  dropped: number;
  deadLettered: number;
  quarantined: number;
}

export interface SpoolEntry {
  name: string;
  path: string;
  bytes: number;
}

export type ReadEntry = { ok: true; report: Report } | { ok: false; reason: string };

// <15-digit ms time>-<seq>-<reportId>.json: names sort oldest first; seq keeps order within one millisecond.
const entryName = /^\d{15}-\d{6}-[0-9a-f-]{36}\.json$/;

/**
 * The on-disk queue of reports: each written atomically (tmp + fsync + rename + dir fsync) before any send,
 * read oldest first, removed only once acknowledged. Refused reports go to dead-letter/, unreadable ones to quarantine/.
 */
export class Spool {
  readonly dir: string;
  readonly deadLetterDir: string;
  readonly quarantineDir: string;
  private readonly counts = { dropped: 0, deadLettered: 0, quarantined: 0 };
  private seq = 0;

  constructor(
    stateDir: string,
    private readonly maxBytes: number,
    private readonly log: Logger,
  ) {
    this.dir = join(stateDir, 'spool');
    this.deadLetterDir = join(stateDir, 'dead-letter');
    this.quarantineDir = join(stateDir, 'quarantine');
  }

  /** Creates the folders and removes temporary files a kill left behind (they were never renamed, so never acknowledged as written). */
  async open(): Promise<void> {
    for (const dir of [this.dir, this.deadLetterDir, this.quarantineDir]) await ensurePrivateDir(dir);
    for (const name of await readdir(this.dir)) {
      if (name.endsWith('.tmp')) {
        await unlink(join(this.dir, name)).catch(() => undefined);
        this.log.info({ file: name }, 'removed a temporary spool file left by an interrupted write');
      } else if (!entryName.test(name)) {
        await this.quarantine(name, 'unexpected file name in the spool');
      }
    }
  }

  /** Oldest first. */
  async list(): Promise<SpoolEntry[]> {
    const names = (await readdir(this.dir)).filter((n) => entryName.test(n)).sort();
    const entries: SpoolEntry[] = [];
    for (const name of names) {
      const path = join(this.dir, name);
      const info = await stat(path).catch(() => undefined);
      if (info) entries.push({ name, path, bytes: info.size });
    }
    return entries;
  }

  /** Persists a report durably, dropping the oldest entries first when the spool would exceed its bound. */
  async add(report: Report, now = Date.now()): Promise<SpoolEntry> {
    const body = JSON.stringify(report);
    const bytes = Buffer.byteLength(body);
    const existing = await this.list();
    let total = existing.reduce((sum, e) => sum + e.bytes, 0);
    for (const old of existing) {
      if (total + bytes <= this.maxBytes) break;
      await unlink(old.path).catch(() => undefined);
      total -= old.bytes;
      this.counts.dropped += 1;
      this.log.warn({ file: old.name, maxBytes: this.maxBytes }, 'spool full: dropped the oldest report');
    }
    this.seq = (this.seq + 1) % 1_000_000;
    const name = `${String(now).padStart(15, '0')}-${String(this.seq).padStart(6, '0')}-${report.reportId}.json`;
    const path = join(this.dir, name);
    await writeFileAtomic(path, body, 0o600);
    return { name, path, bytes };
  }

  /** Reads and validates one entry; a corrupt one is the caller's to quarantine. */
  async read(entry: SpoolEntry): Promise<ReadEntry> {
    let text: string;
    try {
      text = await readFile(entry.path, 'utf8');
    } catch (err) {
      return { ok: false, reason: `unreadable (${(err as NodeJS.ErrnoException).code ?? String(err)})` };
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return { ok: false, reason: 'not valid JSON' };
    }
    const parsed = reportSchema.safeParse(raw);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      return { ok: false, reason: `not a valid report (${first?.path.join('.') || '(root)'}: ${first?.message ?? 'invalid'})` };
    }
    return { ok: true, report: parsed.data };
  }

  async remove(entry: SpoolEntry): Promise<void> {
    await unlink(entry.path).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }

  async deadLetter(entry: SpoolEntry, reason: string): Promise<void> {
    await this.moveTo(this.deadLetterDir, entry.name);
    this.counts.deadLettered += 1;
    this.log.error({ file: entry.name, reason, folder: this.deadLetterDir }, 'the server refused a report for good: moved to dead-letter');
  }

  async quarantine(name: string, reason: string): Promise<void> {
    await this.moveTo(this.quarantineDir, name);
    this.counts.quarantined += 1;
    this.log.error({ file: name, reason, folder: this.quarantineDir }, 'corrupt spool entry quarantined');
  }

  async counters(): Promise<SpoolCounts> {
    const entries = await this.list();
    return { entries: entries.length, bytes: entries.reduce((s, e) => s + e.bytes, 0), ...this.counts };
  }

  private async moveTo(dir: string, name: string): Promise<void> {
    await rename(join(this.dir, name), join(dir, name)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    await syncDir(dir);
  }
}
