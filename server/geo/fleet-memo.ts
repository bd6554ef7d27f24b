/**
 * What this process knows the database holds of intel's fleet tables, so that a steady report does not ask again:
 * - the rows of fleet_members and tool_devices: insert-only, never deleted, so a row once committed stays, whichever
 *   replica wrote it: known on either engine;
 * - with `counts`, the counts of fleet_counts, changed only by intel's own bump: only where the database is this
 *   process's alone (SQLite: one server per file), never with replicas, whose bumps this process would not see.
 * Learned only once the transaction committed (`afterCommit`): a rolled-back batch teaches nothing. A bump forgets its
 * count at once, so a later read in the same transaction asks the database, and again at the commit: the callbacks run
 * in the order of the operations, so what stays is the last one's.
 */
export function fleetMemo({ counts: keepCounts, max = 100_000 }: { counts: boolean; max?: number }) {
  const rows = new Set<string>();
  const counts = new Map<string, number>();
  return {
    hasRow: (key: string): boolean => rows.has(key),
    /** The row is stored once the open transaction commits. */
    rowStored(key: string, afterCommit: (() => void)[]): void {
      afterCommit.push(() => {
        if (rows.size >= max) rows.clear();
        rows.add(key);
      });
    },
    count: (key: string): number | undefined => counts.get(key),
    /** Read in the open transaction: the committed value once it commits, unless a bump after it forgets it again. */
    countRead(key: string, n: number, afterCommit: (() => void)[]): void {
      if (!keepCounts) return;
      afterCommit.push(() => {
        if (counts.size >= max) counts.clear();
        counts.set(key, n);
      });
    },
    bumped(key: string, afterCommit: (() => void)[]): void {
      counts.delete(key);
      afterCommit.push(() => counts.delete(key));
    },
  };
}

export type FleetMemo = ReturnType<typeof fleetMemo>;
