import { z } from 'zod';

const hex4 = z.string().regex(/^[0-9a-f]{4}$/);

/** rules/catalogs/virtual-input-devices.json: input devices remote tools create, and the legitimate ones left out. */
export const virtualInputCatalogSchema = z.object({
  about: z.string(),
  entries: z
    .array(
      z.object({
        id: z.string().min(1),
        tool: z.string().min(1),
        name: z.string().min(1),
        platforms: z.array(z.enum(['linux', 'darwin', 'win32'])).min(1),
        match: z.object({ name: z.string().min(1), vendorId: hex4.optional(), productId: hex4.optional() }),
        confidence: z.number().min(0).max(1),
        source: z.string().min(1),
      }),
    )
    .min(1),
  cleanTools: z.array(z.object({ name: z.string(), tool: z.string(), why: z.string() })),
});
export type VirtualInputCatalog = z.infer<typeof virtualInputCatalogSchema>;
