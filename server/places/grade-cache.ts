import type { FleetGrade } from '../../rules/fleet/index.js';

/**
 * What one replica last graded an open fleet.colocation alert from, so that a places pass grades it again only when
 * something its grade reads may have changed. The grade of a colocation alert reads: its row (members, places),
 * the presence days at its places (any laptop's, within the lookback), its members' own evidence (device_evidence)
 * and server findings, the policy and the lookback's first day. Nothing else.
 *
 * Why a cache per replica stays right with several replicas on one database: every one of those inputs is written
 * by a places pass (presence days, device evidence) or by the ingest of a report of the device itself (server
 * findings), and the replica that wrote it re-grades, in that same pass, every open colocation alert that reads it
 * (every pass lists all open colocation alerts by their stamp). So once the writer's pass is done the stored
 * severity and reasons are those of the newest inputs; a change of severity or reasons is an UPDATE of the row,
 * which every other replica sees in the stamp and grades again; a re-grade that changed neither leaves nothing for
 * the others to learn. As a safety net for what the argument cannot cover (a replica that stopped between its commit
 * and its pass, a pass that failed), no grade is trusted longer than `trustMs`.
 */

/**
 * The cheap columns of an open colocation alert, read every pass instead of the full rows: its time and severity, and
 * the length of its member list (a member list only grows; the length guards against two writes in one millisecond).
 */
export interface AlertStamp {
  id: number;
  updated_at: string;
  severity: string;
  members_chars: number | string;
}

export interface GradedEntry {
  /** The stamp the grade was computed from (after this replica's own write of the grade, if it wrote one). */
  updatedAt: string;
  severity: string;
  membersChars: number;
  members: readonly string[];
  /** clusterKey of each place whose presence the grade read. */
  places: readonly string[];
  membersKey: string;
  grade: FleetGrade;
  gradedMs: number;
}

/** What this replica wrote or saw change since its last pass: presence days at these places, evidence of these devices. */
export interface InputChanges {
  places: ReadonlySet<string>;
  devices: ReadonlySet<string>;
}

/** Pure: whether grading the alert again could give another answer than `entry`. */
export function needsRegrade(entry: GradedEntry | undefined, stamp: AlertStamp, changes: InputChanges, nowMs: number, trustMs: number): boolean {
  if (!entry) return true;
  if (entry.updatedAt !== stamp.updated_at || entry.severity !== stamp.severity || entry.membersChars !== Number(stamp.members_chars)) return true;
  if (nowMs - entry.gradedMs >= trustMs || nowMs < entry.gradedMs) return true;
  if (entry.places.some((p) => changes.places.has(p))) return true;
  return entry.members.some((m) => changes.devices.has(m));
}

/** The grades of one replica, valid for one policy version and lookback start (`scope`): another scope empties it. */
export class GradeCache {
  private readonly entries = new Map<number, GradedEntry>();
  private scope = '';

  constructor(readonly trustMs = 60_000) {}

  /** Call at the start of a pass: a new policy or a new first day of the lookback invalidates every grade. */
  scopeTo(scope: string): void {
    if (scope === this.scope) return;
    this.scope = scope;
    this.entries.clear();
  }

  get(id: number): GradedEntry | undefined {
    return this.entries.get(id);
  }

  set(id: number, entry: GradedEntry): void {
    this.entries.set(id, entry);
  }

  delete(id: number): void {
    this.entries.delete(id);
  }

  /** Forgets alerts no longer open (resolved, or gone). */
  keepOnly(open: ReadonlySet<number>): void {
    for (const id of this.entries.keys()) if (!open.has(id)) this.entries.delete(id);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
