import { z } from 'zod';

/** What the software catalogs (remote-access, vpn, software-jigglers, common-programs) share: OSes, names, paths, ports. */

export const oses = ['win32', 'darwin', 'linux', 'any'] as const;

export const catalogNameSchema = z.strictObject({
  name: z.string().min(1).describe('Executable, service/unit, package or .app name as the vendor ships it; "*" is a wildcard'),
  kind: z.enum(['process', 'service', 'package', 'app']),
  os: z.enum(oses),
  strength: z
    .enum(['strong', 'weak'])
    .optional()
    .describe('Ignored (older catalog files): strength is computed when the catalog is compiled, from collisions with common-programs.json and other vendors\' names'),
  source: z.string().min(1).optional().describe('Where this name comes from when it is not the entry source'),
  uncertain: z.boolean().optional(),
});
export type CatalogName = z.infer<typeof catalogNameSchema>;

export const pathSchema = z.strictObject({ path: z.string().min(2), os: z.enum(oses), uncertain: z.boolean().optional() });
export const portSchema = z.strictObject({
  port: z.number().int().min(1).max(65535),
  protocol: z.enum(['tcp', 'udp']).optional(),
  note: z.string().optional(),
});

export const entryBase = {
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a lower-case slug'),
  name: z.string().min(1),
  vendor: z.string().min(1),
  names: z.array(catalogNameSchema),
  bundleIds: z.array(z.string().min(3)),
  paths: z.array(pathSchema),
  source: z.string().min(3),
};

/** Ids are unique within one catalog list: rules and allow.tools name entries by id. */
export function uniqueIds<T extends { id: string }>(list: readonly T[], ctx: z.RefinementCtx, key: string): void {
  const seen = new Set<string>();
  list.forEach((e, i) => {
    if (seen.has(e.id)) ctx.addIssue({ code: 'custom', path: [key, i, 'id'], message: `duplicate id "${e.id}"` });
    seen.add(e.id);
  });
}

