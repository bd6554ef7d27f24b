import { z } from 'zod';

export const softwareItemSchema = z.object({
  name: z.string().describe('Package, bundle, application or service name'),
  version: z.string().optional(),
  source: z.enum(['dpkg', 'rpm', 'snap', 'flatpak', 'opt', 'systemd', 'app-bundle', 'launchd', 'registry', 'service']),
  path: z.string().optional().describe('Install path, unit file or bundle path'),
  bundleId: z.string().optional().describe('macOS CFBundleIdentifier'),
  publisher: z.string().optional(),
  enabled: z.boolean().optional().describe('For services/units: enabled to start at boot'),
});
export type SoftwareItem = z.infer<typeof softwareItemSchema>;

export const softwareSchema = z.object({ items: z.array(softwareItemSchema) });
export type Software = z.infer<typeof softwareSchema>;
