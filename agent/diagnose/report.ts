import type { Snapshot } from '../../schema/snapshot/index.js';
import type { Evaluation } from '../../rules/engine.js';
import type { RuleContext } from '../../rules/types.js';

/** What `diagnose` explains: the snapshot, its evaluation, and where both came from. */
export interface DiagnoseReport {
  snapshot: Snapshot;
  evaluation: Evaluation;
  expected: RuleContext['expected'];
  /** Where the snapshot came from: a file (--from) or this machine. */
  source: { from: string } | { collected: true; probe: boolean; anchors: number };
  /** `ignored`: a replay (--from) is not judged against this machine's baseline unless --baseline names one. */
  baseline: { path: string; firstSeen?: string; problem?: string } | { path: string; absent: true } | { path: string; ignored: true };
  /** Whom the person should contact (config `contact`). */
  contact?: string;
}
