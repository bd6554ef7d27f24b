import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bodyAndFactsHash, factsHash, factsHashOf } from '../../server/ingest/report-facts.js';
import { makeReport } from './helpers.js';

/** The two separate serialisations bodyAndFactsHash must equal, byte for byte. */
const separately = (value: unknown) => ({ body: JSON.stringify(value), factsHash: factsHashOf(value) });

describe('bodyAndFactsHash', () => {
  it('gives the body JSON.stringify writes and the facts hash of that body, for a report and for hostile shapes', () => {
    const report = makeReport('facts-1', { agent: { version: '1', health: { cpuMs: 5, wallMs: 9, rssMiB: 60, forks: 1, maxEventLoopBlockMs: 3, other: 1 } } });
    const cases: unknown[] = [
      report,
      { ...report, reportId: 7, collectedAt: { not: 'a time' } },
      { ...report, agent: { health: { cpuMs: 'slow', wallMs: { x: 1 } } } },
      { ...report, agent: 'none' },
      { ...report, agent: { health: null } },
      JSON.parse('{"__proto__": {"a": 1}, "toJSON": "text", "reportId": "r", "b\\"q\\u2028": [1, {"c": null}]}'),
      { a: undefined, b: () => 1, c: 1, d: [undefined] },
      { 2: 'x', 1: 'y', z: 1 },
      { toJSON: () => ({ replaced: true }) },
      {},
      [1, 2],
      'text',
      null,
    ];
    for (const value of cases) expect(bodyAndFactsHash(value)).toEqual(separately(value));
    const { body, factsHash: hash } = bodyAndFactsHash(report);
    expect(factsHash(body)).toEqual(hash);
  });

  it('equals the separate serialisations on any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        for (const value of [a, { reportId: 'r', sentAt: 's', agent: { version: '1', health: { cpuMs: 1, wallMs: b } }, extra: a }]) {
          expect(bodyAndFactsHash(value)).toEqual(separately(value));
        }
      }),
      { numRuns: 300 },
    );
  });
});
