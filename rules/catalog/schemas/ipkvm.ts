import { z } from 'zod';
import { edidPatternSchema, id, keywords, source, usbPatternSchema } from './device-patterns.js';

/** rules/catalogs/ipkvm.json: IP-KVMs, capture bridges and USB gadgets by their USB and EDID facts. */

export const ipkvmCatalogSchema = z.object({
  about: z.string(),
  entries: z.array(
    z.object({
      id,
      name: z.string(),
      kind: z.enum(['ipkvm', 'capture', 'gadget']),
      keywords,
      usb: z.array(usbPatternSchema),
      edid: z.array(edidPatternSchema),
      notes: z.string().optional(),
      source,
    }).strict(),
  ),
});
export type IpkvmCatalog = z.infer<typeof ipkvmCatalogSchema>;
export type IpkvmEntry = IpkvmCatalog['entries'][number];

