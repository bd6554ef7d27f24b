import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { engines } from '../helpers/engines.js';
import { rekeyIdentifier } from '../../server/rekey-identifiers.js';
import { identifierKeyFromAdminToken } from '../../server/secrets.js';
import { cleanup, enroll, getJson, makeReport, postReport, secrets, startServer as startOn } from './helpers.js';

const colocationAlerts = async (url: string) =>
  (await getJson(url, '/api/v1/alerts')).body.alerts.filter((a: { rule: string }) => a.rule === 'fleet.colocation') as {
    id: number;
    deviceIds: string[];
    evidence: Record<string, unknown>;
    summary: string;
  }[];

// Every test on every storage engine (PostgreSQL when a test cluster is up; test/helpers/engines.ts).
describe.each(engines)('fleet rules and timers (%s)', (_name, engine) => {
const startServer = async (config: Record<string, unknown> = {}, extra: Parameters<typeof startOn>[1] = {}) => startOn({ db: await engine.db(), ...config }, extra);

describe('fleet.colocation', () => {
  it('opens one alert for 3 devices on loopback (not for 2) and lists members as they join', async () => {
    const s = await startServer();
    try {
      const tokens = await Promise.all(['farm-1', 'farm-2', 'farm-3', 'farm-4'].map(async (id) => [id, (await enroll(s.url, id)).token] as const));
      for (const [id, token] of tokens.slice(0, 2)) expect((await postReport(s.url, token, makeReport(id))).status).toBe(202);
      expect(await colocationAlerts(s.url)).toEqual([]);

      const [id3, token3] = tokens[2]!;
      await postReport(s.url, token3, makeReport(id3));
      let alerts = await colocationAlerts(s.url);
      expect(alerts).toHaveLength(1);
      expect(alerts[0]!.deviceIds).toEqual(['farm-1', 'farm-2', 'farm-3']);
      expect(alerts[0]!.evidence).toMatchObject({ placeKind: 'ip', place: '127.0.0.1' });

      const [id4, token4] = tokens[3]!;
      await postReport(s.url, token4, makeReport(id4));
      await postReport(s.url, token3, makeReport(id3));
      alerts = await colocationAlerts(s.url);
      expect(alerts).toHaveLength(1);
      expect(alerts[0]!.deviceIds).toEqual(['farm-1', 'farm-2', 'farm-3', 'farm-4']);
    } finally {
      await s.close();
      cleanup(s.dir);
    }
  });

  it('ignores the source address inside officeNetworks and learns its gateway as an office place (no alert there)', async () => {
    const s = await startServer({ officeNetworks: ['127.0.0.0/8', '::1/128'] });
    try {
      const ids = ['office-1', 'office-2', 'office-3'];
      const enrolled = await Promise.all(ids.map((id) => enroll(s.url, id)));
      for (const [i, id] of ids.entries()) await postReport(s.url, enrolled[i]!.token, makeReport(id));
      expect(await colocationAlerts(s.url)).toEqual([]);

      const gatewayMac = createHmac('sha256', Buffer.from(enrolled[0]!.fleetKey, 'base64url')).update('aa:bb:cc:dd:ee:ff').digest('hex');
      for (const [i, id] of ids.entries()) await postReport(s.url, enrolled[i]!.token, makeReport(id, { identity: { timezone: 'UTC', gatewayMac } }));
      expect(await colocationAlerts(s.url)).toEqual([]);
      // Listed keyed again under the server's identifier key: the fleet key on a laptop does not reverse it.
      const stored = rekeyIdentifier(Buffer.from(identifierKeyFromAdminToken(secrets.adminToken), 'base64url'), gatewayMac);
      const { places } = (await getJson(s.url, '/api/v1/places')).body as { places: { kind: string; value: string; role: string; origin: string }[] };
      expect(places).toEqual([expect.objectContaining({ kind: 'gateway', value: stored, role: 'office', origin: 'learned' })]);
      expect(JSON.stringify(places)).not.toContain(gatewayMac);
    } finally {
      await s.close();
      cleanup(s.dir);
    }
  });

  it('a gateway first seen from a home address is a place: three laptops behind it open one alert, keyed again', async () => {
    const s = await startServer();
    try {
      const ids = ['gw-1', 'gw-2', 'gw-3'];
      const enrolled = await Promise.all(ids.map((id) => enroll(s.url, id)));
      const gatewayMac = createHmac('sha256', Buffer.from(enrolled[0]!.fleetKey, 'base64url')).update('aa:bb:cc:dd:ee:ff').digest('hex');
      for (const [i, id] of ids.entries()) await postReport(s.url, enrolled[i]!.token, makeReport(id, { identity: { timezone: 'UTC', gatewayMac } }));
      const alerts = await colocationAlerts(s.url);
      expect(alerts).toHaveLength(1);
      const stored = rekeyIdentifier(Buffer.from(identifierKeyFromAdminToken(secrets.adminToken), 'base64url'), gatewayMac);
      expect(alerts[0]!.evidence).toMatchObject({ places: expect.arrayContaining([{ kind: 'gateway', value: stored }]) });
      expect(JSON.stringify(alerts[0])).not.toContain(gatewayMac);
      expect(alerts[0]!.deviceIds).toEqual(ids);
    } finally {
      await s.close();
      cleanup(s.dir);
    }
  });

  it('believes X-Forwarded-For only from trustedProxies', async () => {
    const forwarded = (i: number) => ({ 'x-forwarded-for': `198.51.100.${i}` });
    const untrusted = await startServer();
    try {
      for (const id of ['xff-1', 'xff-2', 'xff-3']) {
        const { token } = await enroll(untrusted.url, id);
        await postReport(untrusted.url, token, makeReport(id), forwarded(7));
      }
      const [alert] = await colocationAlerts(untrusted.url);
      expect(alert?.evidence).toMatchObject({ placeKind: 'ip', place: '127.0.0.1' });
    } finally {
      await untrusted.close();
      cleanup(untrusted.dir);
    }
    const proxied = await startServer({ trustedProxies: ['127.0.0.1', '::1'] });
    try {
      for (const [i, id] of ['p-1', 'p-2', 'p-3'].entries()) {
        const { token } = await enroll(proxied.url, id);
        await postReport(proxied.url, token, makeReport(id), forwarded(i < 2 ? 7 : 8));
      }
      expect(await colocationAlerts(proxied.url)).toEqual([]); // two at .7, one at .8
      expect((await getJson(proxied.url, '/api/v1/devices/p-3')).body.device.lastSourceIp).toBe('198.51.100.8');
    } finally {
      await proxied.close();
      cleanup(proxied.dir);
    }
  });

  it('counts only devices seen within windowHours', async () => {
    const s = await startServer({ colocation: { minDevices: 3, windowHours: 1 } });
    try {
      const ids = ['w-1', 'w-2', 'w-3'];
      const enrolled = await Promise.all(ids.map((id) => enroll(s.url, id)));
      await postReport(s.url, enrolled[0]!.token, makeReport('w-1', {}, s.clock.now));
      s.clock.now = new Date(s.clock.now.getTime() + 2 * 3_600_000);
      await postReport(s.url, enrolled[1]!.token, makeReport('w-2', {}, s.clock.now));
      await postReport(s.url, enrolled[2]!.token, makeReport('w-3', {}, s.clock.now));
      expect(await colocationAlerts(s.url)).toEqual([]);
    } finally {
      await s.close();
      cleanup(s.dir);
    }
  });
});

describe('fleet.colocation with devices that keep reporting', () => {
  it('a device reporting every 10 s stays a member of a 36 s window (its presence time never lags more than a tenth of it)', async () => {
    const s = await startServer({ colocation: { minDevices: 3, windowHours: 0.01 } });
    try {
      const enrolled = await Promise.all(['k-1', 'k-2', 'k-3'].map((id) => enroll(s.url, id)));
      const t0 = s.clock.now.getTime();
      for (let t = 0; t <= 60_000; t += 10_000) {
        s.clock.now = new Date(t0 + t);
        expect((await postReport(s.url, enrolled[0]!.token, makeReport('k-1', {}, s.clock.now))).status).toBe(202);
      }
      s.clock.now = new Date(t0 + 65_000);
      await postReport(s.url, enrolled[1]!.token, makeReport('k-2', {}, s.clock.now));
      await postReport(s.url, enrolled[2]!.token, makeReport('k-3', {}, s.clock.now));
      const alerts = await colocationAlerts(s.url);
      expect(alerts).toHaveLength(1);
      expect(alerts[0]!.deviceIds).toEqual(['k-1', 'k-2', 'k-3']);
    } finally {
      await s.close();
      cleanup(s.dir);
    }
  });

});

describe('fleet.silent-agent and retention', () => {
  it('alerts on a device silent past nextReportBy + silentGraceHours, not before; resolves when it reports', async () => {
    const s = await startServer({ silentGraceHours: 72 });
    try {
      const { token } = await enroll(s.url, 'quiet');
      const start = s.clock.now;
      await postReport(s.url, token, makeReport('quiet', {}, start)); // promises a report within 330 s
      const silent = async () => (await getJson(s.url, '/api/v1/alerts')).body.alerts.filter((a: { rule: string }) => a.rule === 'fleet.silent-agent');

      s.clock.now = new Date(start.getTime() + 60 * 3_600_000); // a weekend: not yet
      expect(await s.server.runSilenceCheck()).toBe(0);
      s.clock.now = new Date(start.getTime() + 73 * 3_600_000);
      expect(await s.server.runSilenceCheck()).toBe(1);
      expect(await s.server.runSilenceCheck()).toBe(0); // one alert, not one per check
      const [alert] = await silent();
      expect(alert).toMatchObject({ status: 'open', deviceIds: ['quiet'], severity: 'medium' });

      await postReport(s.url, token, makeReport('quiet', {}, s.clock.now));
      expect((await silent())[0]).toMatchObject({ id: alert.id, status: 'resolved' });
    } finally {
      await s.close();
      cleanup(s.dir);
    }
  });

  it('runs the silence check on its own timer', async () => {
    const s = await startServer({}, { timers: true, silenceCheckMs: 50 });
    try {
      const { token } = await enroll(s.url, 'timer');
      await postReport(s.url, token, makeReport('timer', {}, s.clock.now));
      s.clock.now = new Date(s.clock.now.getTime() + 100 * 3_600_000);
      const deadline = Date.now() + 5000;
      let found = false;
      while (!found && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        found = (await getJson(s.url, '/api/v1/alerts?status=open')).body.alerts.some((a: { rule: string }) => a.rule === 'fleet.silent-agent');
      }
      expect(found).toBe(true);
    } finally {
      await s.close();
      cleanup(s.dir);
    }
  });

  it('prunes reports older than retentionDays', async () => {
    const s = await startServer({ retentionDays: 30 });
    try {
      const { token } = await enroll(s.url, 'old');
      const start = s.clock.now;
      await postReport(s.url, token, makeReport('old', {}, start));
      s.clock.now = new Date(start.getTime() + 20 * 86_400_000);
      await postReport(s.url, token, makeReport('old', {}, s.clock.now));
      s.clock.now = new Date(start.getTime() + 31 * 86_400_000);
      expect(await s.server.runPrune()).toBe(1);
      expect((await getJson(s.url, '/api/v1/devices/old')).body.history).toHaveLength(1);
    } finally {
      await s.close();
      cleanup(s.dir);
    }
  });
});
});

// The presence write-back is the SQLite engine's (server/ingest/presence.ts); PostgreSQL writes every report.
describe('SQLite presence rows', () => {
  it('a report within a minute of the last one does not rewrite the presence row', async () => {
    const s = await startOn();
    const file = s.db;
    try {
      const { token } = await enroll(s.url, 'p-1');
      const t0 = s.clock.now.getTime();
      await postReport(s.url, token, makeReport('p-1', {}, s.clock.now));
      s.clock.now = new Date(t0 + 30_000);
      await postReport(s.url, token, makeReport('p-1', {}, s.clock.now));
      const Database = (await import('better-sqlite3')).default;
      const read = () => {
        const db = new Database(file, { readonly: true });
        try {
          return db.prepare("SELECT last_seen_ms FROM presence WHERE device_id = 'p-1'").pluck().all() as number[];
        } finally {
          db.close();
        }
      };
      expect(read()).toEqual([t0]);
      s.clock.now = new Date(t0 + 61_000);
      await postReport(s.url, token, makeReport('p-1', {}, s.clock.now));
      expect(read()).toEqual([t0 + 61_000]);
    } finally {
      await s.close();
      cleanup(s.dir);
    }
  });
});
