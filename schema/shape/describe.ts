import type { z } from 'zod';
import type { Json, Shape } from './types.js';

/**
 * A zod schema's acceptance rules as a Shape (types.ts), for check.ts to run without zod. Every zod feature it does not
 * state exactly becomes `defer`, so the check hands such a value to zod rather than judge it: refinements,
 * transforms, string formats (url, email, …), multipleOf, catch-alls other than never/unknown, tuples, lazies, ….
 * Build and test time only (scripts/schema/gen-shapes.ts); the product reads the generated shapes.
 */
interface Def {
  type: string;
  [key: string]: unknown;
}
interface CheckDef {
  check: string;
  [key: string]: unknown;
}

const defOf = (s: z.core.$ZodType): Def => s._zod.def as unknown as Def;
const checksOf = (d: Def): CheckDef[] => ((d.checks as z.core.$ZodCheck[] | undefined) ?? []).map((c) => c._zod.def as unknown as CheckDef);
const deferred = (why: string): Shape => ({ t: 'defer', why });

function lengths(checks: CheckDef[], into: { min?: number; max?: number }): string | undefined {
  for (const c of checks) {
    if (c.check === 'min_length') into.min = Math.max(into.min ?? 0, c.minimum as number);
    else if (c.check === 'max_length') into.max = Math.min(into.max ?? Infinity, c.maximum as number);
    else if (c.check === 'length_equals') {
      into.min = Math.max(into.min ?? 0, c.length as number);
      into.max = Math.min(into.max ?? Infinity, c.length as number);
    } else return c.check;
  }
  return undefined;
}

function jsonValue(value: unknown, what: string): Json {
  const text = JSON.stringify(value);
  if (text === undefined || JSON.stringify(JSON.parse(text)) !== text) throw new Error(`${what}: not JSON data`);
  return JSON.parse(text) as Json;
}

export function describeSchema(schema: z.core.$ZodType): Shape {
  const d = defOf(schema);
  switch (d.type) {
    case 'string': {
      if (d.format !== undefined) return deferred(`string format ${String(d.format)}`);
      const shape: Extract<Shape, { t: 'string' }> = { t: 'string' };
      const patterns: { source: string; flags: string }[] = [];
      const rest: CheckDef[] = [];
      for (const c of checksOf(d)) {
        if (c.check === 'string_format' && c.format === 'regex' && c.pattern instanceof RegExp) patterns.push({ source: c.pattern.source, flags: c.pattern.flags });
        else rest.push(c);
      }
      const other = lengths(rest, shape);
      if (other) return deferred(`string check ${other}`);
      if (patterns.length) shape.patterns = patterns;
      return shape;
    }
    case 'number': {
      const shape: Extract<Shape, { t: 'number' }> = { t: 'number' };
      const formats = [d.format, ...checksOf(d).filter((c) => c.check === 'number_format').map((c) => c.format)].filter((f) => f !== undefined);
      for (const f of formats) {
        if (f !== 'safeint') return deferred(`number format ${String(f)}`);
        shape.int = true;
      }
      for (const c of checksOf(d)) {
        if (c.check === 'number_format') continue;
        const value = c.value as number;
        if (c.check === 'greater_than') {
          if (c.inclusive) shape.gte = Math.max(shape.gte ?? -Infinity, value);
          else shape.gt = Math.max(shape.gt ?? -Infinity, value);
        } else if (c.check === 'less_than') {
          if (c.inclusive) shape.lte = Math.min(shape.lte ?? Infinity, value);
          else shape.lt = Math.min(shape.lt ?? Infinity, value);
        } else return deferred(`number check ${c.check}`);
      }
      return shape;
    }
    case 'boolean':
      return checksOf(d).length ? deferred('boolean check') : { t: 'boolean' };
    case 'null':
      return { t: 'values', values: [null] };
    case 'literal':
    case 'enum': {
      const values = d.type === 'literal' ? (d.values as unknown[]) : Object.values(d.entries as Record<string, unknown>);
      if (!values.every((v) => v === null || ['string', 'boolean'].includes(typeof v) || (typeof v === 'number' && Number.isFinite(v)))) {
        return deferred(`${d.type} of other values`);
      }
      return { t: 'values', values: values as (string | number | boolean | null)[] };
    }
    case 'unknown':
    case 'any':
      return { t: 'unknown' };
    case 'optional':
      return { t: 'optional', inner: describeSchema(d.innerType as z.core.$ZodType) };
    case 'nullable':
      return { t: 'nullable', inner: describeSchema(d.innerType as z.core.$ZodType) };
    case 'default':
    case 'prefault':
      return { t: d.type, inner: describeSchema(d.innerType as z.core.$ZodType), value: jsonValue(d.defaultValue, `${d.type} value`) };
    case 'union':
      if (d.inclusive === false || d.discriminator !== undefined) return deferred('exclusive or discriminated union');
      return { t: 'union', options: (d.options as z.core.$ZodType[]).map(describeSchema) };
    case 'array': {
      const shape: Extract<Shape, { t: 'array' }> = { t: 'array', items: describeSchema(d.element as z.core.$ZodType) };
      const other = lengths(checksOf(d), shape);
      return other ? deferred(`array check ${other}`) : shape;
    }
    case 'record': {
      const key = defOf(d.keyType as z.core.$ZodType);
      if (key.type !== 'string' || key.format !== undefined || checksOf(key).length) return deferred('record with keys other than any string');
      if (checksOf(d).length) return deferred('record check');
      return { t: 'record', values: describeSchema(d.valueType as z.core.$ZodType) };
    }
    case 'object': {
      if (checksOf(d).length) return deferred('object check');
      const catchall = d.catchall === undefined ? undefined : defOf(d.catchall as z.core.$ZodType).type;
      const extra = catchall === undefined ? 'strip' : catchall === 'never' ? 'strict' : catchall === 'unknown' || catchall === 'any' ? 'keep' : undefined;
      if (!extra) return deferred(`object catch-all ${String(catchall)}`);
      const props: Record<string, Shape> = {};
      for (const [key, value] of Object.entries(d.shape as Record<string, z.core.$ZodType>)) {
        if (key === '__proto__') return deferred('a key named __proto__');
        props[key] = describeSchema(value);
      }
      return { t: 'object', props, extra };
    }
    default:
      return deferred(d.type);
  }
}
