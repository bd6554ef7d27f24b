import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Bottom to top (docs/architecture.md): a folder imports only its own and lower ranks; agent and server are peers. */
const rank: Record<string, number> = { common: 0, schema: 1, collectors: 2, rules: 3, agent: 4, server: 4, cli: 5 };

/**
 * The one arrow upward still standing: the snapshot's contract is composed from each collector's own schema, and
 * schema/index.ts (the package's `./schema` export) prints its JSON Schema. Moving the collectors' schemas under
 * schema/ removes it.
 */
const known = new Set(['schema/index.ts -> collectors']);

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function arrows(): string[] {
  const out: string[] = [];
  for (const layer of Object.keys(rank)) {
    for (const file of sources(layer)) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'(\.{1,2}\/[^']+)'/g)) {
        const target = normalize(relative(root, join(root, dirname(file), m[1] as string))).split('/')[0] as string;
        if (target !== layer) out.push(`${file} -> ${target}`);
      }
    }
  }
  return out;
}

describe('layers', () => {
  const all = arrows();

  it('reads the imports of every layer (the check has something to check)', () => {
    expect(all.some((a) => a.startsWith('cli/') && a.endsWith('-> server'))).toBe(true);
    expect(all.some((a) => a.startsWith('agent/') && a.endsWith('-> collectors'))).toBe(true);
  });

  it('nothing imports upward, and agent and server never import each other', () => {
    const against = all.filter((a) => {
      const [from, to] = a.split(' -> ') as [string, string];
      const layer = from.split('/')[0] as string;
      if (known.has(`${from} -> ${to}`)) return false;
      if (!(to in rank)) return true;
      return rank[to]! > rank[layer]! || (rank[to] === rank[layer] && to !== layer);
    });
    expect(against).toEqual([]);
  });
});
