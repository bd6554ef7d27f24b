import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { networkSchema } from '../../schema/snapshot/network.js';
import { snapshotSchema } from '../../schema/snapshot/index.js';
import { ruleRegistry } from '../../rules/registry.js';
import { repoRoot } from '../bundle/run-isolated.js';

const read = (file: string) => readFileSync(join(repoRoot, file), 'utf8');
const notDomains = new Set(['schemaVersion', 'collectedAt', 'agentVersion', 'platform', 'errors', 'collectors']);

describe('docs/privacy.md', () => {
  it('has a row for every domain of the snapshot (a new domain must say what it collects and where it goes)', () => {
    const privacy = read('docs/privacy.md');
    const domains = Object.keys(snapshotSchema.shape)
      .filter((k) => !notDomains.has(k))
      .flatMap((k) => (k === 'network' ? Object.keys(networkSchema.shape).map((n) => `network.${n}`) : [k]));
    expect(domains.length).toBeGreaterThanOrEqual(12);
    for (const domain of domains) expect(privacy, domain).toMatch(new RegExp(`^\\| ${domain.replace('.', '\\.')} \\|`, 'm'));
  });

  it('names every rule it cites by an id the rule registry lists', () => {
    const privacy = read('docs/privacy.md');
    const cited = new Set([...privacy.matchAll(/`((?:remote-access|ipkvm|jiggler|display|host|network|locale|activity|baseline|fleet|geo)\.[a-z-]+)`/g)].map((m) => m[1]!).filter((id) => !id.endsWith('.json')));
    expect(cited.size).toBeGreaterThan(10);
    for (const id of cited) expect(ruleRegistry.has(id), id).toBe(true);
  });
});

describe('install docs', () => {
  it.each(['README.md', 'docs/deployment.md', 'docs/privacy.md', 'docs/troubleshooting.md'])('%s links only to files that exist', (file) => {
    const text = read(file);
    for (const [, target] of text.matchAll(/\]\(([^)#:]+)(?:#[^)]*)?\)/g)) {
      expect(existsSync(join(repoRoot, dirname(file), target!)), `${file} → ${target}`).toBe(true);
    }
  });
});
