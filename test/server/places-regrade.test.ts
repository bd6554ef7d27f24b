import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { FleetGrade } from '../../rules/fleet/index.js';
import { needsRegrade, type AlertStamp, type GradedEntry } from '../../server/places/grade-cache.js';
import { engines } from '../helpers/engines.js';
import { cleanup, enroll, getJson, makeReport, postReport, startServer, type Running } from './helpers.js';
import { adminSend } from './lifecycle/signed.js';

/**
 * The places pass grades a fleet.colocation alert again only when its row or one of its inputs changed since this
 * replica graded it (server/places/grade-cache.ts). These tests change one input at a time and read the grade.
 */
describe('needsRegrade', () => {
  const grade = { severity: 'medium', reasons: [] } as unknown as FleetGrade;
  const stamp: AlertStamp = { id: 7, updated_at: '2026-11-02T15:00:00.000Z', severity: 'medium', members_chars: 13 };
  const entry: GradedEntry = {
    updatedAt: stamp.updated_at, severity: 'medium', membersChars: 13, members: ['a', 'b', 'c'], places: ['gateway:g'], membersKey: 'a\nb\nc', grade, gradedMs: 1_000,
  };
  const none = { places: new Set<string>(), devices: new Set<string>() };

  it('trusts a grade whose row and inputs are unchanged, within trustMs', () => {
    expect(needsRegrade(entry, stamp, none, 1_500, 60_000)).toBe(false);
    expect(needsRegrade(entry, stamp, { places: new Set(['ip:1.2.3.4']), devices: new Set(['z']) }, 1_500, 60_000)).toBe(false);
  });

  it('grades again when never graded, or the row changed: updated_at, severity or members', () => {
    expect(needsRegrade(undefined, stamp, none, 1_500, 60_000)).toBe(true);
    expect(needsRegrade(entry, { ...stamp, updated_at: '2026-11-02T15:00:00.001Z' }, none, 1_500, 60_000)).toBe(true);
    expect(needsRegrade(entry, { ...stamp, severity: 'high' }, none, 1_500, 60_000)).toBe(true);
    expect(needsRegrade(entry, { ...stamp, members_chars: 17 }, none, 1_500, 60_000)).toBe(true);
    // PostgreSQL's driver may hand a count over as text.
    expect(needsRegrade(entry, { ...stamp, members_chars: '13' }, none, 1_500, 60_000)).toBe(false);
  });

  it('grades again when a presence day at one of its places or a member evidence was written', () => {
    expect(needsRegrade(entry, stamp, { ...none, places: new Set(['gateway:g']) }, 1_500, 60_000)).toBe(true);
    expect(needsRegrade(entry, stamp, { ...none, devices: new Set(['b']) }, 1_500, 60_000)).toBe(true);
  });

  it('trusts no grade longer than trustMs, nor one from the future of a clock set back', () => {
    expect(needsRegrade(entry, stamp, none, 61_000, 60_000)).toBe(true);
    expect(needsRegrade(entry, stamp, none, 999, 60_000)).toBe(true);
  });
});

interface AlertBody {
  rule: string;
  severity: string;
  deviceIds: string[];
  evidence: { grade?: { reasons: string[] } };
}

// Several replicas on PostgreSQL: two servers on one database, each with its own places pass and grade cache.
describe.each(engines)('fleet grades follow their inputs (%s)', (name, engine) => {
  it('a member evidence written on one replica and removed on the other re-grades the cluster; so do presence days and a policy change', async () => {
    const db = await engine.db();
    const config = { db, trustedProxies: ['127.0.0.1', '::1'] };
    const a = await startServer(config);
    const b: Running = name === 'postgres' ? await startServer(config) : a;
    const setClock = (at: string) => {
      a.clock.now = new Date(at);
      b.clock.now = new Date(at);
    };
    try {
      // New York laptops at a New York address (no zone mismatch): Monday 10:00 in New York.
      setClock('2026-11-02T15:00:00Z');
      const ids = ['g-1', 'g-2', 'g-3'];
      const enrolled = await Promise.all(ids.map((id) => enroll(a.url, id)));
      const hmac = (text: string) => createHmac('sha256', Buffer.from(enrolled[0]!.fleetKey, 'base64url')).update(text).digest('hex');
      const remote = { rule: 'remote-access.running', title: 'AnyDesk is running', severity: 'high', confidence: 0.95, subject: 'anydesk', evidence: {} };
      const post = async (s: Running, which: number[], withEvidence = false) => {
        for (const i of which) {
          const identity = { timezone: 'America/New_York', gatewayMac: hmac('gw:home'), wifiBssid: hmac('ap:home') };
          const report = makeReport(ids[i]!, { identity, ...(withEvidence ? { findings: [remote] } : {}) }, s.clock.now);
          expect((await postReport(s.url, enrolled[i]!.token, report, { 'x-forwarded-for': '73.15.20.1' })).status).toBe(202);
        }
        await s.server.settled();
      };
      const cluster = async (s: Running) => {
        const alerts = (await getJson(s.url, '/api/v1/alerts?limit=500')).body.alerts as AlertBody[];
        const found = alerts.filter((x) => x.rule === 'fleet.colocation');
        expect(found).toHaveLength(1);
        return { severity: found[0]!.severity, reasons: found[0]!.evidence.grade?.reasons ?? [] };
      };

      await post(a, [0, 1, 2]);
      expect(await cluster(a)).toMatchObject({ severity: 'medium', reasons: [expect.stringMatching(/not persistent/)] });
      // b grades the cluster once and keeps that grade: nothing it depends on changed.
      await post(b, [2]);
      expect((await cluster(b)).severity).toBe('medium');

      // Two members report remote access through b: member evidence on 2 of 3.
      await post(b, [0, 1], true);
      let graded = await cluster(a);
      expect(graded.severity).toBe('high');
      expect(graded.reasons.some((r) => /^member evidence on 2 of 3/.test(r))).toBe(true);

      // The same two report through a without it: a writes the evidence again (the stored one differs from it, whoever
      // wrote that) and grades the cluster back to medium.
      await post(a, [0, 1]);
      graded = await cluster(b);
      expect(graded.severity).toBe('medium');
      expect(graded.reasons.some((r) => /member evidence/.test(r))).toBe(false);
      // A report on b, whose cached grade is older than a's write, leaves it so.
      await post(b, [2]);
      expect((await cluster(a)).severity).toBe('medium');

      // Presence: the three at the place on two more days, at night (02:00 in New York), through b then a.
      setClock('2026-11-03T07:00:00Z');
      await post(b, [0, 1, 2]);
      expect((await cluster(a)).severity).toBe('medium');
      setClock('2026-11-04T07:00:00Z');
      await post(a, [0, 1, 2]);
      graded = await cluster(b);
      expect(graded.severity).toBe('high');
      expect(graded.reasons[0]).toMatch(/^co-present on 3 days and 2 nights/);

      // A policy change on a (four days now make a cluster persistent) reaches b's pass within its 250 ms recheck.
      expect((await adminSend(a.url, 'PUT', '/api/v1/policy', { fleetGrade: { persistDays: 4 } })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 300));
      await post(b, [2]);
      graded = await cluster(a);
      expect(graded.severity).toBe('medium');
      expect(graded.reasons[0]).toMatch(/not persistent \(needs 4 days/);
    } finally {
      await a.close();
      if (b !== a) await b.close();
      cleanup(a.dir);
      if (b !== a) cleanup(b.dir);
    }
  });
});
