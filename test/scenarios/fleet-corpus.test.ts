import { describe, expect, it } from 'vitest';
import { runFleetCorpus, type FleetCorpusResult } from '../../scripts/eval/fleet-corpus.js';

/**
 * The gate of the fleet corpus `npm run eval` prints: 52 laptops over five simulated days through a real server
 * (SQLite) on loopback. About half a minute on the 2-core VM.
 */
describe('fleet corpus', () => {
  let result: FleetCorpusResult;

  it('runs through the real server', async () => {
    result = await runFleetCorpus();
    expect(result.reports).toBeGreaterThan(1500);
  }, 180_000);

  it('high/critical fleet alerts: precision and recall 1.0 for every fleet rule', () => {
    for (const s of result.fleetHigh) expect({ rule: s.rule, precision: s.precision, recall: s.recall, falsePositives: s.falsePositives, missed: s.missed }).toEqual({ rule: s.rule, precision: 1, recall: 1, falsePositives: [], missed: [] });
  });

  it('geo rules: precision and recall 1.0 on the labelled travellers, hosted and VPN laptops', () => {
    for (const s of result.geo) expect({ rule: s.rule, falsePositives: s.falsePositives, missed: s.missed }).toEqual({ rule: s.rule, falsePositives: [], missed: [] });
  });

  it('every trap is a case, and each holds', () => {
    expect(result.cases.map((c) => c.name)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^office/), expect.stringMatching(/^couples/), expect.stringMatching(/^coworking/), expect.stringMatching(/Private Relay/), expect.stringMatching(/^SSE/)]),
    );
    for (const c of result.cases) expect({ name: c.name, ok: c.ok, detail: c.detail }).toEqual({ name: c.name, ok: true, detail: c.detail });
  });

  it('the sources are the real public networks the labels assume (bundled data)', () => {
    expect(result.sources.office).toMatch(/ US AS7018 /);
    expect(result.sources.appleRelay).toMatch(/ US AS36183 /);
    expect(result.sources.warp).toMatch(/ US AS13335 /);
    expect(result.sources.sse).toMatch(/ US AS22616 /);
    expect(result.sources.farm).toMatch(/ US AS7922 /);
  });
});
