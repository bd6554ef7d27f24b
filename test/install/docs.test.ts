import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { networkSchema } from '../../collectors/network/schema.js';
import { snapshotSchema } from '../../collectors/snapshot.js';
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

  it('names every rule it cites by an id that exists in rules/ or server/', () => {
    const privacy = read('docs/privacy.md');
    const cited = new Set([...privacy.matchAll(/`((?:remote-access|ipkvm|jiggler|display|host|network|locale|activity|baseline|fleet)\.[a-z-]+)`/g)].map((m) => m[1]!).filter((id) => !id.endsWith('.json')));
    expect(cited.size).toBeGreaterThan(10);
    const sources = ['rules', 'server']
      .flatMap((dir) => (readdirSync(join(repoRoot, dir), { recursive: true }) as string[]).map((f) => join(repoRoot, dir, f)))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    for (const id of cited) expect(sources, id).toMatch(new RegExp(`['"\`]${id.replace('.', '\\.')}['"\`]`));
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
