import { clockSkewRule } from './integrity.js';
import { allowedSkewMs, type ReportTimes, type TimeAdjustment } from './report-times.js';

/** The device's open agent.clock-skew alert, as far as the decision needs it. */
export interface SkewEpisode {
  /** When the alert opened: the first off report or refusal since the clock was last in sync. */
  since: string;
  severity: string;
}

/** One report or refused signature, judged against the server's clock (server time `at`, ISO). */
export interface SkewObservation {
  deviceId: string;
  at: string;
  source: 'report' | 'refused-signature';
  /** Empty: the report's times were in sync with the server's clock. */
  adjusted: readonly TimeAdjustment[];
  skewS: number;
  evidence: Record<string, unknown>;
}

export type SkewDecision =
  | { kind: 'none' }
  /** The clock is back in sync: a low episode ends (resolved). A tamper-class one stays open for the SOC. */
  | { kind: 'end' }
  | { kind: 'upsert'; severity: string; summary: string; evidence: Record<string, unknown> };

/**
 * Pure. Off times open (or keep) the device's episode at `low`; still off `persistHours` after the episode began,
 * it turns tamper-class. The summary names no figure that changes from report to report, so a persisting episode
 * is written (and forwarded) only when it opens and when it escalates.
 */
export function decideClockSkew(episode: SkewEpisode | null, obs: SkewObservation): SkewDecision {
  if (!obs.adjusted.length) return episode && episode.severity !== clockSkewRule.tamperSeverity ? { kind: 'end' } : { kind: 'none' };
  const since = episode?.since ?? obs.at;
  const sinceMs = Date.parse(since);
  const persisting =
    episode?.severity === clockSkewRule.tamperSeverity || (Number.isFinite(sinceMs) && Date.parse(obs.at) - sinceMs >= clockSkewRule.persistHours * 3_600_000);
  const what = obs.adjusted.includes('clock-skew') ? `the laptop's clock is off the server's` : `report times beyond what the server's clock and policy allow (${obs.adjusted.join(', ')})`;
  return persisting
    ? {
        kind: 'upsert',
        severity: clockSkewRule.tamperSeverity,
        summary: `${obs.deviceId}: ${what} since ${since}, in every report for ${clockSkewRule.persistHours} h or more: tamper-class`,
        evidence: { ...obs.evidence, source: obs.source, since, persistHours: clockSkewRule.persistHours },
      }
    : {
        kind: 'upsert',
        severity: clockSkewRule.severity,
        summary: `${obs.deviceId}: ${what} (first seen ${since})`,
        evidence: { ...obs.evidence, source: obs.source, since, persistHours: clockSkewRule.persistHours },
      };
}

/**
 * Whether the device's episode must be read at all: when this report is off, or the device's last recorded skew was
 * (the episode may end). A device in sync costs no read.
 */
export function touchesEpisode(obs: SkewObservation, previousSkewS: number | null): boolean {
  return obs.adjusted.length > 0 || (previousSkewS !== null && Math.abs(previousSkewS) * 1000 > allowedSkewMs);
}

/** The observation a refused signature makes (server/lifecycle/guard.ts): the clock is off by `skewS`. */
export function refusedSignature(deviceId: string, skewS: number, at: Date): SkewObservation {
  return {
    deviceId,
    at: at.toISOString(),
    source: 'refused-signature',
    adjusted: ['clock-skew'],
    skewS,
    evidence: { adjusted: ['clock-skew'], skewS, receivedAt: at.toISOString(), allowedSkewS: allowedSkewMs / 1000 },
  };
}

/** The observation an accepted report makes, from the server's judgement of its times. */
export function reportObservation(deviceId: string, at: string, times: ReportTimes): SkewObservation {
  return { deviceId, at, source: 'report', adjusted: times.adjusted, skewS: times.skewS, evidence: times.evidence };
}
