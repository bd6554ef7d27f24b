import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const depcruise = join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const layers = ['common', 'schema', 'collectors', 'rules', 'agent', 'server', 'cli'];

interface Cruise {
  modules: { source: string; dependencies: { resolved: string; dependencyTypes: string[] }[] }[];
  summary: { violations: { rule: { name: string }; from: string; to: string; cycle?: { name: string }[] }[]; totalCruised: number };
}

/** dependency-cruiser with the project's rules (.dependency-cruiser.cjs), run as `npm run deps` runs it. */
async function cruise(cwd: string, dirs: string[]): Promise<Cruise> {
  const { stdout } = await run(process.execPath, [depcruise, '--config', '.dependency-cruiser.cjs', '--output-type', 'json', ...dirs], {
    cwd,
    maxBuffer: 64 << 20,
    timeout: 120_000,
  }).catch((err: { stdout?: string }) => {
    // It exits with the number of errors; the JSON is on stdout either way.
    if (typeof err.stdout === 'string' && err.stdout.startsWith('{')) return { stdout: err.stdout };
    throw err;
  });
  return JSON.parse(stdout) as Cruise;
}

/** The folders of server/ that import each other round in a circle (Tarjan's strongly connected components). */
function folderCycles(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return out;
}

/**
 * Folder → folder arrows inside server/ (a file's folder is its directory). A
 * folder and the folders inside it are not checked against each other (as dependency-cruiser's folder rules do):
 * server/'s own files wire its subsystems, which read its context and config; the file-cycle rule still holds there.
 */
const inside = (folder: string, outer: string) => folder === outer || folder.startsWith(`${outer}/`);

function serverFolderEdges(result: Cruise): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const m of result.modules) {
    if (!m.source.startsWith('server/')) continue;
    const from = dirname(m.source);
    for (const d of m.dependencies) {
      const to = dirname(d.resolved);
      if (!d.resolved.startsWith('server/') || inside(from, to) || inside(to, from)) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(to);
    }
  }
  return edges;
}

// One cruise of ~350 modules takes 5-25 s on two shared cores.
describe('dependencies (dependency-cruiser, .dependency-cruiser.cjs)', { timeout: 120_000 }, () => {
  const project = cruise(root, layers);

  it('cruises every layer (the check has something to check)', async () => {
    const result = await project;
    expect(result.summary.totalCruised).toBeGreaterThan(300);
    const arrows = result.modules.flatMap((m) => m.dependencies.map((d) => `${m.source.split('/')[0]} -> ${d.resolved.split('/')[0]}`));
    expect(arrows).toContain('cli -> server');
    expect(arrows).toContain('agent -> collectors');
  });

  it('nothing imports against the layers, no module imports itself round a cycle, nothing of the product imports a dev dependency', async () => {
    const violations = (await project).summary.violations.map(
      (v) => `${v.rule.name}: ${v.from} -> ${v.to}${v.cycle ? ` (${v.cycle.map((c) => c.name).join(' -> ')})` : ''}`,
    );
    expect(violations).toEqual([]);
  });

  it('the layer rules hold without exception (no rule leaves a file out)', async () => {
    const { createRequire } = await import('node:module');
    const config = createRequire(import.meta.url)(join(root, '.dependency-cruiser.cjs')) as { forbidden: { name: string; from: { pathNot?: string } }[] };
    const layerRules = config.forbidden.filter((r) => r.name.endsWith('-imports-only-below'));
    expect(layerRules.map((r) => r.name)).toEqual(layers.map((l) => `${l}-imports-only-below`));
    expect(layerRules.filter((r) => r.from.pathNot !== undefined).map((r) => r.name)).toEqual([]);
  });

  it('no folder cycles inside server/', async () => {
    expect(folderCycles(serverFolderEdges(await project))).toEqual([]);
  });

  it('storage/ composes the domain folders, which sit on db/ below them', async () => {
    const edges = serverFolderEdges(await project);
    expect([...(edges.get('server/storage') ?? [])]).toEqual(expect.arrayContaining(['server/db/sql', 'server/ingest', 'server/lifecycle', 'server/forwarders']));
    const intoStorage = [...edges].filter(([, to]) => to.has('server/storage')).map(([from]) => from);
    expect(intoStorage).toEqual([]);
    expect([...(edges.get('server/db') ?? []), ...(edges.get('server/db/sql') ?? [])]).toEqual([]);
  });
});

describe('the checker catches what it is for', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'farmwatch-layers-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  };

  it('an arrow upward, agent and server importing each other, a file cycle, server/db/ importing up, a domain folder importing server/storage/', async () => {
    copyFileSync(join(root, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
    write('tsconfig.json', JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }));
    write('package.json', JSON.stringify({ name: 'layers-probe', type: 'module' }));
    write('common/up.ts', "import { x } from '../rules/x.js';\nexport const up = x;\n");
    write('rules/x.ts', 'export const x = 1;\n');
    write('agent/a.ts', "import { s } from '../server/s.js';\nexport const a = s;\n");
    write('server/s.ts', 'export const s = 1;\n');
    write('server/one.ts', "import { two } from './two.js';\nexport const one = (): number => two();\n");
    write('server/two.ts', "import type { one } from './one.js';\nexport const two = (): number => 2;\nexport type One = typeof one;\n");
    write('collectors/ok.ts', "import { x } from '../rules/x.js';\nexport const ok = x;\n");
    write('server/db/low.ts', "import { s } from '../s.js';\nexport const low = s;\n");
    write('server/storage/st.ts', 'export const st = 1;\n');
    write('server/cases/c.ts', "import { st } from '../storage/st.js';\nexport const c = st;\n");
    write('server/app.ts', "import { st } from './storage/st.js';\nexport const app = st;\n");
    write('cli/ok.ts', "import { s } from '../server/s.js';\nexport const ok = s;\n");
    const names = (await cruise(dir, ['common', 'rules', 'agent', 'server', 'collectors', 'cli'])).summary.violations.map(
      (v) => `${v.rule.name}: ${v.from} -> ${v.to}`,
    );
    expect(names).toContain('common-imports-only-below: common/up.ts -> rules/x.ts');
    expect(names).toContain('agent-imports-only-below: agent/a.ts -> server/s.ts');
    expect(names).toContain('collectors-imports-only-below: collectors/ok.ts -> rules/x.ts');
    expect(names.some((n) => n.startsWith('no-cycles: server/one.ts'))).toBe(true);
    expect(names).toContain('server-db-below-the-domains: server/db/low.ts -> server/s.ts');
    expect(names).toContain('server-storage-on-top: server/cases/c.ts -> server/storage/st.ts');
    expect(names.filter((n) => n.includes('cli/ok.ts') || n.includes('server/app.ts'))).toEqual([]);
  });

  it('a folder cycle', () => {
    const edges = new Map([
      ['server/a', new Set(['server/b'])],
      ['server/b', new Set(['server/c'])],
      ['server/c', new Set(['server/a'])],
      ['server/d', new Set(['server/a'])],
    ]);
    expect(folderCycles(edges)).toEqual([['server/a', 'server/b', 'server/c']]);
    edges.get('server/c')!.delete('server/a');
    expect(folderCycles(edges)).toEqual([]);
  });
});
