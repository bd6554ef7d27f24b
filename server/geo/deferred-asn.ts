import type { AsnInfo, AsnTable } from './asn-table.js';

/**
 * An ASN table loaded in steps after the server listens, so parsing the bundled ~30 MB of CSV is not part of the
 * start. `step()` runs one step (about 1 MiB of input) and says whether more remain; a lookup that comes before the
 * last step finishes the load at once, so every answer is the one the whole table gives. A load that fails is
 * reported once through `onError` and leaves ASN lookups empty; the server keeps running on country data.
 */
export interface DeferredAsn {
  lookup(ip: string): AsnInfo | null;
  step(): boolean;
  /** Stops a load in progress and closes its file (server shutdown). */
  stop(): void;
}

export function deferredAsnTable(
  start: () => Generator<void, AsnTable>,
  events: { onLoaded(table: AsnTable, ms: number): void; onError(err: Error): void },
): DeferredAsn {
  let steps: Generator<void, AsnTable> | null = null;
  let table: AsnTable | null = null;
  let done = false;
  let busyMs = 0;

  const advance = (): boolean => {
    if (done) return false;
    const began = performance.now();
    try {
      steps ??= start();
      const next = steps.next();
      busyMs += performance.now() - began;
      if (!next.done) return true;
      table = next.value;
      done = true;
      events.onLoaded(table, busyMs);
    } catch (err) {
      done = true;
      events.onError(err instanceof Error ? err : new Error(String(err)));
    }
    steps = null;
    return false;
  };

  return {
    lookup(ip) {
      while (advance());
      return table?.lookup(ip) ?? null;
    },
    step: advance,
    stop() {
      if (done) return;
      done = true;
      steps?.return(undefined as never);
      steps = null;
    },
  };
}
