import { z } from 'zod';
import { confidence, id, source } from './device-patterns.js';

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

/** rules/catalogs/kvm-virtual-media.json: the inquiry strings of IP-KVMs' virtual media (USB mass storage they emulate). */
export const virtualMediaCatalogSchema = z.object({
  about: z.string(),
  entries: z.array(
    z
      .object({
        id,
        name: z.string(),
        kvm: id.describe('The ipkvm.json entry this virtual media belongs to'),
        inquiry: z.array(inquiryPatternSchema).min(1),
        source,
      })
      .strict(),
  ),
});
export type VirtualMediaCatalog = z.infer<typeof virtualMediaCatalogSchema>;
export type VirtualMediaEntry = VirtualMediaCatalog['entries'][number];
