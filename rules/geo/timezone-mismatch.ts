import type { Finding } from '../types.js';
import type { CountryZones } from './data.js';
import type { SourceFacts } from './facts.js';
import { serverFinding, type ServerRuleMeta } from './finding.js';

export const timezoneMismatchRule: ServerRuleMeta = {
  id: 'geo.timezone-mismatch',
  runs: 'server',
  title: "The laptop's time zone is not one of its source country's zones",
  description: "identity.timezone (the laptop's IANA zone) is not among the IANA zones of the source address's country (tzdata zone.tab/zone1970.tab; link names resolved).",
  severity: 'medium',
  weight: 0.5,
  group: 'geo',
  attack: ['T1090'],
  falsePositives: ['A traveller who kept the home time zone', 'A laptop set to a neighbouring country with the same rules'],
};

/** The zone a name stands for: link (alias) names such as Asia/Calcutta or US/Eastern resolved through tzdata. */
export function canonicalZone(zone: string, table: CountryZones): string {
  let z = zone;
  // The zone is the laptop's to name: only the table's own links count, never an inherited "constructor".
  for (let i = 0; i < 4 && Object.hasOwn(table.links, z); i++) z = table.links[z] as string;
  return z;
}

/** Zones that name no country (UTC, Etc/GMT+3): nothing to compare, no finding. */
const placeless = (zone: string) => zone === 'UTC' || zone === 'GMT' || zone.startsWith('Etc/') || !zone.includes('/');

export function timezoneMismatch(source: SourceFacts, timezone: string, table: CountryZones): Finding | null {
  if (source.skipped || !source.country) return null;
  const country = Object.hasOwn(table.countries, source.country) ? table.countries[source.country] : undefined;
  if (!country) return null;
  const mine = canonicalZone(timezone, table);
  if (placeless(mine)) return null;
  const zones = new Set(country.zones.map((z) => canonicalZone(z, table)));
  if (zones.has(mine)) return null;
  const homes = Object.entries(table.countries)
    .filter(([, c]) => c.zones.some((z) => canonicalZone(z, table) === mine))
    .map(([cc]) => cc);
  return serverFinding(
    timezoneMismatchRule,
    homes.length ? 0.7 : 0.5,
    { timezone, country: source.country, countryZones: country.zones.slice(0, 20), timezoneCountries: homes, sourceIp: source.sourceIp },
    timezone,
  );
}
