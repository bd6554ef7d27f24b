import { runStep, type Batch, type Step, type Steps } from './steps.js';
import type { SqlDb } from './types.js';

/** A step the batch could not take this time (its INSERT key is already in the statement): it runs in the next one. */
export const deferred: unique symbol = Symbol('deferred');
/** Runs N steps of one statement text as one statement; `deferred` for a step it left for the next one. */
export type BatchRunner = (tx: SqlDb, op: 'all' | 'get' | 'run', sql: string, batch: Batch, each: readonly (readonly unknown[])[]) => Promise<(unknown | typeof deferred)[]>;

/** A batch that cannot be run in lockstep as some serial order (a shared table written after a later report read it): run it one report at a time. */
export class NotSerial extends Error {
  override name = 'NotSerial';
}

export interface Job<T> {
  /** Jobs of one group (one device) run one after another, never in the same statement. */
  group: string;
  steps: Steps<T>;
}

type Batched = Extract<Step, { op: 'all' | 'get' | 'run' | 'each' }> & { batch: Batch };
const batched = (s: Step | undefined): s is Batched => s !== undefined && s.op !== 'call' && s.op !== 'lock' && s.batch !== undefined;
/** The statement's op: an `each` step is a write, its parameter sets go into the statement beside the single `run` steps'. */
const opOf = (s: Batched): 'all' | 'get' | 'run' => (s.op === 'each' ? 'run' : s.op);

/**
 * The batched driver: the jobs' (reports') generators in lockstep, on one transaction. Every round, the pending steps
 * that carry a batch form run as one statement per text (`runBatch`, PostgreSQL's multi-row form); when none is
 * pending, the first unfinished job (the *cursor*) runs its next step alone. Only the cursor ever runs a step without
 * a batch form, so those steps run job after job in the jobs' order, exactly as one-by-one; a job's steps keep their
 * order; a group's (device's) next job starts only once the one before it has finished.
 *
 * Why the outcome is the serial order of the jobs (job 1 to the end, then job 2, …): take the steps in the order they
 * ran and swap neighbours of different jobs until each job's steps are together, in job order. Two steps without a
 * batch form never need a swap (they already ran in job order). A step with a batch form touches only its device's
 * own rows (its report, its device row, its presence rows, alerts keyed to it, its fleet memberships), which no other
 * job of the batch writes (one job per device at a time, and no job writes another device's own rows), so it commutes
 * with any step of another job, with two exceptions, both handled:
 * - a presence row is also *read* by other jobs (the members of a place). A batched presence update only moves the
 *   time of a row that is already within the reporter's window; the caller orders the jobs by time received, so an
 *   earlier job's window starts no later and counts that member either way;
 * - a shared table read in a batch (`Batch.reads`, a fleet count): if the cursor writes it (`writes`) after a later
 *   job has read it, the swap would change what that job read, so the driver throws NotSerial and the caller runs the
 *   batch one job at a time instead (in steady state nothing writes the counts: they move when a device or a tool is
 *   new to the fleet).
 * An `each` step (several parameter sets of one statement, on rows of the job's own device that no other of its sets
 * touches) is its sets run in any order, so each set is such a step too and they go in the statement side by side.
 * Two INSERT steps with the same key never share a statement (pg-batch.ts defers the later one). One report id sent
 * by two devices is the one case where the serial order is not the jobs' own: when the later job's device is free
 * first, its insert wins and the earlier job ends as 'duplicate' at its first step, which is the serial order with
 * the earlier job moved right after the later one (a duplicate writes nothing).
 */
export async function runLockstep<T>(tx: SqlDb, jobs: readonly Job<T>[], runBatch: BatchRunner): Promise<T[]> {
  const n = jobs.length;
  const results: T[] = new Array(n);
  const done: boolean[] = new Array(n).fill(false);
  const pending: (Step | undefined)[] = new Array(n).fill(undefined);
  const queues = new Map<string, number[]>();
  for (const [k, job] of jobs.entries()) {
    const q = queues.get(job.group);
    if (q) q.push(k);
    else queues.set(job.group, [k]);
  }
  /** The highest job that read each shared table in a batch. */
  const readBy = new Map<string, number>();

  const advance = (k: number, r: IteratorResult<Step, T>): void => {
    if (!r.done) {
      pending[k] = r.value;
      return;
    }
    pending[k] = undefined;
    done[k] = true;
    results[k] = r.value;
    const q = queues.get(jobs[k]!.group)!;
    q.shift();
    const next = q[0];
    if (next !== undefined) advance(next, jobs[next]!.steps.next());
  };
  for (const q of queues.values()) advance(q[0]!, jobs[q[0]!]!.steps.next());

  let cursor = 0;
  for (;;) {
    while (cursor < n && done[cursor]) cursor++;
    if (cursor === n) return results;
    // By text, then op: a key joined of the two would be a new long string, hashed again, per step per round.
    const ready = new Map<string, Map<string, number[]>>();
    for (let k = cursor; k < n; k++) {
      const s = pending[k];
      if (!batched(s)) continue;
      let ops = ready.get(s.sql);
      if (!ops) ready.set(s.sql, (ops = new Map()));
      const list = ops.get(opOf(s));
      if (list) list.push(k);
      else ops.set(opOf(s), [k]);
    }
    if (ready.size) {
      for (const ks of [...ready.values()].flatMap((ops) => [...ops.values()])) {
        const first = pending[ks[0]!] as Batched;
        // One row of the statement per parameter set: a single step's one, an `each` step's several (`owner` says whose).
        const owner: number[] = [];
        const params: (readonly unknown[])[] = [];
        for (const k of ks) {
          const s = pending[k] as Batched;
          if (s.op === 'each') for (const p of s.each) owner.push(k), params.push(p);
          else owner.push(k), params.push(s.params);
        }
        const values = await runBatch(tx, opOf(first), first.sql, first.batch, params);
        const sets = new Map<number, unknown[]>();
        for (const [j, k] of owner.entries()) {
          const v = values[j];
          if ((pending[k] as Batched).op === 'each') {
            // runEach refuses an INSERT key: nothing of an `each` step is left for the next statement.
            if (v === deferred) throw new Error('an each step deferred by its batch form');
            const got = sets.get(k);
            if (got) got.push(v);
            else sets.set(k, [v]);
            continue;
          }
          if (v === deferred) continue;
          if (first.batch.reads) readBy.set(first.batch.reads, Math.max(readBy.get(first.batch.reads) ?? -1, k));
          advance(k, jobs[k]!.steps.next(v));
        }
        for (const [k, got] of sets) {
          if (first.batch.reads) readBy.set(first.batch.reads, Math.max(readBy.get(first.batch.reads) ?? -1, k));
          advance(k, jobs[k]!.steps.next(got));
        }
      }
      continue;
    }
    const step = pending[cursor]!;
    if ((step.op === 'all' || step.op === 'get' || step.op === 'run') && step.writes && (readBy.get(step.writes) ?? -1) > cursor) {
      throw new NotSerial(`${step.writes} written by report ${cursor + 1} after a later report of the batch read it`);
    }
    advance(cursor, jobs[cursor]!.steps.next(await runStep(tx, step)));
  }
}
