import { z } from 'zod';

/** The shape of the hardware catalogs under rules/catalogs/ (ipkvm, jigglers-hardware, virtual-displays, kvm-mac-prefixes). */

const hex4 = z.string().regex(/^[0-9a-f]{4}$/, 'four lower-case hex digits');
const confidence = z.number().min(0).max(1);
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

const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case slug');
const source = z.string().min(3).describe('Where the facts come from: repository@commit:path or page');
/** Lower-case words matched inside USB manufacturer/product strings (distinctive names only, never "kvm"). */
const keywords = z.array(z.string().regex(/^[a-z0-9][a-z0-9 .-]{3,}$/)).default([]);

export const ipkvmCatalogSchema = z.object({
  about: z.string(),
  entries: z.array(
    z.object({
      id,
      name: z.string(),
      kind: z.enum(['ipkvm', 'capture', 'gadget']),
      keywords,
      usb: z.array(usbPatternSchema),
      edid: z.array(edidPatternSchema),
      notes: z.string().optional(),
      source,
    }).strict(),
  ),
});
export type IpkvmCatalog = z.infer<typeof ipkvmCatalogSchema>;
export type IpkvmEntry = IpkvmCatalog['entries'][number];

/** Matches a USB disk's SCSI inquiry strings when every field it names is equal (case-insensitive, spaces and "_" alike). */
export const inquiryPatternSchema = z
  .object({
    vendor: z.string().min(1).max(8).optional(),
    model: z.string().min(1).max(16).optional(),
    confidence,
    note: z.string().optional(),
    source: z.string().optional(),
  })
  .strict()
  .refine((p) => p.vendor !== undefined || p.model !== undefined, 'a pattern names a vendor or a model');
export type InquiryPattern = z.infer<typeof inquiryPatternSchema>;

/** kvm-virtual-media.json: the inquiry strings of IP-KVMs' virtual media (USB mass storage they emulate). */
export const virtualMediaCatalogSchema = z.object({
  about: z.string(),
  entries: z.array(
    z.object({
      id,
      name: z.string(),
      kvm: id.describe('The ipkvm.json entry this virtual media belongs to'),
      inquiry: z.array(inquiryPatternSchema).min(1),
      source,
    }).strict(),
  ),
});
export type VirtualMediaCatalog = z.infer<typeof virtualMediaCatalogSchema>;
export type VirtualMediaEntry = VirtualMediaCatalog['entries'][number];

export const jigglerCatalogSchema = z.object({
  about: z.string(),
  entries: z.array(
    z.object({
      id,
      name: z.string(),
      strength: z.enum(['weak', 'medium']),
      keywords,
      usb: z.array(usbPatternSchema),
      source,
    }).strict(),
  ),
});
export type JigglerCatalog = z.infer<typeof jigglerCatalogSchema>;

export const virtualDisplayCatalogSchema = z.object({
  about: z.string(),
  entries: z.array(
    z.object({
      id,
      name: z.string(),
      tool: id.optional().describe('Remote-access catalog id, so allow.tools can sanction it'),
      confidence,
      adapterNames: z.array(z.string().min(1)),
      hardwareIds: z.array(z.string().min(1)),
      drivers: z.array(z.string().min(1)),
      edid: z.array(edidPatternSchema),
      notes: z.string().optional(),
      source,
    }).strict(),
  ),
});
export type VirtualDisplayCatalog = z.infer<typeof virtualDisplayCatalogSchema>;
export type VirtualDisplayEntry = VirtualDisplayCatalog['entries'][number];

export const macPrefixCatalogSchema = z.object({
  about: z.string(),
  entries: z.array(
    z.object({
      prefix: z.string().regex(/^[0-9a-f]{2}(:[0-9a-f]{1,2}){2,4}$/, 'lower-case, colon-separated, at least 3 octets'),
      id,
      maker: z.string(),
      where: z.enum(['neighbor', 'interface']),
      confidence,
      note: z.string().optional(),
      source,
    }).strict(),
  ),
});
export type MacPrefixCatalog = z.infer<typeof macPrefixCatalogSchema>;
export type MacPrefixEntry = MacPrefixCatalog['entries'][number];
