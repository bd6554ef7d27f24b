import { z } from 'zod';

/** rules/catalogs/geo-country-zones.json: each country's IANA zones and principal cities, and tzdata's links (generated from tzdata). */
export const countryZonesCatalogSchema = z.object({
  source: z.string(),
  tzdataVersion: z.string(),
  countries: z.record(z.string().regex(/^[A-Z]{2}$/), z.object({ zones: z.array(z.string()).min(1), points: z.array(z.tuple([z.number(), z.number()])).min(1) })),
  links: z.record(z.string(), z.string()),
});
export type CountryZones = z.infer<typeof countryZonesCatalogSchema>;

