import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { registeredRules } from '../../rules/registry.js';
import { beginMarker, endMarker, renderDetectionDocs, renderRuleTables } from '../../scripts/docs/gen-detection-docs.js';

const onDisk = readFileSync(new URL('../../docs/detection.md', import.meta.url), 'utf8');

describe('docs/detection.md', () => {
  it('carries the rule tables scripts/docs/gen-detection-docs.ts makes of the rule registry now (run `npm run docs:detection` when this fails)', () => {
    expect(onDisk).toBe(renderDetectionDocs(onDisk));
  });

  it('lists every registered rule once, with its ATT&CK ids or "none"', () => {
    const tables = renderRuleTables();
    for (const r of registeredRules) {
      const rows = tables.split('\n').filter((l) => l.startsWith(`| \`${r.id}\` |`));
      expect(rows, r.id).toHaveLength(1);
      expect(rows[0], r.id).toContain(` | ${r.attack === 'none' ? 'none' : r.attack.join(', ')} | `);
    }
  });

  it('fails loudly, never rewrites, when the markers are gone', () => {
    expect(() => renderDetectionDocs('# Detection\n')).toThrow(/lost its markers/);
    expect(renderDetectionDocs(`before\n${beginMarker}\nold\n${endMarker}\nafter`)).toMatch(/^before\n[\s\S]*\| `agent.tampered` \|[\s\S]*\nafter$/);
  });
});
