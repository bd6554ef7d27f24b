import { z } from 'zod';
import { confidence, edidPatternSchema, id, source } from './device-patterns.js';

/** rules/catalogs/virtual-displays.json: virtual display adapters that remote-access and streaming tools install. */

export const virtualDisplayCatalogSchema = z.object({
  about: z.string(),
  entries: z.array(
    z.object({
      id,
      name: z.string(),
      tool: id.optional().describe('Remote-access catalog id, so allow.tools can sanction it'),
      confidence,
      adapterNames: z.array(z.string().min(1)),
      hardwareIds: z.array(z.string().min(1)),
      drivers: z.array(z.string().min(1)),
      edid: z.array(edidPatternSchema),
      notes: z.string().optional(),
      source,
    }).strict(),
  ),
});
export type VirtualDisplayCatalog = z.infer<typeof virtualDisplayCatalogSchema>;
export type VirtualDisplayEntry = VirtualDisplayCatalog['entries'][number];

