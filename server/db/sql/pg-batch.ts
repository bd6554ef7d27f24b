import { deferred, type BatchRunner } from './lockstep.js';
import { numberPlaceholders, type SqlDb, type SqlRow } from './types.js';

/**
 * PostgreSQL's batch forms, derived from the single statement (server/db/sql/steps.ts `Batch`), so that the
 * ingest's SQL stays written once: N steps of one text become one statement over the rows of ONE json parameter,
 * `ROWS FROM (json_to_recordset(?::json) AS ("1" t1, …, "n" tn)) WITH ORDINALITY AS b(batch_p1, …, batch_pn, batch_i)`,
 * each `?` of the text replaced by its column, and the result split back by `batch_i` (an INSERT's by its key columns):
 *
 * - SELECT: `SELECT b.batch_i, s.* FROM <the rows> b CROSS JOIN LATERAL (<the select>) s` (FOR UPDATE included);
 * - UPDATE … WHERE … [RETURNING …]: `UPDATE … FROM <the rows> b WHERE … RETURNING b.batch_i, …`;
 * - INSERT … VALUES (…) …: `INSERT … SELECT <the values> FROM <the rows> b … RETURNING <key columns>`;
 * - DELETE FROM t WHERE … [RETURNING …]: `DELETE FROM t USING <the rows> b WHERE … RETURNING b.batch_i, …`.
 *
 * The parameters' types are PostgreSQL's own inference for the single statement (PREPARE, then
 * pg_prepared_statements.parameter_types), asked once per text per process: each column is read from the json as
 * exactly what the single statement would have bound. One json text per statement, not one array per parameter:
 * node-postgres wrote an array literal per parameter element by element (each escaped twice, a string each), a large
 * part of the ingest's CPU and garbage on PostgreSQL; here each text is escaped once, by the native JSON.stringify.
 * PostgreSQL estimates the rows at 100 (it cannot see into the json): the statements joined on a key still run as a
 * nested loop over the key's index (seen with EXPLAIN at 60,000 presence rows).
 */
export function pgBatcher(): BatchRunner {
  const types = new Map<string, string[]>();
  // By text, then by op and key: the texts are long constants (their hash is kept), a key built of them per call is not.
  const compiled = new Map<string, Map<string, Compiled>>();
  let probes = 0;

  async function typesOf(tx: SqlDb, sql: string): Promise<string[]> {
    let t = types.get(sql);
    if (t) return t;
    const name = `farmwatch_batch_probe_${++probes}`;
    await tx.run(`PREPARE ${name} AS ${numberPlaceholders(sql)}`);
    const row = await tx.get<{ t: string[] }>('SELECT parameter_types::text[] AS t FROM pg_prepared_statements WHERE name = ?', [name]);
    await tx.run(`DEALLOCATE ${name}`);
    t = row?.t ?? [];
    types.set(sql, t);
    return t;
  }

  return async function runBatch(tx, op, sql, batch, each) {
    let forms = compiled.get(sql);
    if (!forms) compiled.set(sql, (forms = new Map()));
    const key = batch.key ? `${op}\u0000${batch.key.join(',')}` : op;
    let c = forms.get(key);
    if (!c) forms.set(key, (c = compile(op, sql, await typesOf(tx, sql), batch.key)));
    // Two steps with the same INSERT key never share a statement: the later one waits and then meets the row.
    const taken: number[] = [];
    const out: (unknown | typeof deferred)[] = each.map(() => deferred);
    const seen = new Set<string>();
    for (const [k, params] of each.entries()) {
      if (c.keyParams) {
        const id = c.keyParams.map((p) => String(params[p])).join('\u0000');
        if (seen.has(id)) continue;
        seen.add(id);
      }
      taken.push(k);
    }
    const rows = await tx.all<SqlRow>(c.text, [jsonRows(c.types.length, taken.map((k) => each[k]!))]);
    const byStep = new Map<number, SqlRow[]>(taken.map((k) => [k, []]));
    if (c.keyParams) {
      const stepOf = new Map(taken.map((k) => [c!.keyParams!.map((p) => String(each[k]![p])).join('\u0000'), k]));
      for (const row of rows) byStep.get(stepOf.get(c.keyColumns!.map((col) => String(row[col])).join('\u0000')) ?? -1)?.push(row);
    } else {
      for (const row of rows) {
        const k = taken[Number(row.batch_i) - 1];
        delete row.batch_i;
        if (k !== undefined) byStep.get(k)?.push(row);
      }
    }
    for (const k of taken) {
      const mine = byStep.get(k) ?? [];
      out[k] = op === 'all' ? mine : op === 'get' ? mine[0] : { changes: mine.length };
    }
    return out;
  };
}

interface Compiled {
  text: string;
  types: string[];
  /** An INSERT's key: its columns and the parameter each one is bound from. */
  keyColumns?: string[];
  keyParams?: number[];
}

/**
 * The steps' parameters as one json array of objects keyed "1" … "n" (a null is left out: json_to_recordset reads a
 * missing key as null). Each value as the single statement would bind it through node-postgres: booleans as 1/0,
 * bytes as bytea's hex text, a Date as its instant, an array as a json array, another object as its JSON text, a lone surrogate as U+FFFD
 * (what node-postgres's UTF-8 encoding of the text makes of it; PostgreSQL's json refuses it escaped).
 */
export function jsonRows(n: number, rows: readonly (readonly unknown[])[]): string {
  let out = '[';
  for (let r = 0; r < rows.length; r++) {
    const params = rows[r]!;
    out += r ? ',{' : '{';
    let sep = '';
    for (let p = 0; p < n; p++) {
      const v = jsonValue(params[p]);
      if (v === undefined) continue;
      out += `${sep}"${p + 1}":${v}`;
      sep = ',';
    }
    out += '}';
  }
  return `${out}]`;
}

function jsonValue(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(wellFormed(v));
    case 'number':
      // NaN and the infinities as the text node-postgres would send (json has no such numbers).
      return Number.isFinite(v) ? String(v) : `"${String(v)}"`;
    case 'boolean':
      return v ? '1' : '0';
    case 'bigint':
      return String(v);
    case 'undefined':
      return undefined;
    case 'object':
      if (v === null) return undefined;
      if (ArrayBuffer.isView(v)) return `"\\\\x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}"`;
      if (v instanceof Date) return JSON.stringify(v.toISOString());
      // A list (an array parameter): a json array, which json_to_recordset reads into the array type.
      if (Array.isArray(v)) return `[${v.map((x) => jsonValue(x) ?? 'null').join(',')}]`;
      return JSON.stringify(wellFormed(JSON.stringify(v)));
    default:
      return JSON.stringify(wellFormed(String(v)));
  }
}

type Utf16 = string & { isWellFormed(): boolean; toWellFormed(): string };
function wellFormed(s: string): string {
  return (s as Utf16).isWellFormed() ? s : (s as Utf16).toWellFormed();
}

/** Quoted text blanked out (same length), so that keywords and `?` are found outside strings only. */
function mask(sql: string): string {
  let out = '';
  let quote: string | null = null;
  for (const ch of sql) {
    if (quote) {
      out += ch === quote ? ch : ' ';
      if (ch === quote) quote = null;
    } else {
      if (ch === "'" || ch === '"') quote = ch;
      out += ch;
    }
  }
  return out;
}

/** Each `?` outside quotes replaced by `name(k)`, k from 1. */
function replacePlaceholders(sql: string, name: (k: number) => string): string {
  const m = mask(sql);
  let out = '';
  let n = 0;
  for (let i = 0; i < sql.length; i++) out += m[i] === '?' ? name(++n) : sql[i];
  return out;
}

function lastKeyword(masked: string, word: string): number {
  let at = -1;
  for (const m of masked.matchAll(new RegExp(`\\b${word}\\b`, 'gi'))) at = m.index ?? at;
  return at;
}

/** The first `word` outside parentheses (not a subquery's), in masked text; -1 when there is none. */
function topKeyword(masked: string, word: string): number {
  for (const m of masked.matchAll(new RegExp(`\\b${word}\\b`, 'gi'))) {
    const at = m.index ?? 0;
    let depth = 0;
    for (let i = 0; i < at; i++) depth += masked[i] === '(' ? 1 : masked[i] === ')' ? -1 : 0;
    if (depth === 0) return at;
  }
  return -1;
}

/** The index of the `)` closing the `(` at `open`, in masked text. */
function closing(masked: string, open: number): number {
  let depth = 0;
  for (let i = open; i < masked.length; i++) {
    if (masked[i] === '(') depth++;
    else if (masked[i] === ')' && --depth === 0) return i;
  }
  throw new Error('unbalanced parentheses');
}

/** Top-level comma-separated parts of masked text, as [start, end) ranges. */
function parts(masked: string, from: number, to: number): [number, number][] {
  const out: [number, number][] = [];
  let depth = 0;
  let start = from;
  for (let i = from; i < to; i++) {
    if (masked[i] === '(') depth++;
    else if (masked[i] === ')') depth--;
    else if (masked[i] === ',' && depth === 0) {
      out.push([start, i]);
      start = i + 1;
    }
  }
  out.push([start, to]);
  return out;
}

export function compile(op: 'all' | 'get' | 'run', sql: string, types: string[], key?: readonly string[]): Compiled {
  const n = types.length;
  if (!n) throw new Error(`batch form of a statement without parameters: ${sql.slice(0, 80)}`);
  const cols = types.map((_, k) => `batch_p${k + 1}`).join(', ');
  const from = `ROWS FROM (json_to_recordset(CAST(? AS json)) AS (${types.map((t, k) => `"${k + 1}" ${t}`).join(', ')})) WITH ORDINALITY AS batch(${cols}, batch_i)`;
  const body = replacePlaceholders(sql.trim(), (k) => `batch.batch_p${k}`);
  const masked = mask(body);
  const verb = /^\s*(\w+)/.exec(masked)?.[1]?.toUpperCase();
  if (verb === 'SELECT' && op !== 'run') {
    return { types, text: `SELECT batch.batch_i, s.* FROM ${from} CROSS JOIN LATERAL (${body}) AS s ORDER BY batch.batch_i` };
  }
  if (verb === 'UPDATE' && !key) {
    const where = lastKeyword(masked, 'WHERE');
    if (where < 0) throw new Error(`batch form of an UPDATE without WHERE: ${sql.slice(0, 80)}`);
    const returning = lastKeyword(masked, 'RETURNING');
    const condition = returning > where ? body.slice(where, returning) : body.slice(where);
    const list = returning > where ? `, ${body.slice(returning + 'RETURNING'.length)}` : '';
    return { types, text: `${body.slice(0, where)} FROM ${from} ${condition} RETURNING batch.batch_i${list}` };
  }
  if (verb === 'DELETE' && !key) {
    // The rows go with the batch row that matched them: `USING` the parameters, the condition as written (a subquery
    // in it sees the batch row too).
    const head = /^\s*DELETE\s+FROM\s+[\w.]+/i.exec(masked);
    const where = topKeyword(masked, 'WHERE');
    if (!head || where < 0) throw new Error(`batch form of a DELETE not written DELETE FROM t WHERE …: ${sql.slice(0, 80)}`);
    if (where !== head[0].length + (/^\s*/.exec(masked.slice(head[0].length))?.[0].length ?? 0)) throw new Error(`batch form of a DELETE with an alias or USING: ${sql.slice(0, 80)}`);
    const returning = topKeyword(masked, 'RETURNING');
    const condition = returning > where ? body.slice(where, returning) : body.slice(where);
    const list = returning > where ? `, ${body.slice(returning + 'RETURNING'.length)}` : '';
    return { types, text: `${body.slice(0, head[0].length)} USING ${from} ${condition.trimEnd()} RETURNING batch.batch_i${list}` };
  }
  if (verb === 'INSERT' && key?.length) {
    const head = /^\s*INSERT\s+INTO\s+[\w.]+\s*\(/i.exec(masked);
    if (!head) throw new Error(`batch form of an INSERT not written INSERT INTO t (…): ${sql.slice(0, 80)}`);
    const colsOpen = head[0].length - 1;
    const colsClose = closing(masked, colsOpen);
    const values = /^\s*VALUES\s*\(/i.exec(masked.slice(colsClose + 1));
    if (!values) throw new Error(`batch form of an INSERT without VALUES (…): ${sql.slice(0, 80)}`);
    const valsOpen = colsClose + values[0].length;
    const valsClose = closing(masked, valsOpen);
    const columns = parts(masked, colsOpen + 1, colsClose).map(([a, b]) => body.slice(a, b).trim());
    const exprs = parts(masked, valsOpen + 1, valsClose).map(([a, b]) => body.slice(a, b).trim());
    const keyParams = key.map((col) => {
      const m = /^batch\.batch_p(\d+)$/.exec(exprs[columns.indexOf(col)] ?? '');
      if (!m) throw new Error(`batch form: key column ${col} is not bound from a parameter`);
      return Number(m[1]) - 1;
    });
    let rest = body.slice(valsClose + 1);
    const returning = lastKeyword(mask(rest), 'RETURNING');
    const list = returning >= 0 ? `${rest.slice(returning + 'RETURNING'.length).trim()}, ` : '';
    if (returning >= 0) rest = rest.slice(0, returning);
    return {
      types,
      keyColumns: [...key],
      keyParams,
      text: `${body.slice(0, colsClose + 1)} SELECT ${exprs.join(', ')} FROM ${from} ${rest} RETURNING ${list}${key.join(', ')}`,
    };
  }
  throw new Error(`no batch form for ${op} of: ${sql.slice(0, 80)}`);
}
