import type { Baseline, Match, RuleContext } from '../types.js';
import { defineRule, type Rule } from '../types.js';
import { globMatcher } from './glob.js';
import { inputDeviceKey, isPluggable } from './input-key.js';

/** What the baseline learns in its first day is the device's normal state, not drift. */
export const learningMs = 24 * 3600_000;
/** A drift finding lasts this long after the change was first seen, then the new state is normal. */
export const driftWindowMs = 7 * 24 * 3600_000;

type Novelty = { isNew: false } | { isNew: true; firstSeen?: string; sinceEnrollment?: true };

/**
 * New = absent from the baseline, or first seen after the learning day and within the drift window. A remote tool
 * already there in the learning day is "present since enrollment", never the device's normal state: a farm installs
 * its tools before the laptop first reports as readily as after (the new-hire window, docs/detection.md).
 */
function novelty(baseline: Baseline, kind: 'tool' | 'input', value: string, now: Date): Novelty {
  const started = Date.parse(baseline.firstSeen);
  if (Number.isFinite(started) && now.getTime() - started < learningMs) return { isNew: false };
  const known = kind === 'tool' ? baseline.remoteTools : baseline.inputDevices;
  if (!known.includes(value)) return { isNew: true };
  const since = baseline.since?.[`${kind}:${value}`];
  if (!since) return { isNew: false };
  const t = Date.parse(since);
  if (kind === 'tool' && Number.isFinite(t) && Number.isFinite(started) && t - started < learningMs) return { isNew: true, firstSeen: since, sinceEnrollment: true };
  if (!Number.isFinite(t) || t - started < learningMs || now.getTime() - t > driftWindowMs) return { isNew: false };
  return { isNew: true, firstSeen: since };
}

/** Catalog ids named by remote-access.* findings (their `subject`), in the order first found. */
export function remoteToolSubjects(findings: readonly { rule: string; subject?: string | undefined }[]): string[] {
  const ids = new Set<string>();
  for (const f of findings) if (f.rule.startsWith('remote-access.') && f.subject) ids.add(f.subject);
  return [...ids];
}

export const baselineNewRemoteTool = defineRule({
  id: 'baseline.new-remote-tool',
  title: 'A remote-access tool this device did not have before',
  description:
    "A remote-access catalog id found this cycle that is not in the device's baseline, or was added to it after the " +
    'first day and less than 7 days ago. Farms install their tools after the laptop arrives. A tool already present in ' +
    'the first (learning) day is "present since enrollment": the baseline never makes it normal, and it keeps firing.',
  severity: 'medium',
  weight: 0.4,
  group: 'baseline',
  attack: ['T1219'],
  falsePositives: ['IT installing a support tool (allow-list it in allow.tools)', 'An employee trying a tool once'],
  evaluate(_snapshot, context) {
    const baseline = context.baseline;
    if (!baseline) return [];
    return remoteToolSubjects(context.findings ?? []).flatMap((id): Match[] => {
      const n = novelty(baseline, 'tool', id, context.now);
      if (!n.isNew) return [];
      if (n.sinceEnrollment) {
        return [{
          confidence: 0.6,
          subject: id,
          title: 'A remote-access tool present since enrollment',
          evidence: { tool: id, baselineSince: baseline.firstSeen, firstSeen: n.firstSeen, presentSinceEnrollment: true },
        }];
      }
      return [{ confidence: 0.8, subject: id, evidence: { tool: id, baselineSince: baseline.firstSeen, ...(n.firstSeen ? { firstSeen: n.firstSeen } : {}) } }];
    });
  },
});

export const baselineNewInputDevice = defineRule({
  id: 'baseline.new-input-device',
  title: 'A USB or Bluetooth input device this device did not have before',
  description:
    'A pluggable keyboard, pointer or tablet absent from the baseline (or added after the first day, within 7 days). ' +
    'Absolute pointers (the shape of an IP-KVM) get a higher confidence. Weak alone: people buy mice.',
  severity: 'low',
  weight: 0.3,
  group: 'baseline',
  attack: ['T1200'],
  falsePositives: ['A new mouse, keyboard, headset with buttons or docking station'],
  evaluate(snapshot, context) {
    const baseline = context.baseline;
    if (!baseline || !snapshot.inputs) return [];
    const seen = new Set<string>();
    return snapshot.inputs.devices.filter(isPluggable).flatMap((d): Match[] => {
      const key = inputDeviceKey(d);
      if (seen.has(key)) return [];
      seen.add(key);
      const n = novelty(baseline, 'input', key, context.now);
      if (!n.isNew) return [];
      return [
        {
          confidence: d.absolutePointer && d.kind !== 'tablet' && d.kind !== 'touchscreen' ? 0.8 : 0.4,
          evidence: {
            name: d.name, kind: d.kind, bus: d.bus, absolutePointer: d.absolutePointer,
            ...(d.vendorId ? { vendorId: d.vendorId } : {}), ...(d.productId ? { productId: d.productId } : {}),
            ...(n.firstSeen ? { firstSeen: n.firstSeen } : {}),
          },
        },
      ];
    });
  },
});

export const baselineTimezoneChanged = defineRule({
  id: 'baseline.timezone-changed',
  title: "The machine's time zone changed",
  description:
    'The time zone differs from the one in the baseline, or changed less than 7 days ago. Higher confidence when ' +
    'the new zone is outside config expected.timezones (when configured).',
  severity: 'low',
  weight: 0.3,
  group: 'baseline',
  attack: 'none',
  attackNone: "A time zone change on the machine's clock is no technique (see locale.timezone)",
  falsePositives: ['Travel', 'Daylight-saving rules do not count (the IANA name stays the same)'],
  evaluate(snapshot, context) {
    const baseline = context.baseline;
    const current = snapshot.locale?.timezone;
    if (!baseline?.timezone || !current) return [];
    if (current !== baseline.timezone) return [changed(baseline.timezone, current, undefined, context)];
    const at = baseline.timezoneChangedAt ? Date.parse(baseline.timezoneChangedAt) : NaN;
    if (baseline.previousTimezone && Number.isFinite(at) && context.now.getTime() - at <= driftWindowMs) {
      return [changed(baseline.previousTimezone, current, baseline.timezoneChangedAt, context)];
    }
    return [];
  },
});

function changed(from: string, to: string, at: string | undefined, context: RuleContext): Match {
  const outside = context.expected.timezones.length > 0 && !globMatcher(context.expected.timezones)(to);
  return { confidence: outside ? 0.9 : 0.4, evidence: { from, to, ...(at ? { changedAt: at } : {}) } };
}

export const driftRules: readonly Rule[] = [baselineNewRemoteTool, baselineNewInputDevice, baselineTimezoneChanged];
