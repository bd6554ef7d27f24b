import type { Finding } from '../types.js';
import type { SourceFacts } from './facts.js';
import { serverFinding, type ServerRuleMeta } from './finding.js';

export const countryMismatchRule: ServerRuleMeta = {
  id: 'geo.country-mismatch',
  runs: 'server',
  title: 'Reports come from outside the expected countries',
  description: "The source address's country (server-side IP geolocation) is not one of the device's expected countries.",
  severity: 'high',
  weight: 0.6,
  group: 'geo',
  attack: ['T1090', 'T1133'],
  falsePositives: ['An employee travelling abroad', 'A company VPN/SASE egress not listed in egressNetworks', 'A wrong database entry'],
};

/** Null when the rule has nothing to say: no expected countries configured, no country known, or a skipped source. */
export function countryMismatch(source: SourceFacts, expectedCountries: readonly string[]): Finding | null {
  if (source.skipped || !source.country || !expectedCountries.length) return null;
  const expected = expectedCountries.map((c) => c.toUpperCase());
  if (expected.includes(source.country)) return null;
  return serverFinding(countryMismatchRule, 0.8, { country: source.country, expected, sourceIp: source.sourceIp, asn: source.asn ?? null }, source.country);
}
