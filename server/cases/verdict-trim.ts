import { randomInt } from 'node:crypto';

/**
 * Which reports trim their device's verdict log back to the newest rows kept (./verdict-log.ts). Trimming at every
 * report cost a statement per report (on PostgreSQL 18-26 µs of its execution per report, measured with
 * pg_stat_statements, and a round trip per batch) that deletes at most one row; a report that does not trim sends no
 * trim statement at all. Two rules decide:
 *
 * - a draw of the server's own CSPRNG, 1 in `oneIn`: nothing the agent chooses (report ids, timing, how many reports)
 *   enters it, so it can neither predict nor steer which of its reports trim, only send more reports, each of which
 *   trims with the same chance. One draw per turn of the event loop (until its microtasks run), shared by every report
 *   that asks in it: the reports of a batch ask in one turn (SQLite's whole batch, each round of PostgreSQL's
 *   lockstep), so a batch trims as a whole or not at all. A batch that does not trim sends no DELETE (with a draw per
 *   report, a batch of 40 would nearly always hold one that trims), and no report's extra step puts the next report
 *   of its device in the batch a round behind the others (server/db/sql/lockstep.ts starts it once the one before
 *   has ended), which would split their later statements in two;
 * - a bound that holds whatever the draws: a device that has had `atMost` - 1 reports without a committed trim (in
 *   this process) trims at the next one, and a device this process does not know (its first report since the start,
 *   or one forgotten past `maxDevices`) trims at once.
 *
 * So a device keeps at most the cap plus `atMost` - 1 rows for each server process that writes its reports (expected:
 * `oneIn` - 1). A trim counts only once its transaction committed (`trimmed`, after the commit): a rolled-back one
 * (an error, or a batch run again report by report) leaves the device due, so no rerun of a batch lets the count
 * restart.
 */
export interface TrimOptions {
  /** One report in this many trims, drawn (default 8). */
  oneIn?: number;
  /** A device trims at the latest at this report after its last committed trim (default 32). */
  atMost?: number;
  /** The draw (tests force it): true to trim. Default: the CSPRNG, 1 in `oneIn`, once per turn (turnDraw). */
  draw?: () => boolean;
  /** Devices whose count is kept; a device forgotten past it trims at its next report (default 20,000). */
  maxDevices?: number;
}

export interface VerdictTrims {
  /** Counts one more report of the device: 0 when it does not trim, else the reports its trim covers (for `trimmed`). */
  due(deviceId: string): number;
  /** After the commit of the transaction in which a report of the device trimmed: the reports it covered are done. */
  trimmed(deviceId: string, covered: number): void;
}

export function verdictTrims(options: TrimOptions = {}): VerdictTrims {
  const oneIn = Math.max(1, Math.floor(options.oneIn ?? 8));
  const atMost = Math.max(1, Math.floor(options.atMost ?? 32));
  const draw = options.draw ?? turnDraw(oneIn);
  const maxDevices = Math.max(1, options.maxDevices ?? 20_000);
  const since = new Map<string, number>();
  return {
    due(deviceId) {
      const before = since.get(deviceId);
      if (before === undefined && since.size >= maxDevices) since.delete(since.keys().next().value as string);
      // Unknown: as many as the bound, so that it trims now.
      const n = (before ?? atMost - 1) + 1;
      since.set(deviceId, n);
      // The draw first: it is taken at every report, due or not, so that nothing about it depends on the count.
      return draw() || n >= atMost ? n : 0;
    },
    trimmed(deviceId, covered) {
      const n = since.get(deviceId);
      if (n !== undefined) since.set(deviceId, Math.max(0, n - covered));
    },
  };
}

/** A CSPRNG draw, 1 in `oneIn`, taken once per turn of the event loop and the same for every call until it ends. */
export function turnDraw(oneIn: number): () => boolean {
  let drawn: boolean | undefined;
  return () => {
    if (drawn === undefined) {
      drawn = randomInt(oneIn) === 0;
      queueMicrotask(() => {
        drawn = undefined;
      });
    }
    return drawn;
  };
}
