import { z } from 'zod';
import { entryBase, uniqueIds } from './software-entry.js';

/** rules/catalogs/software-jigglers.json: mouse jigglers and keep-awake tools. */

export const softwareJigglerSchema = z.strictObject({
  ...entryBase,
  kind: z.enum(['jiggler', 'keep-awake']),
});
export type SoftwareJiggler = z.infer<typeof softwareJigglerSchema>;

export const softwareJigglerCatalogSchema = z
  .strictObject({ about: z.string(), tools: z.array(softwareJigglerSchema).min(1) })
  .superRefine((c, ctx) => uniqueIds(c.tools, ctx, 'tools'));
