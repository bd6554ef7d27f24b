import type { PrepareInput, Prepared } from './prepare.js';

/**
 * Messages between the main thread and an ingest worker. To a worker: `{ tasks }`. From it: `{ ready: true }` once its
 * modules loaded, then `{ results }` for each batch. A reply is plain data from another thread: it is checked for its
 * shape before it is believed (preparedOf), and one that fails is a fault for its request, never a crash.
 */
export interface TaskMessage {
  tasks: { id: number; input: PrepareInput }[];
}
export interface ResultMessage {
  results: { id: number; prepared: unknown }[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The results of a worker's message, or null when it is not one (ready, or malformed). */
export function resultsOf(message: unknown): { id: unknown; prepared: unknown }[] | null {
  if (!isObject(message) || !Array.isArray(message.results)) return null;
  return message.results.map((r: unknown) => (isObject(r) ? { id: r.id, prepared: r.prepared } : { id: undefined, prepared: undefined }));
}

const isRefusal = (r: unknown) =>
  isObject(r) && Number.isInteger(r.status) && (r.status as number) >= 400 && (r.status as number) < 500 && typeof r.code === 'string' && typeof r.message === 'string';

/** The cheap re-check of a worker's answer: its kind, the fields the route reads and their types. */
export function preparedOf(value: unknown): Prepared | null {
  if (!isObject(value)) return null;
  switch (value.kind) {
    case 'refused':
    case 'invalid':
      return isRefusal(value.refusal) ? (value as Prepared) : null;
    case 'ok': {
      const report = value.report;
      const hash = value.factsHash;
      const ok =
        typeof value.body === 'string' && isObject(report) && typeof report.deviceId === 'string' && typeof report.reportId === 'string' && Array.isArray(report.findings) &&
        (hash === null || (hash instanceof Uint8Array && hash.length === 32));
      return ok ? (value as Prepared) : null;
    }
    case 'fault':
      return typeof value.message === 'string' ? (value as Prepared) : null;
    default:
      return null;
  }
}
