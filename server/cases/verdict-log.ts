import { blindSpots } from '../../rules/blind-spots.js';
import type { Finding } from '../../rules/types.js';
import type { Report } from '../../schema/report.js';
import type { ServerVerdict } from '../lifecycle/storage-types.js';
import { own, run, runSteps, type Steps } from '../db/sql/steps.js';
import type { SqlDb } from '../db/sql/types.js';
import { compressBody, decompressBody } from '../db/report-body.js';
import { bytesInText, bytesOfText } from '../db/sql/dialect.js';
import { verdictTrims, type TrimOptions, type VerdictTrims } from './verdict-trim.js';

/**
 * The server's verdict per report, beside the agent's: what the device page's breakdown, the blind-spot filter and a
 * case's timeline read. Written once per accepted report inside its ingest (recordVerdict), for both engines.
 */
export interface StoredFinding {
  rule: string;
  title: string;
  severity: string;
  confidence: number;
  weight?: number;
  group?: string;
  subject?: string;
  suppressed?: boolean;
  suppressedBy?: string;
  attack?: string[];
  evidence: Record<string, unknown>;
}

export interface VerdictRow {
  reportId: string;
  deviceId: string;
  receivedAt: string;
  collectedAt: string;
  sourceIp: string | null;
  agentScore: number;
  agentLevel: string;
  serverScore: number;
  serverLevel: string;
  agentFindings: StoredFinding[];
  serverFindings: StoredFinding[];
  /** Collectors that saw nothing or did not run (rules/blind-spots.ts); empty also when no snapshot travelled. */
  blind: string[];
}

/** Reports kept per device: the score chart shows 200. */
export const verdictsPerDevice = 200;
const findingsKept = 100;
const evidenceChars = 4000;

/**
 * The JSON of a finding as stored (StoredFinding), but its evidence and closing brace (written by evidenceText):
 * written as text, member by member in StoredFinding's order, without an object per finding on the ingest's path.
 */
function storedHeadJson(f: Finding): string {
  const confidence = Number.isFinite(f.confidence) ? f.confidence : 0;
  let out = `{"rule":${JSON.stringify(String(f.rule).slice(0, 128))},"title":${JSON.stringify(String(f.title).slice(0, 300))},"severity":${JSON.stringify(String(f.severity))},"confidence":${JSON.stringify(confidence)}`;
  if (typeof f.weight === 'number' && Number.isFinite(f.weight)) out += `,"weight":${JSON.stringify(f.weight)}`;
  if (typeof f.group === 'string') out += `,"group":${JSON.stringify(f.group.slice(0, 64))}`;
  if (typeof f.subject === 'string') out += `,"subject":${JSON.stringify(f.subject.slice(0, 300))}`;
  if (f.suppressed === true) out += ',"suppressed":true';
  if (typeof f.suppressedBy === 'string') out += `,"suppressedBy":${JSON.stringify(f.suppressedBy.slice(0, 300))}`;
  if (Array.isArray(f.attack)) out += `,"attack":${JSON.stringify(f.attack.slice(0, 10).map((a) => String(a).slice(0, 20)))}`;
  return out;
}

/** The stored JSON of a finding's evidence: written once (its length decides whether it is kept), once per object. */
function evidenceText(f: Finding, texts: WeakMap<object, string>): string {
  const evidence: Record<string, unknown> = f.evidence && typeof f.evidence === 'object' ? f.evidence : {};
  let text = texts.get(evidence);
  if (text === undefined) {
    text = JSON.stringify(evidence) ?? '{}';
    if (text.length > evidenceChars) text = JSON.stringify({ cut: `evidence of ${text.length} characters, not kept here: see the report` });
    texts.set(evidence, text);
  }
  return text;
}

/**
 * The stored JSON of a list of findings (StoredFinding[], evidence last), written without a second pass over any
 * evidence: the agent's and the server's lists share most evidence objects (the server re-judges the agent's findings).
 */
export function storedFindingsJson(findings: readonly Finding[], texts: WeakMap<object, string> = new WeakMap()): string {
  let out = '';
  const n = Math.min(findings.length, findingsKept);
  for (let i = 0; i < n; i++) {
    const f = findings[i] as Finding;
    out += `${i ? ',' : ''}${storedHeadJson(f)},"evidence":${evidenceText(f, texts)}}`;
  }
  return `[${out}]`;
}

/**
 * How the two findings lists are stored, on both engines: deflated (server/db/report-body.ts's format), in the
 * engine's container for bytes in a TEXT column (bytesInText: a BLOB on SQLite, base64 text on PostgreSQL). A mix-a
 * verdict row's ~3.4 KB of JSON took a 4 KB SQLite page of its own, two thirds of the WAL an ingest commit wrote
 * (measured: 28 of 42 pages a 16-report batch); on PostgreSQL the server escaped that text into the batch's json
 * parameter and the backend compressed it (TOAST, pglz): the ingest's costliest statement. Deflated it is ~670 B
 * (~890 B as base64, under the TOAST threshold). A device that keeps reporting the same findings sends the same lists:
 * each device's last pair is kept with its stored form, so a steady report deflates nothing (a cache of a pure
 * function: a rolled-back transaction leaves it true). Rows written before as JSON text read as they are (listText).
 */
export function findingsEncoder(dialect: SqlDb['dialect'], maxDevices = 2_000): (deviceId: string, agent: string, server: string) => [unknown, unknown] {
  const stored = (text: string) => bytesInText({ dialect }, compressBody(text));
  const last = new Map<string, { agent: string; agentZ: unknown; server: string; serverZ: unknown }>();
  return (deviceId, agent, server) => {
    let kept = last.get(deviceId);
    if (!kept || kept.agent !== agent || kept.server !== server) {
      const agentZ = kept?.agent === agent ? kept.agentZ : kept?.server === agent ? kept.serverZ : stored(agent);
      const serverZ = server === agent ? agentZ : kept?.server === server ? kept.serverZ : stored(server);
      if (!kept && last.size >= maxDevices) last.delete(last.keys().next().value as string);
      last.set(deviceId, (kept = { agent, agentZ, server, serverZ }));
    }
    return [kept.agentZ, kept.serverZ];
  };
}

/**
 * Pure and total: a stored findings list as its JSON text, undefined when it does not decode. A JSON list always
 * starts with `[`, base64 never does: text that starts so is a row written before the lists were deflated.
 */
export function listText(stored: unknown): string | undefined {
  if (typeof stored === 'string' && stored.startsWith('[')) return stored;
  const bytes = bytesOfText(stored);
  return bytes ? decompressBody(bytes) : undefined;
}

type Row = Record<string, unknown>;
/** Pure and total: a JSON list, [] for anything else. */
const jsonList = <T>(text: unknown): T[] => {
  if (typeof text !== 'string') return [];
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? (v as T[]) : [];
  } catch {
    return [];
  }
};
/** Pure and total: a stored findings list (listText), [] for anything that is not one (garbage, a cut value). */
export const parseList = <T>(stored: unknown): T[] => jsonList<T>(listText(stored));

const toRow = (r: Row): VerdictRow => ({
  reportId: String(r.report_id),
  deviceId: String(r.device_id),
  receivedAt: new Date(Number(r.received_ms)).toISOString(),
  collectedAt: String(r.collected_at),
  sourceIp: (r.source_ip as string | null) ?? null,
  agentScore: Number(r.agent_score),
  agentLevel: String(r.agent_level),
  serverScore: Number(r.server_score),
  serverLevel: String(r.server_level),
  agentFindings: parseList<StoredFinding>(r.agent_findings),
  serverFindings: parseList<StoredFinding>(r.server_findings),
  blind: jsonList<string>(r.blind),
});

const sqlOf = {
  insert: `INSERT INTO report_verdicts (report_id, device_id, received_ms, collected_at, source_ip, agent_score, agent_level, server_score, server_level, agent_findings, server_findings, blind)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (report_id) DO NOTHING`,
  trim: `DELETE FROM report_verdicts WHERE device_id = ? AND received_ms < (SELECT received_ms FROM report_verdicts WHERE device_id = ? ORDER BY received_ms DESC LIMIT 1 OFFSET ${verdictsPerDevice - 1})`,
};

/** What recordVerdict keeps between reports, one per ingest: the lists' memo and which reports trim (./verdict-trim.ts). */
export interface VerdictWriter {
  encode: ReturnType<typeof findingsEncoder>;
  trims: VerdictTrims;
}

export function verdictWriter(dialect: SqlDb['dialect'], trim?: TrimOptions): VerdictWriter {
  return { encode: findingsEncoder(dialect), trims: verdictTrims(trim) };
}

/**
 * Once per accepted report, as steps of the ingest's own transaction (server/ingest/steps.ts): a report id already
 * logged is left as it is; now and then (./verdict-trim.ts) the device's rows are cut back to the newest
 * `verdictsPerDevice`, and every reader asks for the newest 200 at most, so the rows between two trims are never
 * shown. Both statements touch only the reporting device's own rows, so PostgreSQL's batched ingest runs them for a
 * whole batch as one statement each, and a batch in which no report trims sends no trim. `afterCommit` is called by
 * the caller once the transaction committed.
 */
export function* recordVerdict(
  report: Report, verdict: ServerVerdict | undefined, receivedAt: Date, sourceIp: string | null, writer: VerdictWriter, afterCommit: (() => void)[],
): Steps<void> {
  const server = verdict ?? { score: report.score, level: report.level, findings: report.findings };
  // null: no snapshot travelled, so what the collectors saw is not known (not the same as "saw everything").
  const sight = blindSpots(report.snapshot);
  const blind = sight.known ? sight.blind : null;
  const texts = new WeakMap<object, string>();
  const [agentFindings, serverFindings] = writer.encode(report.deviceId, storedFindingsJson(report.findings, texts), storedFindingsJson(server.findings, texts));
  yield* run(
    sqlOf.insert,
    [
      report.reportId, report.deviceId, receivedAt.getTime(), report.collectedAt, sourceIp, report.score, report.level, server.score, server.level,
      agentFindings, serverFindings, JSON.stringify(blind),
    ],
    { batch: { key: ['report_id'] } },
  );
  const covered = writer.trims.due(report.deviceId);
  if (!covered) return;
  yield* run(sqlOf.trim, [report.deviceId, report.deviceId], own);
  const deviceId = report.deviceId;
  afterCommit.push(() => writer.trims.trimmed(deviceId, covered));
}

export function verdictLog(sql: SqlDb, trim?: TrimOptions) {
  const writer = verdictWriter(sql.dialect, trim);
  return {
    /** The ingest's own steps (recordVerdict) in a transaction of their own: for a report stored another way. */
    async record(report: Report, verdict: ServerVerdict | undefined, receivedAt: Date, sourceIp: string | null): Promise<void> {
      const afterCommit: (() => void)[] = [];
      await sql.transaction((tx) => runSteps(tx, recordVerdict(report, verdict, receivedAt, sourceIp, writer, afterCommit)));
      for (const told of afterCommit) told();
    },
    /** The verdict of the device's latest report (the one the device row points at), or null. */
    async latest(deviceId: string): Promise<VerdictRow | null> {
      const r = await sql.get<Row>('SELECT v.* FROM devices d JOIN report_verdicts v ON v.report_id = d.latest_report_id WHERE d.device_id = ?', [deviceId]);
      return r ? toRow(r) : null;
    },
    /** Oldest first, the newest `limit` of the device. */
    async history(deviceId: string, limit = verdictsPerDevice): Promise<VerdictRow[]> {
      const rows = await sql.all<Row>('SELECT * FROM report_verdicts WHERE device_id = ? ORDER BY received_ms DESC LIMIT ?', [deviceId, limit]);
      return rows.map(toRow).reverse();
    },
    /** Device ids whose latest report had this collector blind (usb, displays, inputs, ...). */
    async blindDevices(collector: string): Promise<Set<string>> {
      const rows = await sql.all<Row>('SELECT d.device_id FROM devices d JOIN report_verdicts v ON v.report_id = d.latest_report_id WHERE v.blind LIKE ?', [`%${JSON.stringify(collector.replace(/[^a-z]/g, ''))}%`]);
      return new Set(rows.map((r) => String(r.device_id)));
    },
    /** The strongest counted finding of the server's verdict on each device's latest report: the fleet's "why". */
    async topFindingOf(deviceIds: readonly string[]): Promise<Map<string, string>> {
      const out = new Map<string, string>();
      if (!deviceIds.length) return out;
      const ids = deviceIds.slice(0, 1000);
      const rows = await sql.all<Row>(
        `SELECT d.device_id, v.server_findings FROM devices d JOIN report_verdicts v ON v.report_id = d.latest_report_id WHERE d.device_id IN (${ids.map(() => '?').join(', ')})`,
        ids,
      );
      for (const r of rows) {
        const strength = (f: StoredFinding) => (f.suppressed ? 0 : (f.weight ?? 0) * f.confidence);
        const top = parseList<StoredFinding>(r.server_findings).filter((f) => strength(f) > 0).sort((a, b) => strength(b) - strength(a))[0];
        if (top) out.set(String(r.device_id), top.title);
      }
      return out;
    },
    /** Blind collectors of the latest report per device, for these devices; null when no snapshot travelled. */
    async blindOf(deviceIds: readonly string[]): Promise<Map<string, string[] | null>> {
      const out = new Map<string, string[] | null>();
      if (!deviceIds.length) return out;
      const ids = deviceIds.slice(0, 1000);
      const rows = await sql.all<Row>(
        `SELECT d.device_id, v.blind FROM devices d JOIN report_verdicts v ON v.report_id = d.latest_report_id WHERE d.device_id IN (${ids.map(() => '?').join(', ')})`,
        ids,
      );
      for (const r of rows) out.set(String(r.device_id), r.blind === 'null' ? null : jsonList<string>(r.blind));
      return out;
    },
  };
}

export type VerdictLog = ReturnType<typeof verdictLog>;
