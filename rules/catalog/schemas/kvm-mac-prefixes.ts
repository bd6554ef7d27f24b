import { z } from 'zod';
import { confidence, id, source } from './device-patterns.js';

/** rules/catalogs/kvm-mac-prefixes.json: MAC prefixes of IP-KVM makers. */

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
