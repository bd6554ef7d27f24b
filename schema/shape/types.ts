/**
 * A zod schema's acceptance rules as plain data (describe.ts derives it from the schema; check.ts runs it without
 * zod). What it cannot state exactly is `defer`: the caller then asks the zod schema itself.
 */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export type Shape =
  | { t: 'string'; min?: number; max?: number; patterns?: { source: string; flags: string }[] }
  | { t: 'number'; int?: true; gte?: number; gt?: number; lte?: number; lt?: number }
  | { t: 'boolean' }
  | { t: 'values'; values: (string | number | boolean | null)[] }
  | { t: 'array'; items: Shape; min?: number; max?: number }
  /** extra: what happens to keys the shape does not name (zod: z.object strips them, strictObject refuses, looseObject keeps). */
  | { t: 'object'; props: Record<string, Shape>; extra: 'strip' | 'strict' | 'keep' }
  /** z.record(z.string(), values) */
  | { t: 'record'; values: Shape }
  | { t: 'optional'; inner: Shape }
  | { t: 'nullable'; inner: Shape }
  /** undefined becomes `value` as it is (zod's .default) */
  | { t: 'default'; inner: Shape; value: Json }
  /** undefined becomes `value` checked by `inner` (zod's .prefault) */
  | { t: 'prefault'; inner: Shape; value: Json }
  | { t: 'union'; options: Shape[] }
  | { t: 'unknown' }
  | { t: 'defer'; why: string };
