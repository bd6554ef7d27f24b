import { domainNames, snapshotSchema, type Snapshot } from '../../schema/snapshot/index.js';

export type Salvage = { snapshot: Snapshot; dropped: string[] } | { problem: string };

/** Passes of repair before the snapshot is given up: each pass fixes every issue zod reported in the one before. */
const maxPasses = 4;
/** Dropped paths named in the trace: enough to see what the agent broke, bounded. */
const droppedShown = 20;
const unsafeKeys = new Set(['__proto__', 'constructor', 'prototype']);
const domains = new Set<string>(domainNames);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Pure and total. A snapshot that fails its schema in one place would otherwise keep the server from judging any of
 * it, so one broken field (a pid sent as a string) would let the agent's own findings stand in for the server's. The
 * repair is the least that makes it parse: an invalid list entry is dropped, an invalid field is removed (or its whole
 * domain counted as not collected when the field is required), the snapshot's own bookkeeping gets neutral values.
 * What was dropped is returned for the trace; nothing is ever added that the laptop did not send.
 */
export function salvageSnapshot(raw: unknown, report: { collectedAt: string; agentVersion: string }): Salvage {
  if (!isObject(raw)) return { problem: 'invalid snapshot: not an object' };
  let current: Json;
  try {
    current = JSON.parse(JSON.stringify(raw)) as Json;
  } catch {
    return { problem: 'invalid snapshot: not JSON' };
  }
  const bookkeeping: Json = { schemaVersion: 1, collectedAt: report.collectedAt, agentVersion: report.agentVersion, platform: 'unknown', errors: [], collectors: {} };
  const dropped: string[] = [];
  const removedLeaves = new Set<string>();
  for (let pass = 0; pass <= maxPasses; pass++) {
    const parsed = snapshotSchema.safeParse(current);
    if (parsed.success) return { snapshot: parsed.data, dropped: dropped.slice(0, droppedShown) };
    if (pass === maxPasses) break;
    const entries = new Map<unknown[], Set<number>>();
    for (const issue of parsed.error.issues.slice(0, 500)) {
      const path = issue.path as (string | number)[];
      const head = path[0];
      if (typeof head !== 'string' || path.some((k) => typeof k === 'string' && unsafeKeys.has(k))) return { problem: describe(issue.path, issue.message) };
      const at = lastIndexOf(path);
      if (at >= 0) {
        const list = valueAt(current, path.slice(0, at));
        if (Array.isArray(list)) {
          const marked = entries.get(list) ?? new Set<number>();
          marked.add(path[at] as number);
          entries.set(list, marked);
          dropped.push(path.slice(0, at + 1).join('.'));
          continue;
        }
      }
      if (Object.hasOwn(bookkeeping, head)) {
        current[head] = bookkeeping[head];
        dropped.push(head);
        continue;
      }
      if (!domains.has(head)) return { problem: describe(issue.path, issue.message) };
      const leaf = path.join('.');
      const parent = valueAt(current, path.slice(0, -1));
      if (path.length > 1 && !removedLeaves.has(leaf) && isObject(parent)) {
        delete parent[path[path.length - 1] as string];
        removedLeaves.add(leaf);
      } else current[head] = null;
      dropped.push(leaf);
    }
    for (const [list, marked] of entries) for (const i of [...marked].sort((a, b) => b - a)) list.splice(i, 1);
  }
  return { problem: 'invalid snapshot: still invalid after repair' };
}

function lastIndexOf(path: readonly (string | number)[]): number {
  for (let i = path.length - 1; i >= 0; i--) if (typeof path[i] === 'number') return i;
  return -1;
}

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let v: unknown = root;
  for (const k of path) {
    if (Array.isArray(v) && typeof k === 'number') v = v[k];
    else if (isObject(v) && typeof k === 'string' && Object.hasOwn(v, k)) v = v[k];
    else return undefined;
  }
  return v;
}

const describe = (path: readonly PropertyKey[], message: string) => `invalid snapshot: ${path.map(String).join('.')}: ${message}`.slice(0, 300);
