import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideClockSkew, type SkewObservation } from '../../server/verdict/clock-skew.js';
import { defaultTimeLimits, reportTimes } from '../../server/verdict/report-times.js';

const received = Date.parse('2026-12-03T08:00:00.000Z');
const at = (ms: number) => new Date(ms).toISOString();

describe('reportTimes: what a report states never moves the device past the server clock and policy', () => {
  it('is total: any stated text, any previous value, any receive time gives bounded, ordered times', () => {
    const time = fc.oneof(
      fc.string(),
      fc.date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString()),
    );
    fc.assert(
      fc.property(time, time, time, fc.option(time, { nil: null }), fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.integer({ min: -1e13, max: 1e13 }), (collectedAt, sentAt, nextReportBy, last, recv, sigSkew) => {
        const t = reportTimes({ collectedAt, sentAt, nextReportBy }, recv, last, defaultTimeLimits, sigSkew);
        expect(t.collectedMs).toBeLessThanOrEqual(recv);
        expect(t.nextReportMs).toBeLessThanOrEqual(recv + defaultTimeLimits.maxReportGapMs);
        expect(Date.parse(t.collectedAt)).toBe(t.collectedMs);
        expect(Date.parse(t.nextReportBy)).toBe(t.nextReportMs);
        expect(typeof t.newest).toBe('boolean');
        expect(Number.isInteger(t.skewS)).toBe(true);
      }),
    );
  });

  it('takes an honest report in sync as stated', () => {
    const t = reportTimes({ collectedAt: at(received - 2_000), sentAt: at(received - 100), nextReportBy: at(received + 353_000) }, received, at(received - 300_000));
    expect(t).toMatchObject({ collectedAt: at(received - 2_000), nextReportBy: at(received + 353_000), newest: true, skewS: 0, adjusted: [] });
  });

  it('a spooled report older than the stored collection is not the newest', () => {
    const t = reportTimes({ collectedAt: at(received - 7_200_000), sentAt: at(received), nextReportBy: at(received - 6_800_000) }, received, at(received - 300_000));
    expect(t.newest).toBe(false);
    expect(t.adjusted).toEqual([]);
  });

  it('a stored collection time after the receive time (written before this defence) is not believed', () => {
    expect(reportTimes({ collectedAt: at(received), sentAt: at(received), nextReportBy: at(received + 330_000) }, received, '9999-12-31T23:59:59.000Z').newest).toBe(true);
  });

  it('moves a skewed laptop\'s times onto the server clock by its sentAt offset', () => {
    const off = 2 * 3_600_000;
    const t = reportTimes({ collectedAt: at(received + off - 5_000), sentAt: at(received + off), nextReportBy: at(received + off + 325_000) }, received, null);
    expect(t).toMatchObject({ collectedAt: at(received - 5_000), nextReportBy: at(received + 325_000), skewS: 7200, adjusted: ['clock-skew'] });
  });
});

describe('decideClockSkew', () => {
  const obs = (atMs: number, adjusted: SkewObservation['adjusted'] = ['clock-skew']): SkewObservation => ({ deviceId: 'd', at: at(atMs), source: 'report', adjusted, skewS: 660, evidence: {} });

  it('opens low, stays low within 6 h, turns tamper-class (high) at 6 h, and a report in sync ends only a low episode', () => {
    expect(decideClockSkew(null, obs(received))).toMatchObject({ kind: 'upsert', severity: 'low' });
    const episode = { since: at(received), severity: 'low' };
    expect(decideClockSkew(episode, obs(received + 5 * 3_600_000))).toMatchObject({ kind: 'upsert', severity: 'low' });
    expect(decideClockSkew(episode, obs(received + 6 * 3_600_000))).toMatchObject({ kind: 'upsert', severity: 'high' });
    expect(decideClockSkew(episode, obs(received + 60_000, []))).toEqual({ kind: 'end' });
    expect(decideClockSkew({ since: at(received), severity: 'high' }, obs(received + 60_000, []))).toEqual({ kind: 'none' });
    expect(decideClockSkew(null, obs(received, []))).toEqual({ kind: 'none' });
  });

  it('the summary names no figure that changes from report to report (a persisting episode is not rewritten each time)', () => {
    const episode = { since: at(received), severity: 'low' };
    const a = decideClockSkew(episode, obs(received + 60_000));
    const b = decideClockSkew(episode, { ...obs(received + 120_000), skewS: 700 });
    expect(a).toEqual(expect.objectContaining({ summary: (b as { summary: string }).summary }));
  });
});
