import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generatedShapesFile, generatedShapesSource } from '../../scripts/schema/gen-shapes.js';
import { contract, parseContract, quickCheck } from '../../schema/contract.js';
import { compileShape, defer, invalid } from '../../schema/shape/check.js';
import { describeSchema } from '../../schema/shape/describe.js';
import { shapes } from '../../schema/shape/generated.js';
import type { Shape } from '../../schema/shape/types.js';
import { zodSchemas } from '../../schema/zod-schemas.js';
import { z } from 'zod';

/** Values near the shape: mostly inside it, with wrong types, missing and extra keys and boundary numbers mixed in. */
function near(shape: Shape, depth = 0): fc.Arbitrary<unknown> {
  const noise = fc.oneof(fc.constant(undefined), fc.constant(null), fc.jsonValue({ maxDepth: 1 }), fc.constant(Number.NaN), fc.constant(Infinity));
  const mixed = (a: fc.Arbitrary<unknown>) => fc.oneof({ arbitrary: a, weight: 12 }, { arbitrary: noise, weight: 1 });
  switch (shape.t) {
    case 'string': {
      const lengths = { minLength: Math.max(0, (shape.min ?? 0) - 1), maxLength: Math.min((shape.max ?? 12) + 1, 40) };
      const patterned = shape.patterns?.length ? [fc.stringMatching(new RegExp(shape.patterns[0]!.source, shape.patterns[0]!.flags))] : [];
      return mixed(fc.oneof(fc.string(lengths), ...patterned, fc.constantFrom('', 'US', 'https://x.example', '__proto__')));
    }
    case 'number': {
      const edges = [shape.gte, shape.gt, shape.lte, shape.lt].filter((n): n is number => n !== undefined).flatMap((n) => [n, n - 1, n + 1, n + 0.5]);
      return mixed(fc.oneof(fc.integer({ min: -5, max: 100_000 }), fc.double({ noNaN: false }), fc.constantFrom(0, -0, 1, 2 ** 53, ...edges)));
    }
    case 'boolean':
      return mixed(fc.boolean());
    case 'values':
      return mixed(fc.constantFrom(...shape.values, 'other', 0));
    case 'unknown':
    case 'defer':
      return fc.jsonValue({ maxDepth: 2 });
    case 'optional':
      return fc.oneof(fc.constant(undefined), near(shape.inner, depth));
    case 'nullable':
      return fc.oneof(fc.constant(null), near(shape.inner, depth));
    case 'default':
    case 'prefault':
      return fc.oneof(fc.constant(undefined), near(shape.inner, depth));
    case 'union':
      return fc.oneof(...shape.options.map((o) => near(o, depth)));
    case 'array':
    {
      const minLength = Math.max(0, (shape.min ?? 0) - 1);
      const maxLength = Math.max(minLength + 2, Math.min((shape.max ?? 3) + 1, depth > 1 ? 2 : 4));
      return mixed(fc.array(near(shape.items, depth + 1), { minLength, maxLength }));
    }
    case 'record':
      return mixed(fc.dictionary(fc.string({ maxLength: 6 }), near(shape.values, depth + 1), { maxKeys: 3 }));
    case 'object': {
      const props = Object.fromEntries(Object.entries(shape.props).map(([k, s]) => [k, near(s, depth + 1)]));
      const record = fc.record(props, { requiredKeys: Object.keys(props).filter((_, i) => i % 3 !== 0) as never[] });
      const extra = fc.option(fc.tuple(fc.constantFrom('extra', 'constructor', 'toString'), fc.jsonValue({ maxDepth: 1 })), { freq: 4 });
      return mixed(fc.tuple(record, extra, fc.boolean()).map(([r, e, undef]) => {
        const out: Record<string, unknown> = { ...(r as Record<string, unknown>) };
        if (e) out[e[0]] = e[1];
        const first = Object.keys(shape.props)[0];
        if (undef && first !== undefined && !(first in out)) out[first] = undefined;
        return out;
      }));
    }
  }
}

describe('generated shapes', () => {
  it('are up to date with the zod schemas (npm run schema:shapes)', () => {
    expect(readFileSync(generatedShapesFile, 'utf8')).toBe(generatedShapesSource());
  });

  it('decide every snapshot domain, the snapshot, the baseline and the config without zod (nothing deferred but the config\'s URLs)', () => {
    const defers = (s: Shape, at: string): string[] => {
      switch (s.t) {
        case 'defer': return [at];
        case 'optional': case 'nullable': case 'default': case 'prefault': return defers(s.inner, at);
        case 'array': return defers(s.items, `${at}[]`);
        case 'record': return defers(s.values, `${at}{}`);
        case 'union': return s.options.flatMap((o, i) => defers(o, `${at}|${i}`));
        case 'object': return Object.entries(s.props).flatMap(([k, v]) => defers(v, `${at}.${k}`));
        default: return [];
      }
    };
    for (const name of ['host', 'processes', 'software', 'network', 'usb', 'inputs', 'displays', 'locale', 'sessions', 'activity', 'remoteSessions', 'snapshot', 'baseline'] as const) {
      expect(defers(shapes[name]!, name)).toEqual([]);
    }
    expect(defers(shapes.config!, 'config')).toEqual(['config.server.url', 'config.server.proxy']);
  });
});

describe('a shape accepts exactly what its zod schema accepts, with the same output', () => {
  for (const [name, schema] of Object.entries(zodSchemas)) {
    it(name, () => {
      const shape = describeSchema(schema);
      const check = compileShape(shape);
      fc.assert(
        fc.property(near(shape), (value) => {
          const before = JSON.stringify(value);
          const out = check(value);
          const parsed = schema.safeParse(value);
          if (out === invalid) expect(parsed.success).toBe(false);
          else if (out !== defer) {
            expect(parsed.success).toBe(true);
            expect(out).toStrictEqual(parsed.data);
          }
          expect(JSON.stringify(value)).toBe(before); // the check never changes its input
        }),
        { numRuns: 300 },
      );
    });
  }
});

describe('describeSchema', () => {
  it('defers what it cannot state exactly', () => {
    const shape = describeSchema(z.object({ a: z.string().refine((s) => s.length > 1), b: z.number().multipleOf(2), c: z.string().email(), d: z.tuple([z.string()]) }));
    expect(shape).toMatchObject({ t: 'object', props: { a: { t: 'defer' }, b: { t: 'defer' }, c: { t: 'defer' }, d: { t: 'defer' } } });
  });
});

describe('parseContract', () => {
  it('answers valid values from the shape and hands the rest to zod, with zod\'s message', async () => {
    const processes = contract('processes');
    const good = [{ pid: 1, name: 'init', cmdline: ['/sbin/init'] }];
    expect(quickCheck(processes, good)).toEqual({ data: good });
    expect(await parseContract(processes, good)).toEqual({ success: true, data: good });
    const bad = await parseContract(processes, [{ pid: -1, name: 'x' }]);
    expect(bad.success).toBe(false);
    if (!bad.success) expect(bad.error.issues[0]?.path).toEqual([0, 'pid']);
    expect(quickCheck(processes, [{ pid: 'x' }])).toBeUndefined();
  });

  it('fills in the config defaults as zod does, and refuses unknown keys', async () => {
    const config = contract('config');
    expect((await parseContract(config, {})).success).toBe(true);
    expect(quickCheck(config, {})?.data).toStrictEqual(zodSchemas.config.parse({}));
    expect(quickCheck(config, { nope: 1 })).toBeUndefined();
    const parsed = await parseContract(config, { expected: { countries: ['usa'] } });
    expect(parsed.success).toBe(false);
  });
});
