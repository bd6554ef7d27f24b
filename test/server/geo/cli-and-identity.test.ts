import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { identityOf, placeHash } from '../../../agent/identity.js';
import type { Snapshot } from '../../../schema/snapshot/index.js';
import { reportSchema } from '../../../schema/report.js';
import { cleanup, makeReport } from '../helpers.js';

// Needs `npm run build` (dist/), like test/server/cli.test.ts.
const cli = new URL('../../../dist/cli/cli.js', import.meta.url).pathname;

describe('farmwatch server with a bad configured geolocation database', () => {
  it('exits 2 with one line on stderr naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-geo-cli-'));
    try {
      const db = join(dir, 'GeoIP2-Country.mmdb');
      writeFileSync(db, 'not an mmdb');
      writeFileSync(join(dir, 'server.json'), JSON.stringify({ geo: { countryDb: db }, log: { level: 'silent' } }));
      const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = execFile(process.execPath, [cli, 'server', '--config', join(dir, 'server.json'), '--port', '0', '--db', join(dir, 'x.db')], { timeout: 30_000 }, (_e, _o, stderr) =>
          resolve({ code: child.exitCode, stderr: String(stderr) }),
        );
      });
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^${db.replace(/[.]/g, '\\.')}: not a readable MaxMind DB`))]);
    } finally {
      cleanup(dir);
    }
  }, 40_000);
});

describe('identity.selfMacs (agent)', () => {
  it("hashes the laptop's own non-loopback interface MACs like the other place identifiers, and the server accepts them", () => {
    const key = Buffer.alloc(32, 7).toString('base64url');
    const snapshot = {
      locale: { timezone: 'America/Chicago' },
      network: {
        connections: [],
        probes: [],
        interfaces: [
          { name: 'lo', kind: 'loopback', mac: '00:00:00:00:00:00', up: true, addresses: [] },
          { name: 'wlan0', kind: 'wifi', mac: 'A4:5E:60:01:02:03', up: true, addresses: [] },
          { name: 'eth0', kind: 'ethernet', up: false, addresses: [] },
        ],
        identity: { gateway: null, neighbors: [], wifi: null, dnsServers: [] },
      },
    } as unknown as Snapshot;
    const identity = identityOf(snapshot, key);
    expect(identity.selfMacs).toEqual([placeHash(key, 'a4:5e:60:01:02:03')]);
    expect(reportSchema.safeParse(makeReport('d', { identity })).success).toBe(true);
  });
});
