import { declareRule } from '../types.js';
/**
 * fleet.silent-agent: a device that promised its next report (nextReportBy) and stayed silent longer than
 * the grace period. The grace covers nights, weekends and holidays with the lid shut.
 */

export const silentAgentRule = declareRule({
  id: 'fleet.silent-agent',
  runs: 'fleet',
  title: 'An enrolled agent stopped reporting',
  description: 'The report promised by nextReportBy is more than silentGraceHours late.',
  severity: 'medium',
  attack: ['T1562.001'],
  falsePositives: ['A laptop on holiday longer than the grace period', 'A device retired without a reset'],
});

export interface DeviceSilence {
  deviceId: string;
  nextReportBy: string | null;
  lastSeen: string | null;
}

export interface SilentDecision {
  deviceId: string;
  summary: string;
  evidence: Record<string, unknown>;
}

/**
 * The longest promise the server keeps after it last heard from a device: the policy's cap on nextReportBy at its
 * largest (7 days) plus the allowed clock skew. The ingest never stores a longer one; a longer stored promise dates from
 * before report times were judged on the server's clock, and counts only this long after lastSeen (the server's own
 * receive time), so that it cannot keep a device from ever turning silent.
 */
export const longestPromiseMs = 7 * 86_400_000 + 10 * 60_000;

/** The promise the silence check believes: nextReportBy, at most longestPromiseMs after lastSeen. */
export function believedPromise(d: DeviceSilence): string | null {
  if (!d.nextReportBy) return null;
  const promised = Date.parse(d.nextReportBy);
  const bound = d.lastSeen ? Date.parse(d.lastSeen) + longestPromiseMs : Number.NaN;
  return Number.isFinite(bound) && !(promised <= bound) ? new Date(bound).toISOString() : d.nextReportBy;
}

/** The instant after which a device counts as silent. */
export function silentSince(nextReportBy: string, graceHours: number): number {
  return Date.parse(nextReportBy) + graceHours * 3_600_000;
}

export function isSilent(nextReportBy: string | null, now: Date, graceHours: number): boolean {
  if (!nextReportBy) return false;
  const since = silentSince(nextReportBy, graceHours);
  return Number.isFinite(since) && now.getTime() > since;
}

export function decideSilent(devices: readonly DeviceSilence[], now: Date, graceHours: number): SilentDecision[] {
  return devices
    .map((d) => ({ d, promise: believedPromise(d) }))
    .filter(({ promise }) => isSilent(promise, now, graceHours))
    .map(({ d, promise }) => {
      const lateHours = Math.floor((now.getTime() - Date.parse(promise as string)) / 3_600_000);
      return {
        deviceId: d.deviceId,
        summary: `${d.deviceId} promised a report by ${promise} and has been silent ${lateHours} h`,
        evidence: { nextReportBy: d.nextReportBy, ...(promise !== d.nextReportBy ? { believedNextReportBy: promise } : {}), lastSeen: d.lastSeen, graceHours, lateHours },
      };
    });
}
