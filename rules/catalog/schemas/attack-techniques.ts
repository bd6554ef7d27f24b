import { z } from 'zod';

/** rules/catalogs/attack-techniques.json: the MITRE ATT&CK techniques and tactics rules name, with MITRE's names. */

const tacticId = z.string().regex(/^TA\d{4}$/);
const techniqueId = z.string().regex(/^T\d{4}(\.\d{3})?$/);
export const attackTechniquesCatalogSchema = z.strictObject({
  about: z.string(),
  attackVersion: z.string().min(1),
  tactics: z.record(tacticId, z.string().min(1)),
  techniques: z.array(z.strictObject({ id: techniqueId, name: z.string().min(1), tactics: z.array(tacticId).min(1), source: z.string().min(1) })).min(1),
});

