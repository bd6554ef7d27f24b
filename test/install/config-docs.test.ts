import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../agent/config.js';
import { renderConfigDocs } from '../../scripts/docs/gen-config-docs.js';

const onDisk = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');

describe('docs/configuration.md', () => {
  it('is what scripts/docs/gen-config-docs.ts makes of the config schema now (run `npm run docs:config` when this fails)', () => {
    expect(onDisk).toBe(renderConfigDocs());
  });

  it('names every key path the schema accepts', () => {
    for (const key of ['server.url', 'expected.timezones', 'latency.anchors[].host', 'report.snapshot', 'privacy.redactCommandLines', 'log.level']) {
      expect(onDisk).toContain(`| \`${key}\``);
    }
  });

  it('shows an example config that the agent accepts', () => {
    const example = /```json\n([\s\S]*?)\n```/.exec(onDisk)?.[1];
    expect(example).toBeDefined();
    expect(() => parseConfig(JSON.parse(example ?? ''), 'docs example')).not.toThrow();
  });
});
