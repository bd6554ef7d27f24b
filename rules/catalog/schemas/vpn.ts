import { z } from 'zod';
import { entryBase, uniqueIds } from './software-entry.js';

/** rules/catalogs/vpn.json: VPN clients and their tunnel interfaces. */

const interfaceNameSchema = z.strictObject({
  name: z.string().min(1),
  strength: z.enum(['strong', 'weak']),
  source: z.string().optional(),
  uncertain: z.boolean().optional(),
});

export const vpnSchema = z.strictObject({
  ...entryBase,
  kind: z.enum(['consumer', 'mesh']).describe('consumer: hides where the user is; mesh: overlay networks companies run themselves'),
  interfaces: z.array(interfaceNameSchema),
});
export type VpnClient = z.infer<typeof vpnSchema>;

export const vpnCatalogSchema = z
  .strictObject({ about: z.string(), vpns: z.array(vpnSchema).min(1) })
  .superRefine((c, ctx) => uniqueIds(c.vpns, ctx, 'vpns'));

