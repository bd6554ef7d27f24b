import type { Alert } from '../db/records.js';
import type { CaseEvent } from './store.js';
import type { VerdictRow } from './verdict-log.js';

/**
 * Pure: a case's timeline. From the server's verdict per report: the score each time it moved, with the findings that
 * appeared or went; the place (source address) each time it changed; and the case's own events (opened, states,
 * assignee, notes, exports) and alerts. Oldest first; reports that changed nothing are left out.
 */
export interface TimelineEntry {
  at: string;
  kind: 'score' | 'place' | 'alert' | CaseEvent['kind'];
  deviceId?: string;
  text: string;
  score?: number;
  level?: string;
  added?: string[];
  removed?: string[];
  actor?: string;
}

const counted = (r: VerdictRow) =>
  new Map(r.serverFindings.filter((f) => !f.suppressed && (f.weight ?? 0) * f.confidence > 0).map((f) => [`${f.rule}\u0000${f.subject ?? ''}`, f.subject ? `${f.title}` : f.title]));

export function caseTimeline(history: ReadonlyMap<string, readonly VerdictRow[]>, events: readonly CaseEvent[], alerts: readonly Alert[], limit = 500): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  for (const [deviceId, rows] of history) {
    let prev: VerdictRow | undefined;
    for (const r of rows) {
      const before = prev ? counted(prev) : new Map<string, string>();
      const now = counted(r);
      const added = [...now].filter(([k]) => !before.has(k)).map(([, t]) => t);
      const removed = [...before].filter(([k]) => !now.has(k)).map(([, t]) => t);
      if (!prev || prev.serverScore !== r.serverScore || added.length || removed.length) {
        out.push({
          at: r.receivedAt,
          kind: 'score',
          deviceId,
          score: r.serverScore,
          level: r.serverLevel,
          added,
          removed,
          text: `${prev ? `score ${prev.serverScore} → ${r.serverScore}` : `first report: score ${r.serverScore}`} (${r.serverLevel})`,
        });
      }
      if (prev && r.sourceIp && prev.sourceIp && prev.sourceIp !== r.sourceIp) out.push({ at: r.receivedAt, kind: 'place', deviceId, text: `reported from ${r.sourceIp} (was ${prev.sourceIp})` });
      prev = r;
    }
  }
  for (const a of alerts) out.push({ at: a.createdAt, kind: 'alert', text: `alert #${a.id} ${a.rule} (${a.severity}) opened: ${a.summary}` });
  for (const e of events) out.push({ at: e.at, kind: e.kind, actor: e.actor, text: e.text });
  return out.sort((a, b) => a.at.localeCompare(b.at)).slice(-limit);
}
