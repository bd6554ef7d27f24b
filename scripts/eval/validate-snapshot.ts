/**
 * Checks a snapshot file (from `farmwatch collect --out FILE`) two ways, as CI does on every OS:
 *   1. the zod snapshot schema (what the agent and server parse with);
 *   2. the JSON Schema that `farmwatch schema` prints: every `required` key present, recursively through
 *      properties, items, additionalProperties (records) and, for anyOf/oneOf, the branch the value fits.
 * Usage: node dist/scripts/eval/validate-snapshot.js SNAPSHOT.json [SCHEMA.json]   (SCHEMA.json: `farmwatch schema` output;
 * without it the schemas are built in-process). Exit 0 when both pass, 1 with one line per problem, 2 on bad usage.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { snapshotSchema } from '../../schema/snapshot/index.js';
import { jsonSchemas } from '../../schema/index.js';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Missing required keys under `schema`, as JSON paths. Only the `required` facts are checked here; zod does the rest. */
export function missingRequired(value: unknown, schema: unknown, path = '$'): string[] {
  if (!isObject(schema)) return [];
  const branches = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
  if (Array.isArray(branches)) {
    const results = branches.map((b) => (fits(value, b) ? missingRequired(value, b, path) : undefined)).filter((r) => r !== undefined);
    if (results.length === 0) return [];
    return results.reduce((best, r) => (r.length < best.length ? r : best));
  }
  const out: string[] = [];
  if (isObject(value)) {
    for (const key of (schema.required as string[] | undefined) ?? []) if (!(key in value)) out.push(`${path}.${key}`);
    const props = isObject(schema.properties) ? schema.properties : {};
    for (const [key, sub] of Object.entries(props)) if (key in value) out.push(...missingRequired(value[key], sub, `${path}.${key}`));
    if (isObject(schema.additionalProperties)) {
      for (const [key, v] of Object.entries(value)) if (!(key in props)) out.push(...missingRequired(v, schema.additionalProperties, `${path}.${key}`));
    }
  } else if (Array.isArray(value) && isObject(schema.items)) {
    value.forEach((v, i) => out.push(...missingRequired(v, schema.items, `${path}[${i}]`)));
  }
  return out;
}

/** Whether a value is of a branch's JSON type (null vs object vs array ...), to pick the anyOf branch to check. */
function fits(value: unknown, schema: unknown): boolean {
  if (!isObject(schema)) return true;
  const type = schema.type;
  if (type === undefined) return true;
  const types = Array.isArray(type) ? type : [type];
  const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'number' ? (Number.isInteger(value) ? 'integer' : 'number') : typeof value;
  return types.includes(actual) || (actual === 'integer' && types.includes('number'));
}

export function validateSnapshot(snapshot: unknown, jsonSchema: unknown): string[] {
  const problems: string[] = [];
  const parsed = snapshotSchema.safeParse(snapshot);
  if (!parsed.success) {
    for (const issue of parsed.error.issues.slice(0, 20)) problems.push(`zod: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  for (const path of missingRequired(snapshot, jsonSchema)) problems.push(`json-schema: required key missing: ${path}`);
  return problems;
}

function main(argv: string[]): number {
  const [file, schemaFile] = argv;
  if (!file || argv.length > 2) {
    process.stderr.write('usage: validate-snapshot SNAPSHOT.json [SCHEMA.json]\n');
    return 2;
  }
  let snapshot: unknown;
  let schemas: Json;
  try {
    snapshot = JSON.parse(readFileSync(file, 'utf8'));
    schemas = schemaFile ? (JSON.parse(readFileSync(schemaFile, 'utf8')) as Json) : jsonSchemas();
  } catch (err) {
    process.stderr.write(`validate-snapshot: ${(err as Error).message}\n`);
    return 1;
  }
  if (!isObject(schemas.snapshot)) {
    process.stderr.write('validate-snapshot: the schema document has no "snapshot" key\n');
    return 1;
  }
  const problems = validateSnapshot(snapshot, schemas.snapshot);
  for (const p of problems) process.stderr.write(`${p}\n`);
  if (problems.length) return 1;
  const s = snapshot as Json;
  const statuses = Object.entries(isObject(s.collectors) ? s.collectors : {}).map(([k, v]) => `${k}=${isObject(v) ? String(v.status) : '?'}`);
  process.stdout.write(`snapshot valid (platform ${String(s.platform)}; ${statuses.join(' ')}; ${Array.isArray(s.errors) ? s.errors.length : 0} collector errors)\n`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
