import { z } from 'zod';

/** rules/catalogs/hosting-asns.json: ASNs of hosting, cloud and VPN providers. */
export const hostingAsnsCatalogSchema = z.object({
  entries: z.array(z.object({ asn: z.number().int().positive(), name: z.string(), kind: z.enum(['cloud', 'hosting', 'vpn-hosting', 'vpn']), source: z.string().min(1) })),
});
export type HostingEntry = z.infer<typeof hostingAsnsCatalogSchema>['entries'][number];
