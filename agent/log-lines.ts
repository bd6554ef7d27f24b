import type { Logger } from 'pino';

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

// pino's numbers, so that a line reads the same whichever logger wrote it.
const numbers: Record<LogLevel, number> = { fatal: 60, error: 50, warn: 40, info: 30, debug: 20, trace: 10, silent: Infinity };
const secretKeys = new Set(['token', 'secret']);

/**
 * The one-shot commands' logger (diagnose, collect): the same JSON lines on stderr as agent/log.ts writes with pino
 * (level, time, pid, bindings, fields, msg; tokens and secrets redacted), without loading pino, whose modules cost
 * more CPU than a one-shot command's whole budget allows. The daemon and the server keep pino.
 */
export function createLineLogger(level: LogLevel = 'warn', write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  return make(level, { pid: process.pid }, write);
}

function make(level: LogLevel, bindings: Record<string, unknown>, write: (line: string) => void): Logger {
  const threshold = numbers[level];
  const emit = (at: Exclude<LogLevel, 'silent'>) =>
    function (this: unknown, first?: unknown, ...rest: unknown[]): void {
      if (numbers[at] < threshold) return;
      const fields: Record<string, unknown> = {};
      let msg: unknown;
      if (first instanceof Error) {
        fields.err = serialiseError(first);
        msg = typeof rest[0] === 'string' ? rest[0] : first.message;
      } else if (typeof first === 'object' && first !== null) {
        for (const [k, v] of Object.entries(first)) fields[k] = k === 'err' && v instanceof Error ? serialiseError(v) : v;
        msg = rest[0];
      } else {
        msg = first;
      }
      const line = { level: numbers[at], time: Date.now(), ...bindings, ...redacted(fields), ...(msg === undefined ? {} : { msg: String(msg) }) };
      write(`${JSON.stringify(line)}\n`);
    };
  const logger = {
    level,
    fatal: emit('fatal'),
    error: emit('error'),
    warn: emit('warn'),
    info: emit('info'),
    debug: emit('debug'),
    trace: emit('trace'),
    silent: () => undefined,
    isLevelEnabled: (l: string) => (numbers[l as LogLevel] ?? Infinity) >= threshold,
    child: (more: Record<string, unknown>) => make(level, { ...bindings, ...redacted(more) }, write),
    bindings: () => ({ ...bindings }),
    flush: () => undefined,
  };
  return logger as unknown as Logger;
}

function serialiseError(err: Error): Record<string, unknown> {
  return { type: err.name, message: err.message, stack: err.stack, ...Object.fromEntries(Object.entries(err)) };
}

/** token, secret, *.token, *.secret and headers.authorization, as the pino logger redacts them. */
function redacted(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (secretKeys.has(k)) out[k] = '[redacted]';
    else if (typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Error)) {
      const inner: Record<string, unknown> = { ...(v as Record<string, unknown>) };
      for (const s of secretKeys) if (s in inner) inner[s] = '[redacted]';
      if (k === 'headers' && 'authorization' in inner) inner.authorization = '[redacted]';
      out[k] = inner;
    } else out[k] = v;
  }
  return out;
}
