import type { Report, Truncated } from '../schema/report.js';

/**
 * Fits a report into a byte budget (the server's body limit minus headroom), so the server never refuses it as too
 * large: a refused report is lost, a trimmed one arrives and says what it lacks. Pure and total.
 *
 * Snapshot bulk goes first, in this order, each step only as far as needed:
 *   1. processes no finding cites (by pid), bulkiest first;
 *   2. command lines of the processes left, cut to argv[0];
 *   3. installed software no finding cites (by name), bulkiest first;
 *   4. any other list of the snapshot, the bulkiest list first and its bulkiest items first;
 *   5. the whole snapshot (`snapshotOmitted` says so, as before);
 * and only then the findings' evidence: long strings and lists inside it are shortened. Findings themselves are never
 * removed: every point of the score stays traceable. What was cut is in `truncated` (schema/report.ts).
 */
export function fitReport(report: Report, budget: number): Report {
  const measured = byteSize(report);
  if (measured <= budget) return report;
  // A report cut before (a refused one, fitted again smaller) keeps its first size and its earlier cuts.
  const { truncated: prior, ...rest } = report;
  const bytesBefore = Math.max(measured, prior?.bytesBefore ?? 0);
  const work: Working = { report: rest, cuts: new Map((prior?.cuts ?? []).map((c) => [c.path, c.removed])), evidenceCut: new Set(), owned: new Set() };
  // The marker itself costs bytes: keep room for it while trimming.
  const target = Math.max(0, budget - markerRoom);
  // Copy on write: only the objects on the way to a cut list are copied, the caller's report is never changed.
  const snapshot = isObj(report.snapshot) ? own(work, report.snapshot) : undefined;
  if (snapshot) work.report.snapshot = snapshot as Report['snapshot'];
  const cited = citedBy(report.findings);

  const steps: ((over: number) => void)[] = snapshot
    ? [
        (over) => dropItems(work, snapshot, 'processes', over, (p) => !(isObj(p) && typeof p.pid === 'number' && cited.pids.has(p.pid))),
        (over) => cutCommandLines(work, snapshot, over),
        (over) => {
          if (!isObj(snapshot.software)) return;
          const software = (snapshot.software = own(work, snapshot.software));
          dropItems(work, software, 'items', over, (s) => !(isObj(s) && typeof s.name === 'string' && cited.names.has(s.name)), 'software.items');
        },
        (over) => dropOtherLists(work, snapshot, over),
        () => {
          delete work.report.snapshot;
          // The whole snapshot going says it all: the lists cut from it before are no longer worth listing.
          for (const path of [...work.cuts.keys()]) if (path.startsWith('snapshot.')) work.cuts.delete(path);
          work.report.snapshotOmitted = `snapshot left out: the report would be ${bytesBefore} bytes, over the ${budget}-byte budget`;
          addCut(work, 'snapshot', 1);
        },
      ]
    : [];
  steps.push(
    () => shortenEvidence(work, evidenceStringMax, evidenceListMax),
    () => shortenEvidence(work, 64, 1),
  );
  // A full measure of a megabyte report costs ~10 ms: once before each step, no more.
  let size = prior ? byteSize(work.report) : measured;
  for (const step of steps) {
    if (size <= target) break;
    step(size - target);
    size = byteSize(work.report);
  }
  const truncated: Truncated = { bytesBefore, bytesAfter: 0, budget, cuts: wireCuts(work.cuts) };
  // `truncated` goes last, after a comma: its size is added, and its own digits counted until they state the total.
  const sizeWith = () => size + Buffer.byteLength(`,"truncated":${JSON.stringify(truncated)}`);
  for (let i = 0; i < 3 && truncated.bytesAfter !== sizeWith(); i++) truncated.bytesAfter = sizeWith();
  return { ...work.report, truncated };
}

/** The cuts as the wire schema takes them (at most `maxCuts`, paths of at most 200 characters): the rest summed in one. */
function wireCuts(cuts: ReadonlyMap<string, number>): Truncated['cuts'] {
  const list = [...cuts].map(([path, removed]) => ({ path: path.slice(0, 200), removed }));
  if (list.length <= maxCuts) return list;
  const rest = list.slice(maxCuts - 1).reduce((sum, c) => sum + c.removed, 0);
  return [...list.slice(0, maxCuts - 1), { path: 'other lists', removed: rest }];
}

export const byteSize = (value: unknown): number => Buffer.byteLength(JSON.stringify(value) ?? '');

interface Working {
  report: Report;
  /** path → items removed (or fields cut), in the order first cut. */
  cuts: Map<string, number>;
  /** Indexes of the findings whose evidence was shortened (two passes may touch the same one). */
  evidenceCut: Set<number>;
  /** Objects copied from the caller's report, which this call may change. */
  owned: Set<object>;
}

/** A copy of `obj` this call may change (the same copy when asked again). */
function own(work: Working, obj: Obj): Obj {
  if (work.owned.has(obj)) return obj;
  const copy = { ...obj };
  work.owned.add(copy);
  return copy;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Room for `truncated` and `snapshotOmitted`: a few cuts and numbers. */
const markerRoom = 2048;
const evidenceStringMax = 256;
/** schema/report.ts takes at most 64 cuts. */
const maxCuts = 64;
const evidenceListMax = 5;
/** How deep the evidence walks go: evidence is a few levels at most; deeper is left as is. */
const maxWalkDepth = 8;

function addCut(work: Working, path: string, removed: number): void {
  if (removed > 0) work.cuts.set(path, (work.cuts.get(path) ?? 0) + removed);
}

/** Pids and software names the findings' evidence cites, at any depth: the items a finding rests on are kept longest. */
function citedBy(findings: Report['findings']): { pids: Set<number>; names: Set<string> } {
  const pids = new Set<number>();
  const names = new Set<string>();
  const walk = (value: unknown, depth: number): void => {
    if (depth > maxWalkDepth) return;
    if (Array.isArray(value)) {
      for (const v of value) walk(v, depth + 1);
    } else if (isObj(value)) {
      for (const [key, v] of Object.entries(value)) {
        if ((key === 'pid' || key === 'ppid') && typeof v === 'number') pids.add(v);
        else if (key === 'software' && typeof v === 'string') names.add(v);
        else walk(v, depth + 1);
      }
    }
  };
  for (const f of findings) walk(f.evidence, 0);
  return { pids, names };
}

/**
 * Removes items of `holder[key]` that `removable` allows, bulkiest first, until `over` bytes are gone. Each item's
 * size is measured once; the removed bytes are counted with the comma between items.
 */
function dropItems(work: Working, holder: Obj, key: string, over: number, removable: (item: unknown) => boolean, path = key): number {
  const list = holder[key];
  if (!Array.isArray(list) || !list.length) return 0;
  const candidates = list
    .map((item: unknown, index) => ({ index, bytes: removable(item) ? byteSize(item) + 1 : -1 }))
    .filter((c) => c.bytes >= 0)
    .sort((a, b) => b.bytes - a.bytes || a.index - b.index);
  const gone = new Set<number>();
  let freed = 0;
  for (const c of candidates) {
    if (freed >= over) break;
    gone.add(c.index);
    freed += c.bytes;
  }
  if (!gone.size) return 0;
  holder[key] = list.filter((_: unknown, i: number) => !gone.has(i));
  addCut(work, `snapshot.${path}`, gone.size);
  return freed;
}

/** Cuts command lines to argv[0], the longest first: the process and its name stay, its arguments go. */
function cutCommandLines(work: Working, snapshot: Obj, over: number): void {
  const list = snapshot.processes;
  if (!Array.isArray(list)) return;
  const long = list
    .map((p: unknown, index) => ({ p, index }))
    .filter((c): c is { p: Obj; index: number } => isObj(c.p) && Array.isArray(c.p.cmdline) && c.p.cmdline.length > 1)
    .map((c) => ({ ...c, bytes: byteSize((c.p.cmdline as unknown[]).slice(1)) }))
    .sort((a, b) => b.bytes - a.bytes);
  const cut = new Set<number>();
  let freed = 0;
  for (const { index, bytes } of long) {
    if (freed >= over) break;
    cut.add(index);
    freed += bytes;
  }
  if (!cut.size) return;
  snapshot.processes = list.map((p: unknown, i) => (cut.has(i) ? { ...(p as Obj), cmdline: ((p as Obj).cmdline as unknown[]).slice(0, 1) } : p));
  addCut(work, 'snapshot.processes[].cmdline', cut.size);
}

/** Every other list of the snapshot (found by walking its objects), the bulkiest list first. */
function dropOtherLists(work: Working, snapshot: Obj, over: number): void {
  const lists: { keys: string[]; bytes: number }[] = [];
  const walk = (obj: Obj, keys: string[]): void => {
    if (keys.length > maxWalkDepth) return;
    for (const [key, v] of Object.entries(obj)) {
      if (Array.isArray(v) && v.length) lists.push({ keys: [...keys, key], bytes: byteSize(v) });
      else if (isObj(v)) walk(v, [...keys, key]);
    }
  };
  walk(snapshot, []);
  lists.sort((a, b) => b.bytes - a.bytes);
  let left = over;
  for (const { keys } of lists) {
    if (left <= 0) break;
    // The objects on the way to the list are copied before it is replaced.
    let holder = snapshot;
    for (const key of keys.slice(0, -1)) holder = (holder[key] = own(work, holder[key] as Obj));
    left -= dropItems(work, holder, keys.at(-1) as string, left, () => true, keys.join('.'));
  }
}

/**
 * Shortens the evidence of every finding: strings past `stringMax` characters end in "…", lists keep their first
 * `listMax` items. The finding (rule, subject, severity, confidence) stays whole and still scores.
 */
function shortenEvidence(work: Working, stringMax: number, listMax: number): void {
  const shorten = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return value.length > stringMax ? `${value.slice(0, stringMax)}…` : value;
    if (depth > maxWalkDepth) return value;
    if (Array.isArray(value)) return value.slice(0, listMax).map((v) => shorten(v, depth + 1));
    if (isObj(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shorten(v, depth + 1)]));
    return value;
  };
  work.report.findings = work.report.findings.map((f, i) => {
    const before = JSON.stringify(f.evidence);
    const evidence = shorten(f.evidence, 0) as Obj;
    if (JSON.stringify(evidence) === before) return f;
    work.evidenceCut.add(i);
    return { ...f, evidence };
  });
  if (work.evidenceCut.size) work.cuts.set('findings[].evidence', work.evidenceCut.size);
}
