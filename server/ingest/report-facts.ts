import { createHash } from 'node:crypto';

/**
 * What a report says that can repeat: its body minus the values that change every cycle by nature, hashed on the
 * server from the body it received (never a hash the agent sends). Read from a real agent's consecutive reports
 * (scripts/bench/report-bytes.ts): between two cycles of an unchanged laptop only these moved:
 *  - `reportId`, `collectedAt`, `sentAt`, `nextReportBy`: the cycle's identity and times (the ingest reads the times
 *    before storing; a heartbeat row keeps its own report id and collected-at);
 *  - `agent.health.cpuMs`, `wallMs`, `rssMiB`, `forks`, `maxEventLoopBlockMs`: what the cycle cost the agent.
 * Everything else is a fact, at any depth: findings, score and level, identity, the snapshot, the agent's version,
 * config and code hashes, its spool counters, restraint and refused notices, `truncated`, unknown fields. A value
 * the agent controls cannot hide a change: the volatile values are removed at these exact places only (the same name
 * elsewhere is a fact), the schema keeps each of them a number or a timestamp, and key order does not count (the
 * facts are hashed in a canonical form, keys sorted at every depth; array order counts).
 */
const volatileTop = ['reportId', 'collectedAt', 'sentAt', 'nextReportBy'] as const;
const volatileHealth = ['cpuMs', 'wallMs', 'rssMiB', 'forks', 'maxEventLoopBlockMs'] as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Pure: the report's facts (a copy; the input is not changed). */
export function reportFacts(report: Record<string, unknown>): Record<string, unknown> {
  const facts: Record<string, unknown> = { ...report };
  for (const k of volatileTop) delete facts[k];
  const agent = facts.agent;
  if (isObject(agent) && isObject(agent.health)) {
    const health: Record<string, unknown> = { ...agent.health };
    for (const k of volatileHealth) delete health[k];
    facts.agent = { ...agent, health };
  }
  return facts;
}

/** Canonical JSON: object keys sorted (by code unit) at every depth, arrays in order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value as Json) ?? 'null';
}

/** SHA-256 of the canonical facts of a received body (JSON text); null when the body is not a JSON object. */
export function factsHash(body: string): Buffer | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  if (!isObject(parsed)) return null;
  return createHash('sha256').update(canonical(reportFacts(parsed))).digest();
}
