import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Snapshot } from '../schema/snapshot/index.js';
import { remoteToolSubjects } from '../rules/context/drift.js';
import { inputDeviceKey, isPluggable } from '../rules/context/input-key.js';
import { clamshellFacts } from '../rules/device/host-clamshell.js';
import { contract, parseContract } from '../schema/contract.js';
import type { Baseline, Finding } from '../rules/types.js';

export const baselineFile = 'baseline.json';

/** The baseline file exists but cannot be used (not JSON, or outside the schema). */
export class BaselineError extends Error {
  override name = 'BaselineError';
}

/** The device's baseline from its state dir; undefined when there is none yet. Throws BaselineError when corrupt. */
export async function loadBaseline(stateDir: string): Promise<Baseline | undefined> {
  return loadBaselineFile(join(stateDir, baselineFile));
}

/** One baseline file, wherever it is (diagnose --baseline); undefined when it does not exist. */
export async function loadBaselineFile(path: string): Promise<Baseline | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new BaselineError(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new BaselineError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = await parseContract(contract('baseline'), raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BaselineError(`${path}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

export interface UpdateOptions {
  /** The daemon's cycle length: input within it makes the cycle count as active. Default 300 s. */
  intervalSec?: number;
  /** privacy.activityHours: false keeps no histogram (and drops one already kept). Default true. */
  activityHours?: boolean;
  now?: Date;
}

export interface UpdateResult {
  baseline: Baseline;
  /** Why an unreadable baseline was replaced by a new one (for the daemon's log). */
  reset?: string;
}

/**
 * Folds one cycle into the baseline and writes it atomically (temp file, fsync, rename; mode 0600).
 * Call after evaluating the cycle, so drift rules compare with the state before it.
 */
export async function updateBaseline(
  stateDir: string,
  snapshot: Snapshot,
  evaluation: { findings: readonly Finding[] },
  opts: UpdateOptions = {},
): Promise<UpdateResult> {
  let previous: Baseline | undefined;
  let reset: string | undefined;
  try {
    previous = await loadBaseline(stateDir);
  } catch (err) {
    if (!(err instanceof BaselineError)) throw err;
    reset = err.message;
  }
  const baseline = foldCycle(previous, snapshot, evaluation.findings, opts);
  await writeAtomic(stateDir, baselineFile, `${JSON.stringify(baseline, null, 2)}\n`);
  return reset ? { baseline, reset } : { baseline };
}

/** Pure: the baseline after one more cycle. */
export function foldCycle(
  previous: Baseline | undefined,
  snapshot: Snapshot,
  findings: readonly Finding[],
  opts: UpdateOptions = {},
): Baseline {
  const nowIso = (opts.now ?? new Date(snapshot.collectedAt)).toISOString();
  const since: Record<string, string> = { ...(previous?.since ?? {}) };
  const remoteTools = [...(previous?.remoteTools ?? [])];
  for (const id of remoteToolSubjects(findings)) {
    if (!remoteTools.includes(id)) remoteTools.push(id);
    since[`tool:${id}`] ??= nowIso;
  }
  const inputDevices = [...(previous?.inputDevices ?? [])];
  for (const d of snapshot.inputs?.devices ?? []) {
    if (!isPluggable(d)) continue;
    const key = inputDeviceKey(d);
    if (!inputDevices.includes(key)) inputDevices.push(key);
    since[`input:${key}`] ??= nowIso;
  }
  const next: Baseline = {
    version: 1,
    firstSeen: previous?.firstSeen ?? nowIso,
    updatedAt: nowIso,
    remoteTools,
    inputDevices,
    since,
  };
  // Time zone: an unknown reading (locale not collected) keeps the last known one.
  const tz = snapshot.locale?.timezone ?? previous?.timezone;
  if (tz) next.timezone = tz;
  if (previous?.timezone && tz && tz !== previous.timezone) {
    next.previousTimezone = previous.timezone;
    next.timezoneChangedAt = nowIso;
  } else if (previous?.previousTimezone && previous.timezoneChangedAt) {
    next.previousTimezone = previous.previousTimezone;
    next.timezoneChangedAt = previous.timezoneChangedAt;
  }
  // host.clamshell: when the current unbroken run of clamshell cycles began (absent when not in one).
  if (clamshellFacts(snapshot)) next.clamshellSince = previous?.clamshellSince ?? nowIso;
  if (opts.activityHours !== false) {
    const hours = previous?.activityHours ? [...previous.activityHours] : new Array<number>(24).fill(0);
    const idle = snapshot.activity?.idleSeconds;
    if (typeof idle === 'number' && idle < (opts.intervalSec ?? 300)) {
      const h = localHour(snapshot.collectedAt, snapshot.locale?.timezone);
      hours[h] = (hours[h] ?? 0) + 1;
    }
    next.activityHours = hours;
  }
  return next;
}

/** Hour 0-23 of an instant on the machine's clock (its IANA zone when known, else the process's). */
export function localHour(iso: string, timezone: string | undefined): number {
  const date = new Date(iso);
  if (timezone) {
    try {
      const h = new Intl.DateTimeFormat('en-US', { hour: 'numeric', hourCycle: 'h23', timeZone: timezone }).format(date);
      const n = Number.parseInt(h, 10);
      if (n >= 0 && n < 24) return n;
    } catch {
      // An unknown zone name: fall through to the process's clock.
    }
  }
  return date.getHours();
}

async function writeAtomic(dir: string, name: string, text: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const target = join(dir, name);
  // node:crypto loads here, on the write path only: `diagnose` reads the baseline and never writes it.
  const { randomBytes } = await import('node:crypto');
  const temp = join(dir, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, target);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}
