import { z } from 'zod';

/** Zod schemas of the catalog files under rules/catalogs/ (data with a source for every entry; see docs/catalogs.md). */

const oses = ['win32', 'darwin', 'linux', 'any'] as const;

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

const pathSchema = z.strictObject({ path: z.string().min(2), os: z.enum(oses), uncertain: z.boolean().optional() });
const portSchema = z.strictObject({
  port: z.number().int().min(1).max(65535),
  protocol: z.enum(['tcp', 'udp']).optional(),
  note: z.string().optional(),
});

const entryBase = {
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a lower-case slug'),
  name: z.string().min(1),
  vendor: z.string().min(1),
  names: z.array(catalogNameSchema),
  bundleIds: z.array(z.string().min(3)),
  paths: z.array(pathSchema),
  source: z.string().min(3),
};

export const toolCategories = [
  'remote-desktop', 'remote-support', 'rmm', 'rat', 'tunnel', 'input-sharing', 'mesh-vpn', 'client', 'file-transfer', 'admin-tool',
] as const;
export type ToolCategory = (typeof toolCategories)[number];

export const remoteToolSchema = z.strictObject({
  ...entryBase,
  category: z.enum(toolCategories),
  ports: z.array(portSchema),
  domains: z.array(z.string()),
});
export type RemoteTool = z.infer<typeof remoteToolSchema>;

export const portRangeSchema = z.strictObject({
  from: z.number().int().min(1).max(65535),
  to: z.number().int().min(1).max(65535),
  protocol: z.enum(['tcp', 'udp']),
  service: z.string(),
  tool: z.string().optional(),
  source: z.string().min(3),
});
export type PortRange = z.infer<typeof portRangeSchema>;

function uniqueIds<T extends { id: string }>(list: readonly T[], ctx: z.RefinementCtx, key: string): void {
  const seen = new Set<string>();
  list.forEach((e, i) => {
    if (seen.has(e.id)) ctx.addIssue({ code: 'custom', path: [key, i, 'id'], message: `duplicate id "${e.id}"` });
    seen.add(e.id);
  });
}

export const remoteAccessCatalogSchema = z
  .strictObject({
    about: z.string(),
    licence: z.string(),
    commonPorts: z.array(z.number().int()).describe('Ports ordinary software shares: evidence only with a catalogued owner'),
    remoteControlPorts: z.array(portRangeSchema).describe('Ports used only for remote control'),
    tools: z.array(remoteToolSchema).min(1),
  })
  .superRefine((c, ctx) => uniqueIds(c.tools, ctx, 'tools'));
export type RemoteAccessCatalog = z.infer<typeof remoteAccessCatalogSchema>;

export const commonProgramSchema = z.strictObject({
  name: z.string().min(1).describe('Process, executable or app name as the OS shows it'),
  os: z.enum(oses),
  kind: z.enum(['program', 'generic']).describe('generic: a word many vendors give a program rather than one product'),
  source: z.string().min(3),
});

export const commonProgramsCatalogSchema = z.strictObject({
  about: z.string(),
  licence: z.string(),
  programs: z.array(commonProgramSchema).min(1),
});

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

export const jigglerSchema = z.strictObject({
  ...entryBase,
  kind: z.enum(['jiggler', 'keep-awake']),
});
export type SoftwareJiggler = z.infer<typeof jigglerSchema>;

export const jigglerCatalogSchema = z
  .strictObject({ about: z.string(), tools: z.array(jigglerSchema).min(1) })
  .superRefine((c, ctx) => uniqueIds(c.tools, ctx, 'tools'));
