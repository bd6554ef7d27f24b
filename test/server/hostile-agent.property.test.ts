import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { properties } from '../../scripts/eval/hostile/property.js';
import { runSuite, type SuiteResult } from '../../scripts/eval/hostile/suite.js';
import { knownAttacks, mutators, sequences } from '../../scripts/eval/hostile/tamperings.js';
import { engines } from '../helpers/engines.js';

/*
 * The laptop's own user is the adversary: generated tamperings (scripts/eval/hostile/tamperings.ts) of honest, signed
 * reports of laptops with real findings, sent to a real server on loopback by devices enrolled with the agent's own
 * key code. The cases are drawn once from a fixed seed and run once; each property is then its own test, so that a
 * failure names the property and its shortest counterexample. Longer runs, other seeds and shrinking:
 *   npm run build && node dist/scripts/eval/hostile.js --runs 300 --seed 42 --shrink
 */
const seed = 20261203;
const runsOf = { sqlite: 50, postgres: 20 } as const;

describe.each(engines)('hostile agent properties (%s engine)', (name, engine) => {
  let result: SuiteResult;
  beforeAll(async () => {
    result = await runSuite({ runs: runsOf[engine.name], seed, db: await engine.db(), durability: 'normal' });
  }, 120_000);
  afterAll(() => {
    if (result) console.info(`hostile agent (${name}): ${result.cases} cases, ${result.requests} requests, ${result.failedCases} failing, seed ${seed}, ${result.seconds} s`);
  });

  it('ran every generated case, and the honest laptops score what the corpus says', () => {
    expect(result.cases).toBe(knownAttacks.length + runsOf[engine.name]);
    expect(result.honest['clean-office-laptop']).toBe(0);
    for (const dirty of ['anydesk-astrill-pyongyang', 'pikvm', 'chrome-remote-desktop-session', 'jetkvm-renamed']) expect(result.honest[dirty]).toBeGreaterThanOrEqual(60);
  });

  it.each(properties.map((p) => [p]))('%s', (property) => {
    const failure = result.failures[property];
    // One counterexample per combination of tamperings that failed: different causes under one property stay apart.
    const examples = Object.entries(failure?.byTampering ?? {}).map(([key, f]) => `${key} (${f.cases} cases): ${JSON.stringify(f.example.case)}\n  ${f.example.message}`);
    expect(failure, failure && `${failure.cases} of ${result.cases} cases (seed ${seed})\n${examples.join('\n')}`).toBeUndefined();
  });
});

describe('the table of tamperings', () => {
  it('names each tampering once, so that a counterexample is unambiguous', () => {
    const names = [...mutators.map((m) => m.name), ...sequences.map((s) => s.name)];
    expect(new Set(names).size).toBe(names.length);
  });
});
