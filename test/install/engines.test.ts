import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } | string[] }>;
};

// What `npm ci` checks for its EBADENGINE warning: every locked package's own engines.node against the running Node.
describe('every locked dependency runs on the Node the project supports', () => {
  it(`accepts Node ${process.version}, the oldest line package.json allows (${pkg.engines.node})`, () => {
    expect(semver.satisfies(process.version, pkg.engines.node)).toBe(true);
    const refused = Object.entries(lock.packages)
      .map(([name, p]) => [name || 'farmwatch', Array.isArray(p.engines) ? undefined : p.engines?.node] as const)
      .filter(([, range]) => range !== undefined && !semver.satisfies(process.version, range))
      .map(([name, range]) => `${name} requires node ${range}`);
    expect(refused).toEqual([]);
  });
});
