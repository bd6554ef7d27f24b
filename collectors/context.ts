import { execFile } from 'node:child_process';
import { readFile, readdir, readlink } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { CollectContext, CollectOptions, ExecOptions } from './types.js';

export interface ContextStats {
  /** Child processes started through ctx.exec. */
  forks: number;
}

export interface RealContextInit {
  log: Logger;
  signal: AbortSignal;
  options: CollectOptions;
  defaultTimeoutMs?: number;
  stats?: ContextStats;
}

/** The real OS behind CollectContext: execFile with fixed argv, never a shell. */
export function createContext(init: RealContextInit): CollectContext {
  const defaultTimeoutMs = init.defaultTimeoutMs ?? 5_000;
  const stats = init.stats;
  const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };
  return {
    exec(file: string, args: readonly string[], opts: ExecOptions = {}) {
      if (stats) stats.forks += 1;
      return new Promise<string>((resolve, reject) => {
        execFile(
          file,
          [...args],
          {
            env,
            timeout: opts.timeoutMs ?? defaultTimeoutMs,
            maxBuffer: opts.maxBuffer ?? 16 * 1024 * 1024,
            signal: init.signal,
            windowsHide: true,
            encoding: 'utf8',
          },
          (err, stdout) => (err ? reject(err) : resolve(stdout)),
        );
      });
    },
    readFile: (path) => readFile(path, { encoding: 'utf8', signal: init.signal }),
    readFileBuffer: (path) => readFile(path, { signal: init.signal }),
    readDir: (path) => readdir(path),
    readLink: (path) => readlink(path),
    now: () => new Date(),
    env: process.env,
    log: init.log,
    signal: init.signal,
    options: init.options,
  };
}
