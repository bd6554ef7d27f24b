import type { Snapshot } from '../../../schema/snapshot/index.js';
import type { RuleContext } from '../../../rules/types.js';
import { emptySnapshot } from '../../helpers/snapshot.js';

/** A valid snapshot with every domain collected and empty, for rule tests to fill in: a laptop in America/Chicago. */
export function makeSnapshot(over: Partial<Snapshot> = {}): Snapshot {
  return emptySnapshot({
    collectedAt: '2026-01-15T15:00:00.000Z',
    agentVersion: '0.1.0',
    locale: {
      timezone: 'America/Chicago', utcOffsetMinutes: -360, locale: 'en-US', languages: ['en-US'],
      keyboardLayouts: ['us'], inputMethods: [],
    },
    activity: { idleSeconds: 5 },
    ...over,
  });
}

export function makeContext(over: Partial<RuleContext> = {}): RuleContext {
  return {
    expected: { timezones: [], locales: [], keyboardLayouts: [], countries: [], ...over.expected },
    allowTools: [],
    latency: { anchors: [] },
    now: new Date('2026-01-15T15:00:00.000Z'),
    ...over,
  };
}

export function withLocale(over: Partial<NonNullable<Snapshot['locale']>>): Snapshot {
  const base = makeSnapshot();
  return makeSnapshot({ locale: { ...base.locale!, ...over } });
}
