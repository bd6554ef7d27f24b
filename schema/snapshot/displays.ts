import { z } from 'zod';

export const edidSchema = z.object({
  manufacturerId: z.string().regex(/^[A-Z@]{3}$/).describe('PNP id, e.g. "DEL"'),
  productCode: z.number().int().min(0).max(0xffff),
  serialNumber: z.number().int().nonnegative().optional().describe('Numeric serial from the header (0 omitted)'),
  serialText: z.string().optional().describe('Serial from the 0xFF descriptor'),
  monitorName: z.string().optional().describe('From the 0xFC descriptor'),
  year: z.number().int().optional().describe('Manufacture (or model) year'),
  week: z.number().int().optional(),
  version: z.string().optional(),
  text: z.string().optional().describe('From the 0xFE (unspecified text) descriptor'),
  checksumValid: z.boolean().optional().describe('Base block sums to 0 mod 256; false for edited or corrupted EDIDs'),
  hex: z.string().optional().describe('Raw EDID bytes, hex'),
});
export type Edid = z.infer<typeof edidSchema>;

export const connectorSchema = z.object({
  name: z.string().describe('e.g. "card0-HDMI-A-1"'),
  builtin: z.boolean().describe('eDP/LVDS/DSI panel, or the Mac built-in display'),
  connected: z.boolean(),
  enabled: z.boolean().optional(),
  edid: edidSchema.optional(),
  edidError: z.string().optional().describe('Why EDID bytes present could not be parsed'),
  resolution: z.object({ width: z.number().int(), height: z.number().int() }).optional(),
});
export type Connector = z.infer<typeof connectorSchema>;

export const adapterSchema = z.object({
  name: z.string(),
  driver: z.string().optional(),
  vendorId: z.string().optional(),
  deviceId: z.string().optional(),
  hardwareId: z.string().optional().describe('Windows PnP hardware id, e.g. "Root\\\\MttVDD"'),
});
export type DisplayAdapter = z.infer<typeof adapterSchema>;

export const displaysSchema = z.object({
  connectors: z.array(connectorSchema),
  adapters: z.array(adapterSchema),
});
export type Displays = z.infer<typeof displaysSchema>;
