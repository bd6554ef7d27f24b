import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scoreFindings, strengthOf } from '../../rules/score.js';
import { levels, type Finding } from '../../rules/types.js';

const finding = (rule: string, weight: unknown, confidence: unknown, group?: string): Finding =>
  ({ rule, title: rule, severity: 'high', confidence, weight, evidence: {}, ...(group === undefined ? {} : { group }) }) as Finding;

// Numbers as they may arrive from anywhere: NaN, ±Infinity, -0, huge, tiny; and values that are no numbers at all.
const anyNumber = fc.oneof(fc.double(), fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 1e308, 5e-324), fc.double({ min: 0, max: 1, noNaN: true }));
const anyValue = fc.oneof(anyNumber, fc.constantFrom(undefined, null, '0.9', {}, [], () => 1, Object.prototype.constructor));
const anyName = fc.oneof(fc.string(), fc.constantFrom('constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'remote-access.running'));

describe('scoreFindings is total', () => {
  it('property: any findings give an integer score 0-100 and one of the five levels', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ rule: anyName, weight: anyValue, confidence: anyValue, group: fc.option(anyName, { nil: undefined }) }), { maxLength: 40 }), (raw) => {
        const { score, level, groups } = scoreFindings(raw.map((r) => finding(r.rule, r.weight, r.confidence, r.group)));
        expect(Number.isInteger(score)).toBe(true);
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(100);
        expect(levels).toContain(level);
        for (const g of groups) expect(g.p > 0 && g.p <= 1).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('a weight that is no finite number counts as 0, and p is clamped to 1', () => {
    expect(strengthOf(finding('x', Number.NaN, 1))).toBe(0);
    expect(strengthOf(finding('x', Infinity, 1))).toBe(0);
    expect(strengthOf(finding('x', Object, 1))).toBe(0);
    expect(strengthOf(finding('x', 0.5, Number.NaN))).toBe(0);
    expect(strengthOf(finding('x', 2, 1))).toBe(1);
    expect(strengthOf({ ...finding('x', 1, 1), suppressed: true })).toBe(0);
    // A NaN finding next to a real one: the real one scores as if alone.
    expect(scoreFindings([finding('a', 0.6, 0.95), finding('constructor', Object, 1), finding('b', Number.NaN, 1)]).score).toBe(57);
  });

  it('group names are Map keys: "__proto__" and "constructor" are groups like any other', () => {
    const { score, groups } = scoreFindings([finding('a', 0.5, 1, '__proto__'), finding('b', 0.5, 1, 'constructor')]);
    expect(groups.map((g) => g.group).sort()).toEqual(['__proto__', 'constructor']);
    expect(score).toBe(75);
  });
});
