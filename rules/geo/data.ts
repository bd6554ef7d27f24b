import { z } from 'zod';
import { loadCatalogFile } from '../catalog/load.js';

const countryZonesSchema = z.object({
  source: z.string(),
  tzdataVersion: z.string(),
  countries: z.record(z.string().regex(/^[A-Z]{2}$/), z.object({ zones: z.array(z.string()).min(1), points: z.array(z.tuple([z.number(), z.number()])).min(1) })),
  links: z.record(z.string(), z.string()),
});
export type CountryZones = z.infer<typeof countryZonesSchema>;

const hostingSchema = z.object({
  entries: z.array(z.object({ asn: z.number().int().positive(), name: z.string(), kind: z.enum(['cloud', 'hosting', 'vpn-hosting', 'vpn']), source: z.string().min(1) })),
});
export type HostingEntry = z.infer<typeof hostingSchema>['entries'][number];

let zones: CountryZones | undefined;
let hosting: Map<number, HostingEntry> | undefined;

/** rules/catalogs/geo-country-zones.json, read once (from tzdata; see scripts/catalogs/gen-country-zones.mjs). */
export function countryZones(): CountryZones {
  zones ??= loadCatalogFile('geo-country-zones.json', countryZonesSchema);
  return zones;
}

/** rules/catalogs/hosting-asns.json as ASN → entry, read once. */
export function hostingAsns(): Map<number, HostingEntry> {
  hosting ??= new Map(loadCatalogFile('hosting-asns.json', hostingSchema).entries.map((e) => [e.asn, e]));
  return hosting;
}
