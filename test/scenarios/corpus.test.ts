import { describe, expect, it } from 'vitest';
import { expectedFlagged, judge, loadCorpus, tallyByOs } from '../../scripts/eval/scenario-corpus.js';
import { rules } from '../../rules/index.js';

const corpus = loadCorpus();

describe('scenario corpus', () => {
  it('has the labelled scenarios, clean and dirty', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(15);
    expect(corpus.filter((s) => expectedFlagged(s) === true).length).toBeGreaterThanOrEqual(8);
    expect(corpus.filter((s) => expectedFlagged(s) === false).length).toBeGreaterThanOrEqual(8);
  });

  it('labels only rules that exist', () => {
    const ids = new Set(rules.map((r) => r.id));
    const named = corpus.flatMap((s) => [...s.expected.rules, ...s.expected.absentRules, ...s.expected.suppressedRules]);
    expect(named.filter((id) => !ids.has(id))).toEqual([]);
  });

  // Labels are what a correct detector should conclude: a failure here is a rule to fix, never a label to tune.
  it.each(corpus.map((s) => [s.name, s] as const))('%s', (_name, s) => {
    const { problems, evaluation } = judge(s);
    expect(problems, `${s.description}\nscore ${evaluation.score}: ${JSON.stringify(evaluation.groups)}`).toEqual([]);
  });

  it('flags exactly the scenarios it should on every OS, each with clean and flagged cases', () => {
    const byOs = tallyByOs(corpus.map((s) => ({ scenario: s, level: judge(s).evaluation.level })));
    expect([...byOs.keys()]).toEqual(['darwin', 'linux', 'win32']);
    for (const [os, t] of byOs) {
      expect({ os, precision: t.precision, recall: t.recall }).toEqual({ os, precision: 1, recall: 1 });
      expect(t.tp, `${os}: a flagged case`).toBeGreaterThan(0);
      expect(t.tn, `${os}: a clean case`).toBeGreaterThan(0);
    }
  });
});
