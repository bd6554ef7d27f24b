import type { CountryZones } from '../geo/data.js';
import { globMatcher } from '../context/glob.js';

/**
 * In-country RTT bounds for network.session-rtt when latency.maxSessionRttMs is not set.
 *
 * Reasoning: light in fibre travels about 200 km per ms, so a round trip covers at most ~100 km of distance per ms
 * of RTT (CBG, Gueye et al., IMC 2004). Real routes are longer than the great circle (path stretch ~1.5 is typical
 * between well-connected cities), and the first hops add delay (Wi-Fi, DSL/cable, queuing): we allow 25 ms for that.
 * So a peer inside a country should show RTT ≤ maxDistanceKm / 100 × 1.5 + 25. Distances are the longest
 * great-circle span of the country's main territory, rounded up (Alaska, Hawaii and overseas territories excluded).
 * Above the bound, the peer — or its VPN exit — is very likely outside the country. Generous on purpose: a false
 * alarm costs an analyst; a miss is covered by the other rules.
 */
const maxDistanceKm: Readonly<Record<string, number>> = {
  US: 4700, CA: 5000, MX: 3300, BR: 4400, AR: 3700, CL: 4300, CO: 1900, GB: 1200, IE: 500, FR: 1100, DE: 900, NL: 350,
  BE: 300, LU: 100, CH: 400, AT: 600, IT: 1300, ES: 1100, PT: 600, PL: 800, CZ: 500, SE: 1600, NO: 1800, DK: 450, FI: 1200,
  EE: 400, LT: 450, LV: 450, RO: 800, HU: 550, GR: 1000, UA: 1400, TR: 1700, IL: 450, AE: 600, SA: 2300, IN: 3200,
  SG: 60, MY: 2000, PH: 1900, VN: 1700, TH: 1700, ID: 5200, JP: 2500, KR: 600, TW: 400, HK: 60, CN: 4500, AU: 4000,
  NZ: 1600, ZA: 1600, NG: 1200, KE: 1100, EG: 1200,
};
const KM_PER_MS = 100;
const PATH_STRETCH = 1.5;
const ACCESS_MS = 25;

export function countryRttBoundMs(country: string): number | undefined {
  const km = maxDistanceKm[country.toUpperCase()];
  return km === undefined ? undefined : Math.ceil((km / KM_PER_MS) * PATH_STRETCH + ACCESS_MS);
}

/** The largest bound among the expected countries we know; undefined when none is known. */
export function sessionRttBound(countries: readonly string[]): { ms: number; countries: string[] } | undefined {
  const known = countries.map((c) => [c.toUpperCase(), countryRttBoundMs(c)] as const).filter((x): x is readonly [string, number] => x[1] !== undefined);
  if (known.length === 0) return undefined;
  return { ms: Math.max(...known.map(([, ms]) => ms)), countries: known.map(([c]) => c) };
}

/**
 * The countries an expected-time-zone list points at: those with a zone the globs match ("America/New_York" → US,
 * "Europe/*" → every European country). A link name ("US/Eastern") counts as the zone it points at. A zone several
 * countries share (zone1970.tab) names them all: the bound is then the largest, generous like the rest.
 */
export function countriesOfZones(patterns: readonly string[], data: CountryZones): string[] {
  if (patterns.length === 0) return [];
  const matches = globMatcher(patterns.map((p) => (Object.hasOwn(data.links, p) ? data.links[p]! : p)));
  return Object.entries(data.countries).filter(([, c]) => c.zones.some(matches)).map(([code]) => code).sort();
}
