import { z } from 'zod';

export const hostSchema = z.object({
  hostname: z.string(),
  os: z.object({
    name: z.string().describe('Distribution or product name, e.g. "Ubuntu", "macOS", "Windows 11 Pro"'),
    version: z.string().optional(),
    id: z.string().optional().describe('os-release ID or equivalent, e.g. "ubuntu"'),
  }),
  kernel: z.string().optional(),
  arch: z.string(),
  machineId: z.string().optional().describe('/etc/machine-id, IOPlatformUUID or MachineGuid'),
  serial: z.string().optional().describe('Hardware serial from SMBIOS, when readable'),
  vendor: z.string().optional().describe('SMBIOS system vendor'),
  model: z.string().optional().describe('SMBIOS product name'),
  chassis: z.enum(['laptop', 'desktop', 'server', 'vm', 'other']).optional(),
  virtualization: z.object({
    isVirtual: z.boolean().describe('From SMBIOS/DMI: true only when the machine itself is a VM, not when it hosts one'),
    vendor: z.string().optional(),
    evidence: z.string().optional().describe('The SMBIOS field and value that decided'),
  }),
  uptimeSeconds: z.number().nonnegative().optional(),
  power: z.object({
    onAc: z.boolean().nullable().describe('null when the OS does not tell'),
    batteryPercent: z.number().min(0).max(100).optional(),
  }),
  lid: z.enum(['open', 'closed']).nullable().describe('null when the OS does not tell'),
});
export type Host = z.infer<typeof hostSchema>;
