import { z } from 'zod';
import { oses } from './software-entry.js';

/** rules/catalogs/common-programs.json: names ordinary software uses, so a catalogued name that collides with one is weak. */

export const commonProgramSchema = z.strictObject({
  name: z.string().min(1).describe('Process, executable or app name as the OS shows it'),
  os: z.enum(oses),
  kind: z.enum(['program', 'generic']).describe('generic: a word many vendors give a program rather than one product'),
  source: z.string().min(3),
});

export const commonProgramsCatalogSchema = z.strictObject({
  about: z.string(),
  licence: z.string(),
  programs: z.array(commonProgramSchema).min(1),
});

