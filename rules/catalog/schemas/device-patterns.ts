import { z } from 'zod';

/** What the hardware catalogs (ipkvm, jigglers-hardware, virtual-displays, kvm-mac-prefixes) share: USB and EDID patterns, ids, sources. */

const hex4 = z.string().regex(/^[0-9a-f]{4}$/, 'four lower-case hex digits');
export const confidence = z.number().min(0).max(1);
const productCode = z
  .string()
  .regex(/^0x[0-9A-Fa-f]{4}$/, 'hex like "0x7770"')
  .transform((s) => Number.parseInt(s.slice(2), 16));

/** Matches a USB device when every field it names is equal (strings case-insensitive, trimmed). */
export const usbPatternSchema = z
  .object({
    vendorId: hex4.optional(),
    productId: hex4.optional(),
    manufacturer: z.string().min(1).optional(),
    product: z.string().min(1).optional(),
    serial: z.string().min(1).optional(),
    confidence,
    note: z.string().optional(),
    source: z.string().optional().describe('When this pattern comes from elsewhere than its entry'),
  })
  .strict()
  .refine((p) => [p.vendorId, p.manufacturer, p.product, p.serial].some((v) => v !== undefined), 'a pattern names at least one field')
  .refine((p) => p.productId === undefined || p.vendorId !== undefined, 'productId needs vendorId');
export type UsbPattern = z.infer<typeof usbPatternSchema>;

/** Matches an EDID when every field it names is equal. */
export const edidPatternSchema = z
  .object({
    manufacturerId: z.string().regex(/^[A-Z@]{3}$/).optional(),
    productCode: productCode.optional(),
    monitorName: z.string().min(1).optional(),
    serialText: z.string().min(1).optional(),
    confidence,
    note: z.string().optional(),
    source: z.string().optional(),
  })
  .strict()
  .refine((p) => [p.monitorName, p.serialText, p.productCode].some((v) => v !== undefined), 'a pattern names a product code, name or serial')
  .refine((p) => p.productCode === undefined || p.manufacturerId !== undefined, 'productCode needs manufacturerId');
export type EdidPattern = z.infer<typeof edidPatternSchema>;

export const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case slug');
export const source = z.string().min(3).describe('Where the facts come from: repository@commit:path or page');
/** Lower-case words matched inside USB manufacturer/product strings (distinctive names only, never "kvm"). */
export const keywords = z.array(z.string().regex(/^[a-z0-9][a-z0-9 .-]{3,}$/)).default([]);

