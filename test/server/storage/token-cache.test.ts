import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { openPostgres } from '../../../server/storage/pg.js';
import { openSqlite } from '../../../server/storage/sqlite.js';
import { TokenCache } from '../../../server/storage/token-cache.js';
import type { Storage } from '../../../server/storage/types.js';
import { engines } from '../../helpers/engines.js';

const token = (n: number) => Buffer.alloc(32, n);

describe('token cache', () => {
  it('does not keep what a lookup begun before a drop found', async () => {
    let changes = 0;
    const cache = new TokenCache(async () => changes, 0);
    const before = await cache.get('k');
    changes++;
    expect((await cache.get('k')).generation).not.toBe(before.generation);
    cache.set('k', 'lap-1', before.generation);
    expect((await cache.get('k')).deviceId).toBeUndefined();
    const now = await cache.get('k');
    cache.set('k', 'lap-1', now.generation);
    expect((await cache.get('k')).deviceId).toBe('lap-1');
    cache.forget('lap-1');
    expect((await cache.get('k')).deviceId).toBeUndefined();
  });

  it('asks the change counter at most once per recheck', async () => {
    let asked = 0;
    const cache = new TokenCache(async () => ++asked * 0, 60_000);
    await Promise.all([cache.get('a'), cache.get('b'), cache.get('c')]);
    await cache.get('d');
    expect(asked).toBe(1);
  });
});

// The report route authenticates every report: cached, and on PostgreSQL a token rotated or revoked by another replica
// (another storage on the same database) still fails within the recheck (250 ms), well inside the 1 s replicas promise.
describe.each(engines)('authentication with the token cache (%s)', (name, engine) => {
  it('a rotated, revoked or reset token stops working on every storage of the database', async () => {
    const db = await engine.db();
    const open = async () => (name === 'postgres' ? openPostgres({ url: db }) : openSqlite(db));
    const a: Storage = await open();
    const b: Storage = name === 'postgres' ? await open() : a;
    try {
      const at = new Date('2026-01-01T00:00:00.000Z');
      for (const [i, d] of ['lap-1', 'lap-2', 'lap-3'].entries()) await a.enroll({ deviceId: d, hostname: d, platform: 'linux', agentVersion: '0.1.0', tokenHash: token(i + 1), at });
      for (const n of [1, 2, 3]) expect(await b.authenticate(token(n))).toEqual({ deviceId: `lap-${n}` });
      expect(await b.authenticate(token(9))).toBeNull();
      // Each change on a, one at a time (each moves the change counter on its own), must reach b's cache within 1 s.
      const gone = async (n: number) => {
        const deadline = Date.now() + 1000;
        while ((await b.authenticate(token(n))) && Date.now() < deadline) await sleep(20);
        return (await b.authenticate(token(n))) === null;
      };
      expect(await a.rotateToken('lap-1', token(11), at)).toBe(true);
      expect(await gone(1)).toBe(true);
      expect(await b.authenticate(token(2))).toEqual({ deviceId: 'lap-2' });
      expect(await a.setDeviceStatus('lap-2', 'revoked', at)).toBe(true);
      expect(await gone(2)).toBe(true);
      expect(await b.authenticate(token(3))).toEqual({ deviceId: 'lap-3' });
      expect(await a.resetDevice('lap-3', at)).toBe(true);
      expect(await gone(3)).toBe(true);
      expect(await b.authenticate(token(11))).toEqual({ deviceId: 'lap-1' });
    } finally {
      await a.close();
      if (b !== a) await b.close();
    }
  });
});
