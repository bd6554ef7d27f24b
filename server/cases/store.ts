import { severities } from '../../rules/types.js';
import { ruleInfo } from '../forwarders/rule-info.js';
import type { SqlDb } from '../db/sql/types.js';
import type { Alert } from '../db/records.js';
import { caseTargetsOf, colocationRule } from './targets.js';

/**
 * The SOC's cases, written once for both engines (storage.sql). A case gathers the active alerts of one device (or of
 * one co-location cluster: ./targets.ts) and carries what the analyst decides: a state, a reason when resolved, an
 * assignee, notes. Alerts stay as they are for the SIEM; a case is derived from them and acts on them.
 */
export const caseStates = ['new', 'investigating', 'resolved'] as const;
export type CaseState = (typeof caseStates)[number];
export const resolutions = ['farm-confirmed', 'sanctioned-tool', 'false-positive'] as const;
export type Resolution = (typeof resolutions)[number];
export const resolutionText: Record<Resolution, string> = {
  'farm-confirmed': 'farm confirmed',
  'sanctioned-tool': 'sanctioned tool',
  'false-positive': 'false positive',
};

export interface Case {
  id: number;
  key: string;
  kind: 'device' | 'cluster';
  deviceIds: string[];
  state: CaseState;
  reason: Resolution | null;
  assignee: string | null;
  severity: string;
  why: string;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
}

export interface CaseEvent {
  id: number;
  caseId: number;
  at: string;
  kind: 'opened' | 'reopened' | 'state' | 'assign' | 'note' | 'export';
  actor: string;
  text: string;
}

type Row = Record<string, unknown>;
const rank = (s: string) => severities.indexOf(s as (typeof severities)[number]);

const toCase = (r: Row): Case => ({
  id: Number(r.id),
  key: String(r.case_key),
  kind: r.kind === 'cluster' ? 'cluster' : 'device',
  deviceIds: JSON.parse(String(r.device_ids)) as string[],
  state: (caseStates as readonly string[]).includes(String(r.state)) ? (r.state as CaseState) : 'new',
  reason: (resolutions as readonly string[]).includes(String(r.reason)) ? (r.reason as Resolution) : null,
  assignee: (r.assignee as string | null) ?? null,
  severity: String(r.severity),
  why: String(r.why),
  createdAt: String(r.created_at),
  updatedAt: String(r.updated_at),
  resolvedAt: (r.resolved_at as string | null) ?? null,
});

const toEvent = (r: Row): CaseEvent => ({
  id: Number(r.id),
  caseId: Number(r.case_id),
  at: String(r.at),
  kind: String(r.kind) as CaseEvent['kind'],
  actor: String(r.actor),
  text: String(r.text),
});

/** The one line of why: the most severe alert's rule title, and how many alerts stand behind it. */
export function caseWhy(alerts: readonly Alert[]): { severity: string; why: string } {
  const top = alerts.reduce((a, b) => (rank(b.severity) > rank(a.severity) || (rank(b.severity) === rank(a.severity) && b.rule === colocationRule) ? b : a));
  const title = top.rule === colocationRule ? top.summary : ruleInfo(top.rule).title;
  const others = alerts.length - 1;
  return { severity: top.severity, why: `${title}${others > 0 ? ` (and ${others} more alert${others === 1 ? '' : 's'})` : ''}`.slice(0, 300) };
}

/** Open cases first by severity, then the newest change. */
export function byUrgency(a: Case, b: Case): number {
  const open = (c: Case) => (c.state === 'resolved' ? 1 : 0);
  return open(a) - open(b) || rank(b.severity) - rank(a.severity) || b.updatedAt.localeCompare(a.updatedAt) || b.id - a.id;
}

export function caseStore(sql: SqlDb) {
  const event = (tx: SqlDb, caseId: number, at: string, kind: CaseEvent['kind'], actor: string, text: string) =>
    tx.run('INSERT INTO case_events (case_id, at, kind, actor, text) VALUES (?, ?, ?, ?, ?)', [caseId, at, kind, actor, text.slice(0, 4000)]);

  return {
    /**
     * Brings cases in line with the active alerts: a case for every target that has none, severity and why kept
     * current, and a resolved case reopened when one of its alerts changed after it was resolved. Idempotent.
     */
    async sync(active: readonly Alert[], now: Date): Promise<void> {
      const groups = new Map<string, { kind: 'device' | 'cluster'; deviceIds: string[]; alerts: Alert[] }>();
      for (const a of active) {
        for (const t of caseTargetsOf(a)) {
          const g = groups.get(t.key) ?? { kind: t.kind, deviceIds: t.deviceIds, alerts: [] };
          g.alerts.push(a);
          groups.set(t.key, g);
        }
      }
      if (!groups.size) return;
      const at = now.toISOString();
      await sql.transaction(async (tx) => {
        await tx.lock('cases');
        for (const [key, g] of groups) {
          const { severity, why } = caseWhy(g.alerts);
          const latest = g.alerts.reduce((m, a) => (a.updatedAt > m ? a.updatedAt : m), '');
          const row = await tx.get<Row>('SELECT * FROM cases WHERE case_key = ?', [key]);
          if (!row) {
            const made = await tx.get<Row>(
              `INSERT INTO cases (case_key, kind, device_ids, state, severity, why, created_at, updated_at) VALUES (?, ?, ?, 'new', ?, ?, ?, ?) RETURNING id`,
              [key, g.kind, JSON.stringify(g.deviceIds), severity, why, at, at],
            );
            await event(tx, Number(made?.id), at, 'opened', 'farmwatch', why);
            continue;
          }
          const c = toCase(row);
          if (c.state === 'resolved' && c.resolvedAt !== null && latest > c.resolvedAt) {
            await tx.run(`UPDATE cases SET state = 'new', reason = NULL, resolved_at = NULL, severity = ?, why = ?, updated_at = ? WHERE id = ?`, [severity, why, at, c.id]);
            await event(tx, c.id, at, 'reopened', 'farmwatch', `an alert changed after the case was resolved: ${why}`);
          } else if (c.severity !== severity || c.why !== why || JSON.stringify(c.deviceIds) !== JSON.stringify(g.deviceIds)) {
            await tx.run('UPDATE cases SET severity = ?, why = ?, device_ids = ?, updated_at = ? WHERE id = ?', [severity, why, JSON.stringify(g.deviceIds), at, c.id]);
          }
        }
      });
    },
    async list(filter: { state?: CaseState | 'open'; deviceId?: string; limit?: number } = {}): Promise<Case[]> {
      const where = filter.state === 'open' ? "WHERE state <> 'resolved'" : filter.state ? 'WHERE state = ?' : '';
      const params = filter.state && filter.state !== 'open' ? [filter.state] : [];
      const rows = await sql.all<Row>(`SELECT * FROM cases ${where} ORDER BY id DESC LIMIT ?`, [...params, Math.min(filter.limit ?? 500, 5000)]);
      let cases = rows.map(toCase);
      if (filter.deviceId) cases = cases.filter((c) => c.deviceIds.includes(filter.deviceId as string));
      return cases.sort(byUrgency);
    },
    async get(id: number): Promise<Case | null> {
      const r = await sql.get<Row>('SELECT * FROM cases WHERE id = ?', [id]);
      return r ? toCase(r) : null;
    },
    async events(id: number): Promise<CaseEvent[]> {
      return (await sql.all<Row>('SELECT * FROM case_events WHERE case_id = ? ORDER BY id LIMIT 2000', [id])).map(toEvent);
    },
    /** new → investigating, any → resolved (with a reason), resolved → investigating (reopened by hand). */
    async setState(id: number, to: CaseState, reason: Resolution | null, actor: string, now: Date): Promise<Case | 'not-found' | 'conflict'> {
      const at = now.toISOString();
      return sql.transaction(async (tx) => {
        const row = await tx.get<Row>('SELECT * FROM cases WHERE id = ?', [id]);
        if (!row) return 'not-found' as const;
        const c = toCase(row);
        if (to === 'new' || c.state === to) return 'conflict' as const;
        if (to === 'resolved' && !reason) return 'conflict' as const;
        await tx.run('UPDATE cases SET state = ?, reason = ?, resolved_at = ?, updated_at = ? WHERE id = ?', [to, to === 'resolved' ? reason : null, to === 'resolved' ? at : null, at, id]);
        await event(tx, id, at, 'state', actor, to === 'resolved' ? `resolved: ${resolutionText[reason as Resolution]}` : `${c.state} → ${to}`);
        return toCase({ ...row, state: to, reason: to === 'resolved' ? reason : null, resolved_at: to === 'resolved' ? at : null, updated_at: at });
      });
    },
    async assign(id: number, assignee: string | null, actor: string, now: Date): Promise<Case | null> {
      const at = now.toISOString();
      return sql.transaction(async (tx) => {
        const row = await tx.get<Row>('SELECT * FROM cases WHERE id = ?', [id]);
        if (!row) return null;
        await tx.run('UPDATE cases SET assignee = ?, updated_at = ? WHERE id = ?', [assignee, at, id]);
        await event(tx, id, at, 'assign', actor, assignee ? `assigned to ${assignee}` : 'unassigned');
        return toCase({ ...row, assignee, updated_at: at });
      });
    },
    async note(id: number, text: string, actor: string, now: Date): Promise<CaseEvent | null> {
      const at = now.toISOString();
      return sql.transaction(async (tx) => {
        const row = await tx.get<Row>('SELECT id FROM cases WHERE id = ?', [id]);
        if (!row) return null;
        await tx.run('UPDATE cases SET updated_at = ? WHERE id = ?', [at, id]);
        await event(tx, id, at, 'note', actor, text);
        const e = await tx.get<Row>("SELECT * FROM case_events WHERE case_id = ? AND kind = 'note' ORDER BY id DESC LIMIT 1", [id]);
        return e ? toEvent(e) : null;
      });
    },
    /** Every export is logged: who, when, which case. */
    async logExport(id: number, actor: string, now: Date): Promise<void> {
      await sql.transaction(async (tx) => {
        await event(tx, id, now.toISOString(), 'export', actor, 'exported for HR/legal (self-contained HTML)');
      });
    },
  };
}

export type CaseStore = ReturnType<typeof caseStore>;
