/**
 * The times a report states are the agent's word: the laptop's user picks them. The server orders reports and
 * schedules silence by its own receive time instead, so that no stated time can move a device's schedule or verdict
 * past what the server's clock and the central policy allow. Pure and total: both storage engines call it.
 */

/** How far a laptop's clock may be from the server's before its report times are corrected (and the signature refused). */
export const allowedSkewMs = 10 * 60_000;

/**
 * The longest promise (nextReportBy − collectedAt) the server believes: the agent's longest interval (a day),
 * stretched by its ±10 % jitter, plus a cycle's collection and delivery, rounded up to 27 h. Policy:
 * thresholds.maxReportGapSec.
 */
export const defaultMaxReportGapSec = 27 * 3600;

export interface TimeLimits {
  allowedSkewMs: number;
  maxReportGapMs: number;
}

export const defaultTimeLimits: TimeLimits = { allowedSkewMs, maxReportGapMs: defaultMaxReportGapSec * 1000 };

export interface StatedTimes {
  collectedAt: string;
  sentAt: string;
  nextReportBy: string;
}

/** Why the server did not take a report's times as stated. */
export type TimeAdjustment = 'clock-skew' | 'collected-in-future' | 'promise-beyond-policy';

export interface ReportTimes {
  /** The collection time on the server's clock, at most receivedAt (ISO, UTC). */
  collectedAt: string;
  collectedMs: number;
  /** The promised next report on the server's clock, at most collectedAt + the policy's longest gap. */
  nextReportBy: string;
  nextReportMs: number;
  /** This report is the device's latest collection: it may move the device's state. */
  newest: boolean;
  /** The laptop's clock minus the server's (seconds): the larger of what sentAt and the signature show. */
  skewS: number;
  /** Empty when the report's times were taken as stated. */
  adjusted: TimeAdjustment[];
  /** What was stated and what was used instead; shown in the agent.clock-skew alert. */
  evidence: Record<string, unknown>;
}

const iso = (ms: number) => new Date(ms).toISOString();
/** A stated time that does not parse counts as the receive time: never later than what the server saw. */
const parsed = (text: string | null | undefined, fallback: number) => {
  const ms = text ? Date.parse(text) : Number.NaN;
  return Number.isFinite(ms) ? ms : fallback;
};

/**
 * A collection cannot happen after its report arrived: the collection time is at most the receive time (a clock a
 * little ahead costs nothing), and one beyond the allowed skew is also recorded. `lastCollectedAt` is the device's
 * stored latest collection (null before its first report); a stored time after this receive time was written before
 * this defence existed (or under a server clock since set back): it is not believed, so it cannot freeze the device.
 */
export function reportTimes(stated: StatedTimes, receivedAtMs: number, lastCollectedAt: string | null, limits: TimeLimits = defaultTimeLimits, signatureSkewMs = 0): ReportTimes {
  const sentSkewMs = parsed(stated.sentAt, receivedAtMs) - receivedAtMs;
  const skewMs = Math.abs(signatureSkewMs) > Math.abs(sentSkewMs) ? signatureSkewMs : sentSkewMs;
  const skewS = Math.round(skewMs / 1000) || 0; // never -0
  const adjusted: TimeAdjustment[] = [];
  if (Math.abs(skewMs) > limits.allowedSkewMs) adjusted.push('clock-skew');
  // A laptop whose clock is off stamped all its times with that clock: moved onto the server's by sentAt's offset.
  const shiftMs = Math.abs(sentSkewMs) > limits.allowedSkewMs ? sentSkewMs : 0;
  const statedCollected = parsed(stated.collectedAt, receivedAtMs);
  let collectedMs = statedCollected - shiftMs;
  if (collectedMs > receivedAtMs + limits.allowedSkewMs) adjusted.push('collected-in-future');
  collectedMs = Math.min(collectedMs, receivedAtMs);
  collectedMs = Math.max(0, collectedMs);
  let gapMs = parsed(stated.nextReportBy, statedCollected) - statedCollected;
  if (gapMs > limits.maxReportGapMs) {
    adjusted.push('promise-beyond-policy');
    gapMs = limits.maxReportGapMs;
  }
  const nextReportMs = Math.max(0, collectedMs + gapMs);
  const previous = lastCollectedAt === null ? null : parsed(lastCollectedAt, 0);
  return {
    collectedAt: iso(collectedMs),
    collectedMs,
    nextReportBy: iso(nextReportMs),
    nextReportMs,
    newest: previous === null || previous > receivedAtMs || previous <= collectedMs,
    skewS,
    adjusted,
    evidence: adjusted.length
      ? {
          adjusted,
          skewS,
          receivedAt: iso(receivedAtMs),
          stated: { collectedAt: stated.collectedAt, sentAt: stated.sentAt, nextReportBy: stated.nextReportBy },
          used: { collectedAt: iso(collectedMs), nextReportBy: iso(nextReportMs) },
          maxReportGapSec: Math.round(limits.maxReportGapMs / 1000),
        }
      : {},
  };
}

/** What timesOf reads of an ingested item (storage's IngestItem), named here so verdict/ needs nothing of storage/. */
export interface TimedItem {
  report: StatedTimes;
  receivedAt: Date;
  guard?: { maxReportGapMs?: number; clockSkewS?: number } | undefined;
}

/** The times of an ingested report, under the policy's limits its guard carries (storage tests send none: defaults). */
export function timesOf(item: TimedItem, lastCollectedAt: string | null): ReportTimes {
  const limits = item.guard?.maxReportGapMs ? { allowedSkewMs, maxReportGapMs: item.guard.maxReportGapMs } : defaultTimeLimits;
  return reportTimes(item.report, item.receivedAt.getTime(), lastCollectedAt, limits, (item.guard?.clockSkewS ?? 0) * 1000);
}
