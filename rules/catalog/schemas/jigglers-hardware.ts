import { z } from 'zod';
import { id, keywords, source, usbPatternSchema } from './device-patterns.js';

/** rules/catalogs/jigglers-hardware.json: USB mouse jigglers. */

export const hardwareJigglerCatalogSchema = z.object({
  about: z.string(),
  entries: z.array(
    z.object({
      id,
      name: z.string(),
      strength: z.enum(['weak', 'medium']),
      keywords,
      usb: z.array(usbPatternSchema),
      source,
    }).strict(),
  ),
});
export type HardwareJigglerCatalog = z.infer<typeof hardwareJigglerCatalogSchema>;

