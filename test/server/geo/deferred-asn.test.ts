import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAsnTableSteps } from '../../../server/geo/asn-table.js';
import { deferredAsnTable } from '../../../server/geo/deferred-asn.js';

const dir = mkdtempSync(join(tmpdir(), 'fw-deferred-asn-'));
const csv = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};
// More than one 1 MiB chunk, so the load takes several steps.
const big = csv('big.csv', Array.from({ length: 40_000 }, (_, i) => `${i * 256},${i * 256 + 255},${64_512 + (i % 50)},"Org ${i % 50}, a long enough name to fill the chunk"`).join('\n'));

function events() {
  const seen = { loaded: 0, errors: [] as string[] };
  return { seen, on: { onLoaded: () => void seen.loaded++, onError: (err: Error) => void seen.errors.push(err.message) } };
}

describe('deferredAsnTable', () => {
  it('loads a step at a time and reports the load once', () => {
    const { seen, on } = events();
    const table = deferredAsnTable(() => loadAsnTableSteps(big), on);
    let steps = 1;
    while (table.step()) steps++;
    expect(steps).toBeGreaterThan(2);
    expect(seen).toEqual({ loaded: 1, errors: [] });
    expect(table.step()).toBe(false);
    expect(table.lookup('0.0.1.7')).toEqual({ asn: 64_513, org: 'Org 1, a long enough name to fill the chunk' });
    expect(seen.loaded).toBe(1);
  });

  it('a lookup before the last step finishes the load at once and answers from the whole table', () => {
    const { seen, on } = events();
    const table = deferredAsnTable(() => loadAsnTableSteps(big), on);
    expect(table.step()).toBe(true);
    expect(table.lookup('0.156.63.1')).toEqual({ asn: 64_512 + (39_999 % 50), org: `Org ${39_999 % 50}, a long enough name to fill the chunk` });
    expect(table.step()).toBe(false);
    expect(seen).toEqual({ loaded: 1, errors: [] });
  });

  it('a file that fails is one error, and lookups answer nothing rather than throw', () => {
    const { seen, on } = events();
    const table = deferredAsnTable(() => loadAsnTableSteps(csv('bad.csv', '1,2,3,x\nnot a line\n')), on);
    expect(table.lookup('0.0.0.1')).toBeNull();
    expect(table.lookup('0.0.0.2')).toBeNull();
    expect(table.step()).toBe(false);
    expect(seen.loaded).toBe(0);
    expect(seen.errors).toEqual([expect.stringMatching(/bad\.csv:2: not an ASN range line/)]);
  });

  it('stop() ends a load in progress: no more steps, no event', () => {
    const { seen, on } = events();
    const table = deferredAsnTable(() => loadAsnTableSteps(big), on);
    expect(table.step()).toBe(true);
    table.stop();
    expect(table.step()).toBe(false);
    expect(table.lookup('0.0.1.7')).toBeNull();
    expect(seen).toEqual({ loaded: 0, errors: [] });
  });
});
