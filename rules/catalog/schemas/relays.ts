import { z } from 'zod';

/** rules/catalogs/relays.json: privacy relays and consumer VPNs whose egress addresses many unrelated people share. */
export const relayCatalogSchema = z.object({
  about: z.string().optional(),
  entries: z.array(
    z.object({
      id: z.string().min(1),
      name: z.string().min(1),
      kind: z.enum(['privacy-relay', 'consumer-vpn']),
      asns: z.array(z.number().int().positive()),
      cidrs: z.array(z.string()),
      source: z.string().min(1),
    }),
  ),
});
export type RelayCatalog = z.infer<typeof relayCatalogSchema>;
