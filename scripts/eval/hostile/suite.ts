/**
 * Runs generated hostile cases against one server and groups what failed by property. Deterministic for a seed:
 * the cases are drawn with fast-check from the same seed, then each runs on its own freshly enrolled device.
 * With `shrink`, each failing property is searched again with fast-check's shrinking for a smaller counterexample.
 */
import fc from 'fast-check';
import type { Scenario } from '../scenario-corpus.js';
import { loadSeeds, startHostileServer, type HostileServer } from './harness.js';
import { describeOutcome, honestScores, properties, runCase, type Property } from './property.js';
import { caseArbitrary, knownAttacks, newReportId, type HostileCase } from './tamperings.js';

export interface Counterexample {
  case: HostileCase;
  message: string;
}

export interface PropertyFailure {
  cases: number;
  counterexample: Counterexample;
  /** Failing cases by the tamperings they combined ("mutator+…+sequence"): tells apart causes under one property. */
  byTampering: Record<string, { cases: number; example: Counterexample }>;
  shrunk?: Counterexample;
}

/** The tamperings a case combined, as one key. */
export const tamperingKey = (c: HostileCase): string => [...new Set(c.mutations.map((m) => m.name))].sort().concat(c.sequence.name).join('+');

export interface SuiteResult {
  seed: number;
  cases: number;
  requests: number;
  /** Cases where the server answered 429 (another engineer's throttling): checks needing the answer were skipped. */
  throttledCases: number;
  failedCases: number;
  honest: Record<string, number>;
  /** Per property: how many cases violated it and the shortest counterexample seen. */
  failures: Partial<Record<Property, PropertyFailure>>;
  seconds: number;
}

export interface SuiteOptions {
  runs: number;
  seed: number;
  /** A SQLite file or postgres:// URL; default a new SQLite file. */
  db?: string;
  durability?: 'wal-fsync' | 'normal';
  shrink?: { runs: number; timeLimitMs: number };
  onCase?: (index: number, c: HostileCase, failed: boolean) => void;
}

export async function runSuite(options: SuiteOptions): Promise<SuiteResult> {
  const started = performance.now();
  const seeds = loadSeeds();
  const byName = new Map<string, Scenario>(seeds.map((x) => [x.name, x]));
  const s: HostileServer = await startHostileServer(options.db, options.durability);
  try {
    const honest = await honestScores(s, seeds);
    const sharedReportId = newReportId();
    const arb = caseArbitrary(seeds);
    // The known attacks first, then `runs` generated cases.
    const cases = [...knownAttacks.map((k) => k.case), ...fc.sample(arb, { seed: options.seed, numRuns: options.runs })];
    const result: SuiteResult = { seed: options.seed, cases: 0, requests: 0, throttledCases: 0, failedCases: 0, honest: Object.fromEntries(honest), failures: {}, seconds: 0 };
    for (const [i, c] of cases.entries()) {
      const outcome = await runCase(s, byName, honest, c, sharedReportId);
      result.cases++;
      result.requests += outcome.requests;
      if (outcome.throttled) result.throttledCases++;
      if (outcome.violations.length) result.failedCases++;
      options.onCase?.(i, c, outcome.violations.length > 0);
      for (const p of new Set(outcome.violations.map((v) => v.property))) {
        const message = describeOutcome({ ...outcome, violations: outcome.violations.filter((v) => v.property === p) });
        const seen = result.failures[p];
        const candidate = { case: c, message };
        const key = tamperingKey(c);
        if (!seen) result.failures[p] = { cases: 1, counterexample: candidate, byTampering: { [key]: { cases: 1, example: candidate } } };
        else {
          seen.cases++;
          const same = seen.byTampering[key];
          if (same) same.cases++;
          else seen.byTampering[key] = { cases: 1, example: candidate };
          if (JSON.stringify(c).length < JSON.stringify(seen.counterexample.case).length) seen.counterexample = candidate;
        }
      }
    }
    if (options.shrink) {
      for (const p of properties) {
        const failing = result.failures[p];
        if (!failing) continue;
        let last: Counterexample | undefined;
        const check = await fc.check(
          fc.asyncProperty(arb, async (c) => {
            const o = await runCase(s, byName, honest, c, sharedReportId);
            const mine = o.violations.filter((v) => v.property === p);
            if (mine.length) last = { case: c, message: describeOutcome({ ...o, violations: mine }) };
            return mine.length === 0;
          }),
          { seed: options.seed, numRuns: options.shrink.runs, examples: [[failing.counterexample.case]], interruptAfterTimeLimit: options.shrink.timeLimitMs },
        );
        // The last failing run fast-check made is its smallest counterexample.
        if (check.failed && last) failing.shrunk = last;
      }
    }
    result.seconds = Math.round((performance.now() - started) / 100) / 10;
    return result;
  } finally {
    await s.close();
  }
}
