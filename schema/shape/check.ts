import type { Json, Shape } from './types.js';

/**
 * Runs a Shape (types.ts) without zod: a value it accepts, zod accepts too and outputs the same (defaults filled in,
 * unknown keys stripped); `invalid` is what zod refuses; `defer` is what the shape cannot decide (a zod feature it
 * does not state). Both of the latter go to the zod schema, loaded then (contract.ts), for the verdict and the message.
 * test/schema/shape.test.ts holds it to zod's answers on generated values, hostile ones included.
 */
export const invalid: unique symbol = Symbol('invalid');
export const defer: unique symbol = Symbol('defer');
export type Outcome = unknown;
export type Checker = (value: unknown) => Outcome;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPlain = (v: unknown): v is Record<string, unknown> => {
  if (!isObject(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};
/** Objects zod would copy into a fresh object of another kind: the check leaves them to zod (JSON never makes them). */
const unusual = (v: Record<string, unknown>): boolean => Object.getPrototypeOf(v) !== Object.prototype || Object.hasOwn(v, '__proto__');

/** A fresh copy of a default value, as zod hands out one per parse. */
const copy = (v: Json): Json => (v === null || typeof v !== 'object' ? v : (JSON.parse(JSON.stringify(v)) as Json));

export function compileShape(shape: Shape): Checker {
  switch (shape.t) {
    case 'string': {
      const { min, max } = shape;
      const patterns = (shape.patterns ?? []).map((p) => new RegExp(p.source, p.flags));
      return (v) => {
        if (typeof v !== 'string') return invalid;
        if ((min !== undefined && v.length < min) || (max !== undefined && v.length > max)) return invalid;
        for (const re of patterns) {
          re.lastIndex = 0;
          if (!re.test(v)) return invalid;
        }
        return v;
      };
    }
    case 'number': {
      const { int, gte, gt, lte, lt } = shape;
      return (v) => {
        if (typeof v !== 'number' || !Number.isFinite(v)) return invalid;
        if (int && !Number.isSafeInteger(v)) return invalid;
        if ((gte !== undefined && !(v >= gte)) || (gt !== undefined && !(v > gt))) return invalid;
        if ((lte !== undefined && !(v <= lte)) || (lt !== undefined && !(v < lt))) return invalid;
        return v;
      };
    }
    case 'boolean':
      return (v) => (typeof v === 'boolean' ? v : invalid);
    case 'values': {
      const values = new Set<unknown>(shape.values);
      return (v) => (values.has(v) ? v : invalid);
    }
    case 'unknown':
      return (v) => v;
    case 'defer':
      return () => defer;
    case 'optional': {
      const inner = compileShape(shape.inner);
      return (v) => (v === undefined ? v : inner(v));
    }
    case 'nullable': {
      const inner = compileShape(shape.inner);
      return (v) => (v === null ? v : inner(v));
    }
    case 'default': {
      const inner = compileShape(shape.inner);
      const value = shape.value;
      return (v) => (v === undefined ? copy(value) : inner(v));
    }
    case 'prefault': {
      const inner = compileShape(shape.inner);
      const value = shape.value;
      return (v) => inner(v === undefined ? copy(value) : v);
    }
    case 'union': {
      const options = shape.options.map(compileShape);
      return (v) => {
        for (const option of options) {
          const out = option(v);
          if (out !== invalid) return out; // the first option zod accepts (or one the shape cannot decide)
        }
        return invalid;
      };
    }
    case 'array': {
      const items = compileShape(shape.items);
      const { min, max } = shape;
      return (v) => {
        if (!Array.isArray(v)) return invalid;
        if ((min !== undefined && v.length < min) || (max !== undefined && v.length > max)) return invalid;
        let out: unknown[] | undefined;
        for (let i = 0; i < v.length; i++) {
          const item: unknown = v[i];
          const r = items(item);
          if (r === invalid || r === defer) return r;
          if (r !== item) out ??= v.slice(0, i);
          if (out) out.push(r);
        }
        return out ?? v;
      };
    }
    case 'record': {
      const values = compileShape(shape.values);
      return (v) => {
        if (!isPlain(v)) return invalid;
        if (unusual(v)) return defer;
        let out: Record<string, unknown> | undefined;
        for (const key of Object.keys(v)) {
          const r = values(v[key]);
          if (r === invalid || r === defer) return r;
          if (r !== v[key]) out ??= { ...v };
          if (out) out[key] = r;
        }
        return out ?? v;
      };
    }
    case 'object': {
      const keys = Object.keys(shape.props);
      const checks = keys.map((k) => compileShape(shape.props[k]!));
      const known = new Set(keys);
      const extra = shape.extra;
      return (v) => {
        if (!isObject(v)) return invalid;
        if (unusual(v)) return defer;
        let changed = false;
        const results: unknown[] = new Array(keys.length);
        for (let i = 0; i < keys.length; i++) {
          const key = keys[i]!;
          const before = v[key];
          const r = checks[i]!(before);
          if (r === invalid || r === defer) return r;
          results[i] = r;
          // A key absent that stays absent, or a value kept as it is, changes nothing.
          if (r !== before) changed = true;
        }
        let unknownKeys = false;
        if (extra !== 'keep') {
          for (const key of Object.keys(v)) {
            if (known.has(key)) continue;
            if (extra === 'strict') return invalid;
            unknownKeys = true;
            break;
          }
        }
        if (!changed && !unknownKeys) return v;
        const out: Record<string, unknown> = {};
        for (let i = 0; i < keys.length; i++) {
          const key = keys[i]!;
          const r = results[i];
          if (r !== undefined || Object.hasOwn(v, key)) out[key] = r;
        }
        if (extra === 'keep') for (const key of Object.keys(v)) if (!known.has(key)) out[key] = v[key];
        return out;
      };
    }
  }
}

/** The value zod would output, or `invalid`/`defer` (then ask zod). */
export function checkShape(shape: Shape, value: unknown): Outcome {
  return compileShape(shape)(value);
}
