import { loadCatalog } from '../catalog/files.js';
import type { CountryZones } from '../catalog/schemas/geo-country-zones.js';
import type { HostingEntry } from '../catalog/schemas/hosting-asns.js';

export type { CountryZones } from '../catalog/schemas/geo-country-zones.js';
export type { HostingEntry } from '../catalog/schemas/hosting-asns.js';

let zones: CountryZones | undefined;
let hosting: Map<number, HostingEntry> | undefined;

/** rules/catalogs/geo-country-zones.json, read once (from tzdata; see scripts/catalogs/gen-country-zones.mjs). */
export function countryZones(): CountryZones {
  zones ??= loadCatalog('countryZones');
  return zones;
}

/** rules/catalogs/hosting-asns.json as ASN → entry, read once. */
export function hostingAsns(): Map<number, HostingEntry> {
  hosting ??= new Map(loadCatalog('hostingAsns').entries.map((e) => [e.asn, e]));
  return hosting;
}
