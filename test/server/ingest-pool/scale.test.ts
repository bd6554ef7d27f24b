import { describe, expect, it } from 'vitest';
import { defaultScale, initialScale, scaleStep, type ScaleSample, type ScaleSettings, type ScaleState } from '../../../server/ingest-pool/scale.js';

const settings: ScaleSettings = { ...defaultScale, max: 2 };
const sample = (atMs: number, mainBusy: number, reportsPerSec: number, workerBusy: number | null = null, spareCores = 1): ScaleSample => ({ atMs, mainBusy, reportsPerSec, workerBusy, spareCores });
/** Runs the samples from `state`, returning the size after each. */
function sizes(samples: ScaleSample[], state: ScaleState = initialScale(settings), s = settings): number[] {
  return samples.map((x) => (state = scaleStep(state, x, s)).size);
}

describe('scaleStep: when the ingest pool grows and shrinks (an injected clock: the samples carry their time)', () => {
  it('an idle server holds no worker, and a short burst starts none', () => {
    expect(initialScale(settings).size).toBe(0);
    expect(sizes([sample(0, 0.01, 0), sample(500, 0.9, 500), sample(1000, 0.9, 500), sample(1500, 0.1, 0), sample(2500, 0.9, 500)])).toEqual([0, 0, 0, 0, 0]);
  });

  it('a load that lasts startAfterMs starts one worker; a busy thread without reports starts none', () => {
    expect(sizes([sample(0, 0.9, 400), sample(1000, 0.9, 400), sample(2000, 0.9, 400)])).toEqual([0, 0, 1]);
    expect(sizes([sample(0, 1, 10), sample(1000, 1, 10), sample(5000, 1, 10)])).toEqual([0, 0, 0]);
  });

  it('"auto" adds no worker while the machine has no core to spare; a number set by the operator does', () => {
    const busyMachine = [sample(0, 0.9, 400, null, 0.2), sample(1000, 0.9, 400, null, -3), sample(5000, 0.9, 400, null, 0.4)];
    expect(sizes(busyMachine)).toEqual([0, 0, 0]);
    expect(sizes(busyMachine, undefined, { ...settings, minSpareCores: Number.NEGATIVE_INFINITY })).toEqual([0, 0, 1]);
    expect(sizes([sample(0, 0.9, 400, null, 0.5), sample(2000, 0.9, 400, null, Number.NaN)])).toEqual([0, 0]);
  });

  it('a second worker only while the first is saturated and the main thread still loaded; never past max', () => {
    const one: ScaleState = { size: 1, loadedSince: null, idleSince: null };
    expect(sizes([sample(0, 0.9, 900, 0.3), sample(3000, 0.9, 900, 0.3)], one)).toEqual([1, 1]);
    expect(sizes([sample(0, 0.9, 900, 0.95), sample(2000, 0.9, 900, 0.95), sample(2500, 0.9, 900, 0.95), sample(4500, 0.9, 900, 0.95), sample(9000, 1, 900, 1)], one)).toEqual([1, 2, 2, 2, 2]);
  });

  it('stops every worker once the reports stayed below minReportsPerSec for idleAfterMs; any report rate resets it', () => {
    const two: ScaleState = { size: 2, loadedSince: null, idleSince: null };
    expect(sizes([sample(0, 0.1, 5), sample(20_000, 0.1, 5), sample(29_000, 0.1, 100), sample(40_000, 0.1, 0), sample(69_999, 0, 0), sample(70_000, 0, 0)], two)).toEqual([2, 2, 2, 2, 2, 0]);
  });

  it('keeps min workers, even idle; is total on nonsense samples', () => {
    const floor = { ...settings, min: 1 };
    expect(initialScale(floor).size).toBe(1);
    expect(sizes([sample(0, 0, 0), sample(60_000, 0, 0)], initialScale(floor), floor)).toEqual([1, 1]);
    expect(sizes([sample(0, Number.NaN, Number.POSITIVE_INFINITY), sample(1e9, -1, Number.NaN)])).toEqual([0, 0]);
    expect(scaleStep({ size: 7, loadedSince: null, idleSince: null }, sample(0, 0.9, 500, 1), settings).size).toBe(2);
    expect(initialScale({ min: 3, max: 1 }).size).toBe(1);
  });
});
