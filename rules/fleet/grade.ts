import type { Severity } from '../types.js';

/**
 * Severity of a fleet alert (fleet.colocation, fleet.shared-fingerprint, fleet.neighbor-devices) from evidence, not
 * from a count alone. A farm is many employees' laptops that stay at one place for days and nights, driven remotely;
 * an office is declared or learned (never graded, it is exempt), a home holds one or two laptops, a coworking space
 * sees many laptops briefly.
 */
export interface FleetGradePolicy {
  /** Distinct local days on which the members were co-present at one place before the cluster counts as persistent. */
  persistDays: number;
  /** ... and distinct nights (local hours nightStartHour–nightEndHour) on which they were co-present. */
  overnightNights: number;
  nightStartHour: number;
  nightEndHour: number;
  /** Members that must carry evidence of their own (remote control, KVM, jiggler, far sessions, zone mismatch). */
  minEvidenceMembers: number;
  /** A cluster this small is a household: low unless its members carry evidence. */
  householdMaxDevices: number;
  /** Turnover: with at least this many distinct laptops seen at the place ... */
  turnoverMinDevices: number;
  /** ... of which at least this share were there on one day only, the place is transient (coworking, hotel, airport). */
  turnoverOneDayShare: number;
  /** Dwell: visits (device, day) shorter than this without a night are short; mostly short visits are transient too. */
  shortDwellHours: number;
  /** Days of presence history considered. */
  lookbackDays: number;
}

export const defaultFleetGradePolicy: FleetGradePolicy = {
  persistDays: 3,
  overnightNights: 2,
  nightStartHour: 0,
  nightEndHour: 6,
  minEvidenceMembers: 2,
  householdMaxDevices: 2,
  turnoverMinDevices: 6,
  turnoverOneDayShare: 0.5,
  shortDwellHours: 10,
  lookbackDays: 14,
};

/** One device's presence at one place on one local day. */
export interface PresenceDay {
  place: string;
  deviceId: string;
  /** Local date (YYYY-MM-DD) in the laptop's own time zone. */
  day: string;
  firstMs: number;
  lastMs: number;
  /** Reported from there during local night hours that day. */
  night: boolean;
}

/** Agent and server findings that are evidence about one member itself (not about the place). */
const memberEvidencePrefixes = [
  'remote-access.session',
  'remote-access.running',
  'remote-access.multiple',
  'ipkvm.',
  'jiggler.',
  'network.session-rtt',
  'network.region-latency',
  'geo.timezone-mismatch',
  'geo.country-mismatch',
  'geo.impossible-travel',
] as const;

/** The rule ids of a device's findings that count as per-member evidence; suppressed (sanctioned) ones do not. */
export function memberEvidenceOf(findings: readonly { rule: string; suppressed?: boolean | undefined }[]): string[] {
  const out = new Set<string>();
  for (const f of findings) if (!f.suppressed && memberEvidencePrefixes.some((p) => f.rule === p || (p.endsWith('.') && f.rule.startsWith(p)))) out.add(f.rule);
  return [...out].sort();
}

export interface FleetGrade {
  severity: Severity;
  /** Why, in words a SOC reads: each of persistence, overnight, member evidence, household, transient that applies. */
  reasons: string[];
  persistence: { coPresentDays: number; overnightNights: number; persistent: boolean };
  memberEvidence: Record<string, string[]>;
  household: boolean;
  transient: { distinctDevices: number; oneDayShare: number; medianDwellHours: number; transient: boolean };
}

/** The members co-present (at least `quorum` of them at one place) on which days and nights. */
function coPresence(members: ReadonlySet<string>, days: readonly PresenceDay[], quorum: number): { days: number; nights: number } {
  const byPlaceDay = new Map<string, { all: Set<string>; night: Set<string> }>();
  for (const d of days) {
    if (!members.has(d.deviceId)) continue;
    const key = `${d.place}\n${d.day}`;
    const entry = byPlaceDay.get(key) ?? { all: new Set<string>(), night: new Set<string>() };
    entry.all.add(d.deviceId);
    if (d.night) entry.night.add(d.deviceId);
    byPlaceDay.set(key, entry);
  }
  const coDays = new Set<string>();
  const coNights = new Set<string>();
  for (const [key, entry] of byPlaceDay) {
    const day = key.slice(key.indexOf('\n') + 1);
    if (entry.all.size >= quorum) coDays.add(day);
    if (entry.night.size >= quorum) coNights.add(day);
  }
  return { days: coDays.size, nights: coNights.size };
}

/** Turnover and dwell over every laptop seen at the places (members or not). */
function turnover(days: readonly PresenceDay[], policy: FleetGradePolicy): FleetGrade['transient'] {
  const daysOf = new Map<string, Set<string>>();
  const dwell: number[] = [];
  let nights = 0;
  for (const d of days) {
    daysOf.set(d.deviceId, (daysOf.get(d.deviceId) ?? new Set()).add(d.day));
    dwell.push((d.lastMs - d.firstMs) / 3_600_000);
    if (d.night) nights++;
  }
  const distinct = daysOf.size;
  const oneDay = [...daysOf.values()].filter((s) => s.size === 1).length;
  const oneDayShare = distinct ? oneDay / distinct : 0;
  dwell.sort((a, b) => a - b);
  const median = dwell.length ? dwell[Math.floor(dwell.length / 2)]! : 0;
  // A place where laptops sleep is a home (or a farm), never a coworking space.
  const mostlyNights = nights * 2 >= days.length && days.length > 0;
  // Stays are known short only once the place has been watched for a day: a cluster just seen is not yet transient.
  const first = Math.min(...days.map((d) => d.firstMs));
  const last = Math.max(...days.map((d) => d.lastMs));
  const watchedADay = days.length > 0 && last - first >= 86_400_000;
  const transient = !mostlyNights && watchedADay && ((distinct >= policy.turnoverMinDevices && oneDayShare >= policy.turnoverOneDayShare) || median < policy.shortDwellHours);
  return { distinctDevices: distinct, oneDayShare: Math.round(oneDayShare * 100) / 100, medianDwellHours: Math.round(median * 10) / 10, transient };
}

/**
 * The grade of one cluster. `days`: presence at the cluster's places within lookbackDays, of every laptop seen there
 * (turnover needs the others too); `evidence`: per-member evidence rule ids (memberEvidenceOf).
 *
 * household (≤ householdMaxDevices): low; high with evidence on every member (or minEvidenceMembers).
 * otherwise: medium; low when transient and no member evidence; high with persistence or member evidence;
 * critical with both.
 */
export function gradeFleet(
  memberIds: readonly string[],
  days: readonly PresenceDay[],
  evidence: ReadonlyMap<string, readonly string[]>,
  policy: FleetGradePolicy = defaultFleetGradePolicy,
): FleetGrade {
  const members = new Set(memberIds);
  const household = members.size <= policy.householdMaxDevices;
  const quorum = Math.min(members.size, Math.max(2, Math.min(policy.householdMaxDevices + 1, members.size)));
  const co = coPresence(members, days, quorum);
  const persistent = co.days >= policy.persistDays && co.nights >= policy.overnightNights;
  const memberEvidence: Record<string, string[]> = {};
  for (const id of [...members].sort()) {
    const rules = evidence.get(id);
    if (rules?.length) memberEvidence[id] = [...rules];
  }
  const evidenced = Object.keys(memberEvidence).length >= Math.min(policy.minEvidenceMembers, members.size);
  const place = turnover(days, policy);
  const reasons: string[] = [];
  if (persistent) reasons.push(`co-present on ${co.days} days and ${co.nights} nights`);
  else reasons.push(`co-present on ${co.days} day(s) and ${co.nights} night(s): not persistent (needs ${policy.persistDays} days and ${policy.overnightNights} nights)`);
  if (evidenced) reasons.push(`member evidence on ${Object.keys(memberEvidence).length} of ${members.size}: ${[...new Set(Object.values(memberEvidence).flat())].join(', ')}`);
  if (household) reasons.push(`household: ${members.size} laptops`);
  if (place.transient) reasons.push(`transient place: ${place.distinctDevices} laptops, ${Math.round(place.oneDayShare * 100)} % seen one day only, median stay ${place.medianDwellHours} h`);
  let severity: Severity;
  if (household) severity = evidenced ? 'high' : 'low';
  else if (place.transient && !evidenced) severity = 'low';
  else if (persistent && evidenced) severity = 'critical';
  else if (persistent || evidenced) severity = 'high';
  else severity = 'medium';
  return { severity, reasons, persistence: { coPresentDays: co.days, overnightNights: co.nights, persistent }, memberEvidence, household, transient: place };
}

/** Before the server has graded a cluster: from the count alone, never above medium. */
export function baseSeverity(members: number, policy: Pick<FleetGradePolicy, 'householdMaxDevices'> = defaultFleetGradePolicy): Severity {
  return members <= policy.householdMaxDevices ? 'low' : 'medium';
}
