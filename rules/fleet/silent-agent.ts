/**
 * fleet.silent-agent: a device that promised its next report (nextReportBy) and stayed silent longer than
 * the grace period. The grace covers nights, weekends and holidays with the lid shut.
 */

export const silentAgentRule = {
  id: 'fleet.silent-agent',
  title: 'An enrolled agent stopped reporting',
  description: 'The report promised by nextReportBy is more than silentGraceHours late.',
  severity: 'medium',
  attack: ['T1562.001'],
  falsePositives: ['A laptop on holiday longer than the grace period', 'A device retired without a reset'],
} as const;

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
    .filter((d) => isSilent(d.nextReportBy, now, graceHours))
    .map((d) => {
      const lateHours = Math.floor((now.getTime() - Date.parse(d.nextReportBy as string)) / 3_600_000);
      return {
        deviceId: d.deviceId,
        summary: `${d.deviceId} promised a report by ${d.nextReportBy} and has been silent ${lateHours} h`,
        evidence: { nextReportBy: d.nextReportBy, lastSeen: d.lastSeen, graceHours, lateHours },
      };
    });
}
