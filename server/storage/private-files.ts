import { chmodSync, closeSync, openSync, statSync } from 'node:fs';

/** Group and other may neither read nor write: the database holds the fleet key and every raw report. */
const privateMode = 0o600;

/** Creates an empty file mode 0600 when none exists, so the first byte written is already private. */
export function createPrivateFile(file: string, platform: NodeJS.Platform = process.platform): void {
  if (platform === 'win32') return;
  // 'a' never truncates a file another process made meanwhile; the mode applies only when this call creates it.
  closeSync(openSync(file, 'a', privateMode));
}

export interface Tightened {
  file: string;
  /** The mode it had, as octal text, e.g. "644". */
  was: string;
}

/**
 * Sets each existing file to 0600 when group or other had any access, and says which ones it changed (for one log
 * line each); absent files are skipped. Windows has no such modes: nothing to do there.
 */
export function tightenPrivateFiles(files: readonly string[], platform: NodeJS.Platform = process.platform): Tightened[] {
  if (platform === 'win32') return [];
  const out: Tightened[] = [];
  for (const file of files) {
    let mode: number;
    try {
      mode = statSync(file).mode & 0o777;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    if ((mode & 0o077) === 0) continue;
    chmodSync(file, mode & 0o700);
    out.push({ file, was: mode.toString(8) });
  }
  return out;
}

/** The database and the files SQLite keeps beside it in WAL mode. */
export const sqliteFilesOf = (db: string): string[] => [db, `${db}-wal`, `${db}-shm`];
