import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type { CollectContext, CollectOptions, ExecOptions } from '../../collectors/types.js';

export const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/** Reads a recorded fixture: fixture('linux', 'proc-net-tcp.txt'). */
export function fixture(os: 'linux' | 'darwin' | 'win32' | 'reference', name: string): string {
  return readFileSync(join(fixturesDir, os, name), 'utf8');
}

export interface FakeOs {
  files?: Record<string, string | Buffer>;
  dirs?: Record<string, string[]>;
  links?: Record<string, string>;
  /** Keyed by "file arg1 arg2" (file: the absolute path, or the program's name alone); a function gets the args; an Error is thrown as the exec failure. */
  commands?: Record<string, string | Error | ((args: readonly string[], opts: ExecOptions) => string)>;
  env?: Record<string, string | undefined>;
  now?: Date;
  options?: Partial<CollectOptions>;
  /** The cycle's shared-work map (CollectContext.cycle); give the same map to several contexts to share. */
  cycle?: Map<string, Promise<unknown>>;
  /** The daemon's memory between cycles (CollectContext.memory); give the same map to successive contexts. */
  memory?: Map<string, unknown>;
}

function enoent(path: string): Error {
  return Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
}

/** A CollectContext over an in-memory OS; records every command it was asked to run. */
export function fakeContext(os: FakeOs = {}): CollectContext & { execCalls: string[][] } {
  const execCalls: string[][] = [];
  const files = os.files ?? {};
  return {
    execCalls,
    async exec(file, args, opts = {}) {
      execCalls.push([file, ...args]);
      const key = [file, ...args].join(' ');
      // Collectors run programs by absolute path, and on Linux the folder depends on the distribution
      // (collectors/programs.ts): a key may name the program alone ("ss -tinH" answers /usr/bin/ss -tinH).
      const name = file.replace(/^.*[\\/]/, '');
      const entry = os.commands?.[key] ?? os.commands?.[file] ?? os.commands?.[[name, ...args].join(' ')] ?? os.commands?.[name];
      if (entry === undefined) {
        throw Object.assign(new Error(`spawn ${file} ENOENT`), { code: 'ENOENT' });
      }
      if (entry instanceof Error) throw entry;
      return typeof entry === 'function' ? entry(args, opts) : entry;
    },
    async readFile(path) {
      const v = files[path];
      if (v === undefined) throw enoent(path);
      return typeof v === 'string' ? v : v.toString('utf8');
    },
    async readFileBuffer(path) {
      const v = files[path];
      if (v === undefined) throw enoent(path);
      return typeof v === 'string' ? Buffer.from(v) : v;
    },
    async readDir(path) {
      const v = os.dirs?.[path];
      if (v === undefined) throw enoent(path);
      return [...v];
    },
    async readLink(path) {
      const v = os.links?.[path];
      if (v === undefined) throw enoent(path);
      return v;
    },
    now: () => os.now ?? new Date('2026-01-15T15:00:00Z'),
    env: os.env ?? {},
    log: pino({ level: 'silent' }),
    signal: new AbortController().signal,
    options: { probeAnchors: [], redactCommandLines: false, ...os.options },
    ...(os.cycle ? { cycle: os.cycle } : {}),
    ...(os.memory ? { memory: os.memory } : {}),
  };
}
