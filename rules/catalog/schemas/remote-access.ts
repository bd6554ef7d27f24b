import { z } from 'zod';
import { entryBase, portSchema, uniqueIds } from './software-entry.js';

/** rules/catalogs/remote-access.json: remote-desktop, remote-support, RMM, RAT and tunnel tools, and the ports of remote control. */

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

