import type { Finding } from '../types.js';
import type { CountryZones } from './data.js';
import type { SourceFacts } from './facts.js';
import { serverFinding, type ServerRuleMeta } from './finding.js';

export const impossibleTravelRule: ServerRuleMeta = {
  id: 'geo.impossible-travel',
  runs: 'server',
  title: 'Two reports from countries too far apart for the time between them',
  description:
    'Country-level: the shortest distance between the principal cities (tzdata) of the previous and the current source country exceeds maxSpeedKmh × hours + slackKm.',
  severity: 'high',
  weight: 0.6,
  group: 'geo',
  attack: ['T1090', 'T1133'],
  falsePositives: ['A VPN switched on and off by a real traveller', 'Mobile roaming across a border (covered by slackKm for neighbours)'],
};

export interface TravelPolicy {
  maxSpeedKmh: number;
  /** Allowance for the size of countries: their principal cities are not where the border is. */
  slackKm: number;
}

export interface PreviousSource {
  country: string;
  atMs: number;
}

const rad = (d: number) => (d * Math.PI) / 180;
/** Great-circle distance on a 6,371 km sphere. */
export function haversineKm(a: readonly [number, number], b: readonly [number, number]): number {
  const dLat = rad(b[0] - a[0]);
  const dLon = rad(b[1] - a[1]);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a[0])) * Math.cos(rad(b[0])) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The least distance between any principal city of one country and any of the other (a lower bound, so fair). */
export function countryDistanceKm(from: string, to: string, table: CountryZones): number | null {
  const a = Object.hasOwn(table.countries, from) ? table.countries[from] : undefined;
  const b = Object.hasOwn(table.countries, to) ? table.countries[to] : undefined;
  if (!a || !b) return null;
  let best = Infinity;
  for (const p of a.points) for (const q of b.points) best = Math.min(best, haversineKm(p, q));
  return Math.round(best);
}

export function impossibleTravel(previous: PreviousSource | null, source: SourceFacts, atMs: number, policy: TravelPolicy, table: CountryZones): Finding | null {
  if (!previous || source.skipped || !source.country || source.country === previous.country) return null;
  const km = countryDistanceKm(previous.country, source.country, table);
  if (km === null) return null;
  const hours = Math.max(0, atMs - previous.atMs) / 3_600_000;
  const reachableKm = policy.maxSpeedKmh * hours + policy.slackKm;
  if (km <= reachableKm) return null;
  return serverFinding(
    impossibleTravelRule,
    0.7,
    {
      from: previous.country,
      to: source.country,
      distanceKm: km,
      minutes: Math.round(hours * 60),
      reachableKm: Math.round(reachableKm),
      maxSpeedKmh: policy.maxSpeedKmh,
      precision: 'country',
      sourceIp: source.sourceIp,
    },
    `${previous.country}->${source.country}`,
  );
}
