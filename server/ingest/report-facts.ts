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
 * elsewhere is a fact) and only as what they are (the times as strings, the costs as numbers; anything else there,
 * say an object under `maxEventLoopBlockMs`, which the schema leaves open, is a fact). The facts are hashed as JSON in
 * the order received: the same facts in another key order hash differently and are stored whole (a reordering never
 * hides a change, it only costs a full row; the agent writes its keys in one order), and a heartbeat's body, rebuilt
 * from its full row, is the text it would have had but for the volatile values. The body hashed is the server's own
 * serialisation of what it parsed (duplicate keys and number spellings already resolved).
 */
const volatileTop = ['reportId', 'collectedAt', 'sentAt', 'nextReportBy'] as const;
const volatileHealth = ['cpuMs', 'wallMs', 'rssMiB', 'forks', 'maxEventLoopBlockMs'] as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A volatile top-level member: left out of the facts. */
const dropped = Symbol('volatile');

/** Pure: a top-level member's fact: `dropped` when volatile, else the value, or (the agent) a copy without the cycle's costs. */
function factOf(key: string, value: unknown): unknown {
  if (typeof value === 'string' && (volatileTop as readonly string[]).includes(key)) return dropped;
  if (key !== 'agent' || !isObject(value) || !isObject(value.health)) return value;
  const health: Record<string, unknown> = { ...value.health };
  for (const k of volatileHealth) if (typeof health[k] === 'number') delete health[k];
  return { ...value, health };
}

/** Pure: the report's facts (a copy; the input is not changed). */
export function reportFacts(report: Record<string, unknown>): Record<string, unknown> {
  const facts: Record<string, unknown> = { ...report };
  for (const k of Object.keys(report)) {
    const fact = factOf(k, report[k]);
    // Only the agent's member is replaced (a key the spread defined as its own: no `__proto__` setter reached).
    if (fact === dropped) delete facts[k];
    else if (!Object.is(fact, report[k])) facts[k] = fact;
  }
  return facts;
}

/**
 * SHA-256 of the facts of a received report, from the value its stored body is the JSON of (the report preparation
 * has it parsed: ../ingest-pool/prepare.ts); null when it is not a JSON object. The same as factsHash of that body:
 * JSON text written by JSON.stringify parses back to a value that writes the same text.
 */
export function factsHashOf(value: unknown): Buffer | null {
  if (!isObject(value)) return null;
  return createHash('sha256').update(JSON.stringify(reportFacts(value))).digest();
}

/**
 * The stored body of a received report (exactly `JSON.stringify(value)`) and its facts hash (exactly
 * `factsHashOf(value)`), each top-level value serialised once for both: the facts are the body's members (factOf) but
 * the volatile ones, in the same order. Only `agent` (small) is written twice, its health without the volatile costs. A
 * value that is not a plain JSON object (not what JSON.parse gives) takes the two separate paths.
 */
export function bodyAndFactsHash(value: unknown): { body: string; factsHash: Buffer | null } {
  if (!isObject(value) || typeof value.toJSON === 'function') return { body: JSON.stringify(value), factsHash: factsHashOf(value) };
  let body = '';
  let facts = '';
  for (const k of Object.keys(value)) {
    const v = value[k];
    const text = JSON.stringify(v) as string | undefined;
    // JSON.stringify leaves out a member whose value it cannot write (undefined, a function).
    if (text === undefined) continue;
    const name = JSON.stringify(k);
    body += `${body ? ',' : ''}${name}:${text}`;
    const fact = factOf(k, v);
    if (fact !== dropped) facts += `${facts ? ',' : ''}${name}:${fact === v ? text : JSON.stringify(fact)}`;
  }
  return { body: `{${body}}`, factsHash: createHash('sha256').update(`{${facts}}`).digest() };
}

/** SHA-256 of the facts of a received body (JSON text); null when the body is not a JSON object. */
export function factsHash(body: string): Buffer | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  return factsHashOf(parsed);
}
