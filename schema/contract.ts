import type { z } from 'zod';
import { compileShape, defer, invalid, type Checker } from './shape/check.js';
import { shapes } from './shape/generated.js';
import type { zodSchemas } from './zod-schemas.js';

/**
 * A wire contract checked without loading zod: its generated shape (shape/generated.ts) accepts a value exactly when
 * its zod schema does, with the same output; a value the shape refuses or cannot decide goes to the zod schema,
 * imported then, which gives the verdict and the message. So the one-shot commands load zod only for bad input.
 */
export type ContractName = keyof typeof zodSchemas;
export type ContractOutput<N extends ContractName> = z.output<(typeof zodSchemas)[N]>;

export interface Contract<T> {
  readonly name: ContractName;
  /** The zod schema behind it, loaded on demand (for a value the shape refuses, and for JSON Schema). */
  zod(): Promise<z.ZodType<T>>;
}

/** What zod's safeParse answers, without zod's classes on the fast path. */
export type ContractResult<T> = { success: true; data: T } | { success: false; error: z.ZodError };

const checkers = new Map<ContractName, Checker>();

export function contract<N extends ContractName>(name: N): Contract<ContractOutput<N>> {
  return {
    name,
    zod: async () => (await import('./zod-schemas.js')).zodSchemas[name] as unknown as z.ZodType<ContractOutput<N>>,
  };
}

/** The generated check alone: the output, or undefined when zod must decide. */
export function quickCheck<T>(c: Contract<T>, value: unknown): { data: T } | undefined {
  let checker = checkers.get(c.name);
  if (!checker) {
    const shape = shapes[c.name];
    if (!shape) return undefined; // a contract without a generated shape (stale file): zod decides every value
    checker = compileShape(shape);
    checkers.set(c.name, checker);
  }
  const out = checker(value);
  return out === invalid || out === defer ? undefined : { data: out as T };
}

/** zod's safeParse of the contract: the generated check first, zod only for what it does not accept. */
export async function parseContract<T>(c: Contract<T>, value: unknown): Promise<ContractResult<T>> {
  const quick = quickCheck(c, value);
  if (quick) return { success: true, data: quick.data };
  return (await c.zod()).safeParse(value);
}
