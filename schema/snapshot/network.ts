import { z } from 'zod';

export const socketSchema = z.object({
  protocol: z.enum(['tcp', 'udp']),
  family: z.union([z.literal(4), z.literal(6)]),
  localAddress: z.string(),
  localPort: z.number().int().min(0).max(65535),
  remoteAddress: z.string(),
  remotePort: z.number().int().min(0).max(65535),
  state: z.string().describe('TCP state (LISTEN, ESTABLISHED, ...); UDP: UNCONN or ESTABLISHED (connected)'),
  pid: z.number().int().optional(),
  process: z.string().optional().describe('Owning process name'),
  uid: z.number().int().optional(),
  rttMs: z.number().nonnegative().optional().describe('Kernel smoothed RTT of a TCP socket'),
});
export type Socket = z.infer<typeof socketSchema>;

export const interfaceSchema = z.object({
  name: z.string(),
  kind: z.enum(['wifi', 'ethernet', 'tunnel', 'usb-net', 'loopback', 'bridge', 'virtual', 'cellular', 'other']),
  mac: z.string().optional(),
  up: z.boolean(),
  addresses: z.array(z.object({ address: z.string(), family: z.union([z.literal(4), z.literal(6)]), cidr: z.string().optional() })),
  driver: z.string().optional(),
  usb: z.object({ vendorId: z.string(), productId: z.string() }).optional().describe('For usb-net: the USB device behind it'),
});
export type NetInterface = z.infer<typeof interfaceSchema>;

export const neighborSchema = z.object({
  ip: z.string(),
  mac: z.string(),
  interface: z.string().optional(),
  state: z.string().optional(),
});
export type Neighbor = z.infer<typeof neighborSchema>;

export const identitySchema = z.object({
  gateway: z.object({ ip: z.string(), mac: z.string().optional(), interface: z.string().optional() }).nullable(),
  neighbors: z.array(neighborSchema).describe('Read passively from the OS table; never scanned'),
  wifi: z
    .object({
      interface: z.string().optional(),
      ssid: z.string().nullable(),
      bssid: z.string().nullable(),
      unavailableReason: z.string().optional().describe('Why SSID/BSSID are null (no tool, OS withholds without location permission, ...)'),
    })
    .nullable()
    .describe('null when no Wi-Fi interface is associated'),
  dnsServers: z.array(z.string()),
});
export type NetIdentity = z.infer<typeof identitySchema>;

export const probeSchema = z.object({
  host: z.string(),
  port: z.number().int(),
  rttMs: z.number().nonnegative().nullable(),
  error: z.string().optional(),
});
export type Probe = z.infer<typeof probeSchema>;

export const networkSchema = z.object({
  connections: z.array(socketSchema),
  interfaces: z.array(interfaceSchema),
  identity: identitySchema,
  probes: z.array(probeSchema),
});
export type Network = z.infer<typeof networkSchema>;
