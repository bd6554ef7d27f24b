import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Contract } from '../schema/contract.js';

export interface ExecOptions {
  /** Kill the child after this long; defaults to the context's per-command timeout. */
  timeoutMs?: number;
  /** Largest stdout accepted, in bytes. */
  maxBuffer?: number;
  /** Text written to the child's stdin, which is then closed (a script for `powershell -Command -`). */
  input?: string;
}

/** Options a cycle hands to collectors (from config). */
export interface CollectOptions {
  /** TCP-connect RTT probes; empty means none are made. */
  probeAnchors: readonly { host: string; port: number }[];
  /** Replace command lines with argv[0] only. */
  redactCommandLines: boolean;
  /**
   * Windows: measure the RTT of remote-control sessions by probing their remote peer (ICMP echo, else a TCP connect).
   * Off unless the device policy switches it on (sessionRttProbe); other OSes read the kernel's RTT and ignore it.
   */
  sessionRttProbe?: boolean;
}

/** Everything a collector may touch of the OS: injected, so collectors test without it. */
export interface CollectContext {
  /** Runs a program through execFile with a fixed argv (never a shell) and LC_ALL=C; resolves stdout. */
  exec(file: string, args: readonly string[], opts?: ExecOptions): Promise<string>;
  readFile(path: string): Promise<string>;
  readFileBuffer(path: string): Promise<Buffer>;
  /** Directory entries; rejects like fs.readdir when the directory is absent. */
  readDir(path: string): Promise<string[]>;
  /** Target of a symbolic link (readlink). */
  readLink(path: string): Promise<string>;
  /**
   * The path with every link resolved (realpath). Only the real machine's context has it: the locale collector then
   * reads the zone as ICU does, for the process this runs in; without it, it asks Intl.
   */
  realPath?(path: string): Promise<string>;
  now(): Date;
  env: Readonly<Record<string, string | undefined>>;
  log: Logger;
  signal: AbortSignal;
  options: CollectOptions;
  /**
   * Work shared by the collectors of one cycle (one collectSnapshot call), keyed by name: e.g. the single Windows
   * PowerShell inventory that every win32 source reads. Absent outside a cycle: then nothing is shared.
   */
  cycle?: Map<string, Promise<unknown>>;
  /**
   * What a collector keeps from one cycle to the next, under its own key (memory.ts): the daemon holds one map for
   * its lifetime. Absent for a one-shot run (`collect`, `diagnose`): then everything is read afresh.
   */
  memory?: Map<string, unknown>;
}

// The error codes are part of the snapshot's contract (schema/snapshot/errors.ts).
import type { ErrorCode } from '../schema/snapshot/errors.js';
export { errorCodes, type ErrorCode } from '../schema/snapshot/errors.js';

export type CollectResult<T> =
  | { status: 'ok'; data: T; notes?: string[] }
  | { status: 'unsupported'; platform: NodeJS.Platform; reason: string }
  | { status: 'error'; code: ErrorCode; message: string };

export interface Collector<T> {
  readonly name: string;
  /**
   * The domain's contract (schema/snapshot/<domain>.ts): a Contract is checked by its generated shape, without loading
   * zod unless the output is refused; a zod schema (tests) is parsed as it is.
   */
  readonly schema: Contract<T> | z.ZodType<T>;
  /** `slow` domains are collected at start and hourly by the daemon; `fast` ones every cycle. */
  readonly cadence: 'fast' | 'slow';
  collect(ctx: CollectContext): Promise<CollectResult<T>>;
  /** Loads the platform's code ahead of the first cycle (the daemon's start); collect() loads it otherwise. */
  prepare?(): Promise<void>;
}

/** What a platform file exports: the part of a collector that differs by OS. */
export type Source<T> = (ctx: CollectContext) => Promise<CollectResult<T>>;
