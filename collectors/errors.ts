import type { CollectResult, ErrorCode } from './types.js';

/** Error thrown by ctx.exec/readFile, mapped to a collector error code. */
export function errorCodeOf(err: unknown): ErrorCode {
  const e = err as { code?: unknown; killed?: boolean; signal?: unknown; name?: string };
  if (e?.name === 'AbortError' || e?.code === 'ABORT_ERR') return 'aborted';
  if (e?.code === 'ENOENT') return 'command-missing';
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return 'permission-denied';
  if (e?.code === 'ETIMEDOUT' || (e?.killed === true && e?.signal === 'SIGTERM')) return 'timeout';
  return 'failed';
}

export function failure<T>(err: unknown, what: string): CollectResult<T> {
  const message = err instanceof Error ? err.message : String(err);
  return { status: 'error', code: errorCodeOf(err), message: `${what}: ${message}` };
}

/** True when a file or directory read failed because it does not exist. */
export function isMissing(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
