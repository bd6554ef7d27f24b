import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { attackTechnique } from '../../rules/catalog/attack-techniques.js';
import { registeredRules, ruleRegistry, ruleLabel } from '../../rules/registry.js';
import { rules as endpointRules } from '../../rules/index.js';
import { ruleRuns, severities } from '../../rules/types.js';

const rulesDir = fileURLToPath(new URL('../../rules/', import.meta.url));
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));

/** A value of the rule shape: what defineRule and declareRule make, or a bare object declaring a rule. */
const looksLikeRule = (v: unknown): v is { id: string } =>
  typeof v === 'object' && v !== null && typeof (v as { id?: unknown }).id === 'string' && typeof (v as { title?: unknown }).title === 'string' &&
  Array.isArray((v as { falsePositives?: unknown }).falsePositives) && typeof (v as { severity?: unknown }).severity === 'string';

describe('the rule registry', () => {
  it('lists every rule id once', () => {
    const ids = registeredRules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ruleRegistry.size).toBe(ids.length);
  });

  it('holds every rule any module under rules/ declares (registering is listing it: an area index, or rules/registry.ts)', async () => {
    const unregistered: string[] = [];
    for (const file of sources(rulesDir)) {
      const mod = (await import(file)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(mod)) {
        if (looksLikeRule(value) && ruleRegistry.get(value.id) !== value) unregistered.push(`${relative(rulesDir, file)}: ${name} (${value.id})`);
      }
    }
    expect(unregistered).toEqual([]);
  });

  it('declares one shape: title, description, default severity, where it runs, false positives, ATT&CK ids from the catalog or "none" with a reason', () => {
    for (const r of registeredRules) {
      expect(r.title.length, r.id).toBeGreaterThan(5);
      expect(r.description.length, r.id).toBeGreaterThan(10);
      expect(severities, r.id).toContain(r.severity);
      expect(ruleRuns, r.id).toContain(r.runs);
      expect(r.falsePositives.length, `${r.id}: name at least one false positive`).toBeGreaterThan(0);
      if (r.attack === 'none') expect(r.attackNone?.length, `${r.id}: say why no technique fits`).toBeGreaterThan(10);
      else for (const id of r.attack) expect(attackTechnique(id), `${r.id} names ${id}: add it to rules/catalogs/attack-techniques.json`).toBeDefined();
    }
  });

  it('puts endpoint rules first, in the order the engine evaluates them, and the server and fleet rules after', () => {
    expect(registeredRules.slice(0, endpointRules.length)).toEqual(endpointRules);
    expect(registeredRules.slice(endpointRules.length).every((r) => r.runs !== 'endpoint')).toBe(true);
    for (const id of ['agent.tampered', 'agent.stopped', 'agent.score-mismatch', 'agent.implausible-findings', 'agent.clock-skew', 'agent.report-refused', 'geo.country-mismatch', 'geo.hosting-network', 'geo.timezone-mismatch', 'geo.impossible-travel']) {
      expect(ruleRegistry.get(id)?.runs, id).toBe('server');
    }
    for (const id of ['fleet.colocation', 'fleet.silent-agent', 'fleet.rare-tool', 'fleet.shared-fingerprint', 'fleet.neighbor-devices']) expect(ruleRegistry.get(id)?.runs, id).toBe('fleet');
  });

  it('labels an unknown id (a newer agent\'s rule, or "__proto__") with the id itself and no ATT&CK', () => {
    for (const id of ['made.up', '__proto__', 'constructor']) expect(ruleLabel(id)).toEqual({ title: id, attack: [], attackNone: false });
    expect(ruleLabel('geo.impossible-travel')).toMatchObject({ attack: ['T1090', 'T1133'], attackNone: false });
    expect(ruleLabel('locale.timezone')).toMatchObject({ attack: [], attackNone: true });
  });
});
