/**
 * The hostile-agent property suite for longer runs than `npm test` makes (scripts/eval/hostile/): a real server on
 * loopback, generated tamperings of honest signed reports, the properties of scripts/eval/hostile/property.ts.
 *
 *   npm run build && node dist/scripts/eval/hostile.js [--runs 300] [--seed 42] [--db FILE|postgres://…] [--durability wal-fsync|normal] [--shrink] [--json]
 *
 * Prints the number of generated cases, the failures per property with a counterexample, and the seed to replay
 * them; the last line is the result as JSON. Exit 0 when no property failed, 1 when one did, 2 on a usage error.
 */
import { parseArgs } from 'node:util';
import { runSuite } from './hostile/suite.js';

let values;
try {
  ({ values } = parseArgs({
    options: {
      runs: { type: 'string', default: '300' },
      seed: { type: 'string' },
      db: { type: 'string' },
      durability: { type: 'string', default: 'wal-fsync' },
      shrink: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  }));
} catch (err) {
  process.stderr.write(`hostile: ${(err as Error).message}\n`);
  process.exit(2);
}
const runs = Number(values.runs);
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
const durability = values.durability;
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(seed) || (durability !== 'wal-fsync' && durability !== 'normal')) {
  process.stderr.write('hostile: --runs must be a positive integer, --seed an integer, --durability wal-fsync or normal\n');
  process.exit(2);
}

const result = await runSuite({
  runs,
  seed,
  ...(values.db ? { db: values.db } : {}),
  durability,
  ...(values.shrink ? { shrink: { runs: 200, timeLimitMs: 120_000 } } : {}),
  onCase: (i, _c, failed) => {
    if (!values.json && (i + 1) % 25 === 0) process.stderr.write(`hostile: ${i + 1}/${runs} cases${failed ? ' (this one failed)' : ''}\n`);
  },
});

if (!values.json) {
  process.stdout.write(`hostile: ${result.cases} cases (${result.cases - runs} known attacks, ${runs} generated), ${result.requests} requests, seed ${result.seed}, ${result.seconds} s\n`);
  process.stdout.write(`hostile: honest server scores ${JSON.stringify(result.honest)}\n`);
  process.stdout.write(`hostile: ${result.failedCases} failing cases; ${result.throttledCases} cases met a 429\n`);
  for (const [property, f] of Object.entries(result.failures)) {
    const example = f.shrunk ?? f.counterexample;
    process.stdout.write(`  FAIL ${property}: ${f.cases} cases; e.g. ${JSON.stringify(example.case)}\n       ${example.message.slice(0, 600)}\n`);
    process.stdout.write(`       failing cases by tamperings: ${JSON.stringify(Object.fromEntries(Object.entries(f.byTampering).map(([k, v]) => [k, v.cases])))}\n`);
  }
  if (!result.failedCases) process.stdout.write('hostile: every property held\n');
}
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(result.failedCases ? 1 : 0);
