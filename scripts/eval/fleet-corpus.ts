/**
 * The labelled fleet corpus: simulated fleets over days fed through the real server over HTTP on loopback, from real
 * public addresses of the bundled country/ASN data (through X-Forwarded-For from a trusted proxy), and the alerts it
 * opens compared with the labels. Part of `npm run eval`; test/scenarios/fleet-corpus.test.ts is the gate.
 *
 * One company of 52 laptops over five days (Monday–Friday, a report every 4 h, America/New_York):
 * a farm (six employees' laptops behind one residential address, router and Wi-Fi, day and night), a farm driven
 * through an IP-KVM, an office of 15 with docks (office address in officeNetworks), couples working from home (one
 * with remote-control sessions on both laptops), a coworking space, employees behind the company's SSE egress,
 * Macs behind iCloud Private Relay and consumer WARP, travellers.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createServer } from '../../server/app.js';
import { parseServerConfig } from '../../server/config.js';
import { openGeo } from '../../server/geo/open.js';

const secrets = { enrollSecret: 'enroll-secret-for-the-fleet-corpus', adminToken: 'admin-token-for-the-fleet-corpus-0123456789' };
const admin = { authorization: `Bearer ${secrets.adminToken}` };

/** Real public addresses; their country and ASN are read from the bundled databases at run time (and printed). */
export const addresses = {
  farm: '73.15.20.1', // Comcast, US (AS7922)
  kvmFarm: '98.207.11.3', // Comcast, US
  office: '12.161.8.20', // AT&T, US (AS7018): the office, in officeNetworks
  coworking: '50.205.30.4', // Comcast business, US
  sse: '165.225.8.10', // Zscaler, US (AS22616): the company's SSE egress, in egressNetworks
  appleRelay: '172.224.10.1', // Akamai, US (AS36183): iCloud Private Relay egress
  warp: '104.28.1.1', // Cloudflare, US (AS13335): consumer WARP
  germany: '79.200.10.5', // Deutsche Telekom, DE (AS3320)
  korea: '211.234.10.10', // LG DACOM, KR (AS3786)
  hetzner: '5.9.0.1', // Hetzner, DE (AS24940): a hosting network
  home: (n: number) => `73.162.${40 + Math.floor(n / 200)}.${(n % 200) + 7}`, // Comcast, US: one per home
} as const;

export const fleetConfig = {
  officeNetworks: ['12.161.8.0/24'],
  egressNetworks: ['165.225.8.0/24'],
  trustedProxies: ['127.0.0.1', '::1'],
  expected: { countries: ['US'] },
};

interface Spot {
  ip: string;
  lan: string;
  gateway: boolean;
  wifi: boolean;
  rtt: number;
  tz?: string;
}
type Where = Spot | null;
interface Member {
  id: string;
  group: string;
  /** Where the laptop is at a slot (day 0–4, local hour 0–21 step 3), or null when it does not report. */
  at(day: number, hour: number): Where;
  findings?: Record<string, unknown>[];
}

const ny = 'America/New_York';
const homeOf = (n: number): Spot => ({ ip: addresses.home(n), lan: `home-${n}`, gateway: true, wifi: true, rtt: 20 + (n % 17) });
const always = (w: Where) => () => w;
const finding = (rule: string, subject?: string) => ({ rule, title: rule, severity: 'high', confidence: 0.9, evidence: {}, ...(subject ? { subject } : {}) });

/** The fleet and its labels: which (rule, device) must be in a high/critical fleet alert, which geo alerts must open. */
export function fleet(): { members: Member[]; expectedHigh: Record<string, string[]>; expectedGeo: Record<string, string[]> } {
  const members: Member[] = [];
  let homes = 0;
  const add = (group: string, n: number, make: (id: string, i: number) => Omit<Member, 'id' | 'group'>) => {
    const ids: string[] = [];
    for (let i = 1; i <= n; i++) {
      const id = `${group}-${i}`;
      members.push({ id, group, ...make(id, i) });
      ids.push(id);
    }
    return ids;
  };
  const farmAt: Where = { ip: addresses.farm, lan: 'farm', gateway: true, wifi: true, rtt: 31 };
  const farm = add('farm', 6, () => ({ at: always(farmAt) }));
  const kvmAt: Where = { ip: addresses.kvmFarm, lan: 'kvm-farm', gateway: true, wifi: true, rtt: 27 };
  const kvm = add('kvmfarm', 4, () => ({ at: always(kvmAt), findings: [finding('ipkvm.usb', 'pikvm'), finding('jiggler.hardware')] }));
  // Office: weekdays 8–16 at the office (docked, or on the office Wi-Fi), evenings and nights at home.
  add('office', 15, (_id, i) => {
    const home = homeOf(homes++);
    const docked = i % 3 !== 0;
    const office: Where = { ip: addresses.office, lan: 'office', gateway: true, wifi: !docked, rtt: 12 };
    return { at: (_d, h) => (h >= 8 && h <= 16 ? office : home) };
  });
  // Couples: two employees, one home, one router, one Wi-Fi; the third couple's laptops are remotely driven.
  const couple = (name: string, evidence: boolean) => {
    const at: Where = { ...homeOf(homes++), lan: `couple-${name}` };
    return add(`couple${name}`, 2, () => ({ at: always(at), ...(evidence ? { findings: [finding('remote-access.session', 'anydesk')] } : {}) }));
  };
  couple('a', false);
  couple('b', false);
  const remoteCouple = couple('c', true);
  // Coworking: eight employees, six of them on Monday, the rest on one or two other days, 8:00–12:00 each visit.
  const coworking: Where = { ip: addresses.coworking, lan: 'coworking', gateway: true, wifi: true, rtt: 18 };
  const visits: number[][] = [[0, 2], [0], [0, 3], [0], [0, 4], [0], [1, 3], [2, 4]];
  add('cowork', 8, (_id, i) => {
    const home = homeOf(homes++);
    const days = visits[i - 1]!;
    return { at: (d, h) => (days.includes(d) && h >= 8 && h <= 12 ? coworking : home) };
  });
  // SSE: at their own homes, every report leaves through the company's Zscaler egress.
  add('sse', 5, () => ({ at: always({ ...homeOf(homes++), ip: addresses.sse }) }));
  // Relays: Macs at their own homes behind iCloud Private Relay (Akamai) or consumer WARP (Cloudflare).
  add('applerelay', 3, () => ({ at: always({ ...homeOf(homes++), ip: addresses.appleRelay }) }));
  const warp = add('warp', 2, () => ({ at: always({ ...homeOf(homes++), ip: addresses.warp }), findings: [finding('network.vpn', 'cloudflare-warp')] }));
  // Travellers: one flies to Berlin on Wednesday night (arrives Thursday), one's reports jump to Korea within hours.
  const berlinHome = homeOf(homes++);
  const berlin: Where = { ip: addresses.germany, lan: 'hotel-berlin', gateway: true, wifi: true, rtt: 90, tz: 'Europe/Berlin' };
  const [flyer] = add('traveller', 1, () => ({ at: (d, h) => (d < 2 || (d === 2 && h <= 12) ? berlinHome : d === 2 ? null : berlin) }));
  const koreaHome = homeOf(homes++);
  const [jumper] = add('jumper', 1, () => ({ at: (d, h) => (d === 1 && h === 12 ? { ...koreaHome, ip: addresses.korea } : koreaHome) }));
  const [hosted] = add('hosted', 1, () => ({ at: always({ ...homeOf(homes++), ip: addresses.hetzner }) }));
  return {
    members,
    expectedHigh: {
      'fleet.colocation': [...farm, ...kvm],
      'fleet.shared-fingerprint': [...farm, ...kvm, ...remoteCouple],
      'fleet.neighbor-devices': [...farm, ...kvm, ...remoteCouple],
      'fleet.rare-tool': [],
      'fleet.silent-agent': [],
    },
    expectedGeo: {
      'geo.country-mismatch': [flyer!, jumper!, hosted!],
      'geo.impossible-travel': [jumper!],
      'geo.timezone-mismatch': [jumper!, hosted!],
      'geo.hosting-network': [...warp, hosted!],
    },
  };
}

interface AlertBody {
  id: number;
  rule: string;
  severity: string;
  deviceIds: string[];
  summary: string;
  evidence: Record<string, unknown>;
}

export interface RuleScore {
  rule: string;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  falsePositives: string[];
  missed: string[];
}

export interface CaseResult {
  name: string;
  ok: boolean;
  detail: string;
}

export interface FleetCorpusResult {
  reports: number;
  devices: number;
  ms: number;
  sources: Record<string, string>;
  fleetHigh: RuleScore[];
  geo: RuleScore[];
  cases: CaseResult[];
  alerts: AlertBody[];
}

const slots = [0, 4, 8, 12, 16, 20];
// Monday 2026-11-02 00:00 in New York (UTC−5).
const start = Date.UTC(2026, 10, 2, 5, 0, 0);

function score(rule: string, expected: readonly string[], actual: ReadonlySet<string>): RuleScore {
  const want = new Set(expected);
  const tp = [...actual].filter((d) => want.has(d)).length;
  const falsePositives = [...actual].filter((d) => !want.has(d)).sort();
  const missed = [...want].filter((d) => !actual.has(d)).sort();
  const fp = falsePositives.length;
  const fn = missed.length;
  return { rule, tp, fp, fn, precision: tp + fp ? tp / (tp + fp) : 1, recall: tp + fn ? tp / (tp + fn) : 1, falsePositives, missed };
}

/** Runs the corpus on a fresh server (SQLite in a temp dir unless `db` names a database) and scores it. */
export async function runFleetCorpus(options: { db?: string } = {}): Promise<FleetCorpusResult> {
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'fw-fleet-corpus-'));
  const clock = { now: new Date(start - 3_600_000) };
  const server = await createServer({
    config: parseServerConfig({ host: '127.0.0.1', port: 0, db: options.db ?? join(dir, 'farmwatch.db'), ...fleetConfig }),
    secrets,
    logger: pino({ level: 'silent' }),
    now: () => clock.now,
    timers: false,
  });
  const url = await server.listen();
  try {
    const { members, expectedHigh, expectedGeo } = fleet();
    const tokens = new Map<string, string>();
    let fleetKey = '';
    for (const m of members) {
      const res = await fetch(`${url}/api/v1/enroll`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ secret: secrets.enrollSecret, deviceId: m.id, hostname: `${m.id}.corp`, platform: 'darwin', agentVersion: '0.1.0' }),
      });
      if (res.status !== 200) throw new Error(`enroll ${m.id}: ${res.status} ${await res.text()}`);
      const body = (await res.json()) as { token: string; fleetKey: string };
      tokens.set(m.id, body.token);
      fleetKey = body.fleetKey;
    }
    const hmac = (text: string) => createHmac('sha256', Buffer.from(fleetKey, 'base64url')).update(text).digest('hex');
    const macOf = (id: string) => hmac(`self:${id}`);
    let reports = 0;
    for (let day = 0; day < 5; day++) {
      for (const hour of slots) {
        clock.now = new Date(start + (day * 24 + hour) * 3_600_000);
        const here = members.map((m) => ({ m, w: m.at(day, hour) })).filter((x): x is { m: Member; w: NonNullable<Where> } => x.w !== null);
        const lans = new Map<string, string[]>();
        for (const { m, w } of here) lans.set(w.lan, [...(lans.get(w.lan) ?? []), m.id]);
        const post = async ({ m, w }: { m: Member; w: NonNullable<Where> }) => {
          const jitter = (m.id.length % 3) * 0.5;
          const body = {
            reportId: randomUUID(),
            deviceId: m.id,
            agentVersion: '0.1.0',
            collectedAt: clock.now.toISOString(),
            sentAt: clock.now.toISOString(),
            nextReportBy: new Date(clock.now.getTime() + 4 * 3_600_000).toISOString(),
            score: 0,
            level: 'none',
            findings: m.findings ?? [],
            agent: { version: '0.1.0', configHash: 'corpus', health: { cpuMs: 20 } },
            identity: {
              timezone: w.tz ?? ny,
              ...(w.gateway ? { gatewayMac: hmac(`gw:${w.lan}`) } : {}),
              ...(w.wifi ? { wifiBssid: hmac(`ap:${w.lan}`) } : {}),
              selfMacs: [macOf(m.id)],
              neighborMacs: (lans.get(w.lan) ?? []).filter((o) => o !== m.id).map(macOf),
            },
            snapshot: { schemaVersion: 1, network: { probes: [{ host: 'farmwatch.example', port: 443, rttMs: w.rtt + jitter }] } },
          };
          const res = await fetch(`${url}/api/v1/reports`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(m.id)}`, 'x-forwarded-for': w.ip },
            body: JSON.stringify(body),
          });
          if (res.status !== 202) throw new Error(`report ${m.id} day ${day} ${hour}:00: ${res.status} ${await res.text()}`);
          reports++;
        };
        // A slot's reports arrive together, as a fleet's do: batches of them share a transaction.
        for (let i = 0; i < here.length; i += 26) await Promise.all(here.slice(i, i + 26).map(post));
      }
    }
    const alerts: AlertBody[] = [];
    let cursor: string | undefined;
    do {
      const res = await fetch(`${url}/api/v1/alerts?limit=500${cursor ? `&cursor=${cursor}` : ''}`, { headers: admin });
      const body = (await res.json()) as { alerts: AlertBody[]; nextCursor?: string };
      alerts.push(...body.alerts);
      cursor = body.nextCursor;
    } while (cursor);

    const devicesIn = (rule: string, severities: readonly string[]) =>
      new Set(alerts.filter((a) => a.rule === rule && severities.includes(a.severity)).flatMap((a) => (a.rule.startsWith('geo.') ? a.deviceIds : a.deviceIds)));
    const fleetHigh = Object.entries(expectedHigh).map(([rule, expected]) => score(rule, expected, devicesIn(rule, ['high', 'critical'])));
    const geo = Object.entries(expectedGeo).map(([rule, expected]) => score(rule, expected, devicesIn(rule, ['low', 'medium', 'high', 'critical'])));

    const of = (group: string) => members.filter((m) => m.group === group).map((m) => m.id);
    const fleetAlertsOf = (ids: readonly string[]) => alerts.filter((a) => a.rule.startsWith('fleet.') && a.deviceIds.some((d) => ids.includes(d)));
    const coloc = alerts.filter((a) => a.rule === 'fleet.colocation');
    const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));
    const cases: CaseResult[] = [];
    const check = (name: string, ok: boolean, detail: string) => cases.push({ name, ok, detail });
    const farmAlerts = coloc.filter((a) => a.deviceIds.some((d) => of('farm').includes(d)));
    check('farm: one co-location alert covering all six, high, saying why', farmAlerts.length === 1 && sameSet(farmAlerts[0]!.deviceIds, of('farm')) && farmAlerts[0]!.severity === 'high' && Array.isArray((farmAlerts[0]!.evidence.grade as { reasons?: unknown } | undefined)?.reasons),
      farmAlerts.map((a) => `${a.severity} [${a.deviceIds.join(' ')}] ${((a.evidence.grade as { reasons?: string[] } | undefined)?.reasons ?? []).join('; ')}`).join(' | ') || 'no alert');
    const kvmAlerts = coloc.filter((a) => a.deviceIds.some((d) => of('kvmfarm').includes(d)));
    check('farm with a KVM: co-location critical (persistence and member evidence)', kvmAlerts.length === 1 && kvmAlerts[0]!.severity === 'critical',
      kvmAlerts.map((a) => `${a.severity} ${((a.evidence.grade as { reasons?: string[] } | undefined)?.reasons ?? []).join('; ')}`).join(' | ') || 'no alert');
    const office = fleetAlertsOf(of('office'));
    check('office with docks (officeNetworks): no fleet alert of any severity', office.length === 0, office.map((a) => `${a.rule} ${a.severity}`).join(', ') || 'none');
    const couples = fleetAlertsOf([...of('couplea'), ...of('coupleb')]);
    check('couples at home: fingerprint and neighbour alerts low, no co-location', couples.length > 0 && couples.every((a) => a.severity === 'low' && a.rule !== 'fleet.colocation'),
      couples.map((a) => `${a.rule} ${a.severity}`).join(', ') || 'none');
    const remote = fleetAlertsOf(of('couplec'));
    check('a couple whose laptops are remotely driven: high', remote.length > 0 && remote.every((a) => a.severity === 'high'), remote.map((a) => `${a.rule} ${a.severity}`).join(', ') || 'none');
    const cowork = fleetAlertsOf(of('cowork'));
    check('coworking space (six on Monday, turnover, short stays): low', cowork.length > 0 && cowork.every((a) => a.severity === 'low'),
      cowork.map((a) => `${a.rule} ${a.severity} ${((a.evidence.grade as { reasons?: string[] } | undefined)?.reasons ?? []).slice(-1).join('')}`).join(', ') || 'none');
    const sse = fleetAlertsOf(of('sse'));
    check('SSE egress in egressNetworks: no fleet alert', sse.length === 0, sse.map((a) => `${a.rule} ${a.severity}`).join(', ') || 'none');
    const relays = fleetAlertsOf([...of('applerelay'), ...of('warp')]);
    check('iCloud Private Relay and WARP users: no co-location, no fleet alert', relays.length === 0, relays.map((a) => `${a.rule} ${a.severity}`).join(', ') || 'none');
    const travellers = fleetAlertsOf([...of('traveller'), ...of('jumper'), ...of('hosted')]);
    check('travellers: geo alerts only, no fleet alert', travellers.length === 0, travellers.map((a) => `${a.rule} ${a.severity}`).join(', ') || 'none');

    const sources: Record<string, string> = {};
    const geoDb = openGeo({ enabled: true });
    for (const [name, ip] of Object.entries(addresses)) {
      if (typeof ip !== 'string') continue;
      const g = geoDb?.lookup(ip);
      sources[name] = `${ip} ${g?.country ?? '?'} AS${g?.asn ?? '?'} ${g?.asOrg ?? ''}`.trim();
    }
    return { reports, devices: members.length, ms: Math.round(performance.now() - started), sources, fleetHigh, geo, cases, alerts };
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatFleetCorpus(r: FleetCorpusResult): string {
  const out: string[] = [];
  const line = (s: RuleScore) =>
    `${s.rule.padEnd(26)} precision ${s.precision.toFixed(2)}  recall ${s.recall.toFixed(2)}  TP ${s.tp}  FP ${s.fp}  FN ${s.fn}` +
    (s.falsePositives.length ? `  false: ${s.falsePositives.join(' ')}` : '') +
    (s.missed.length ? `  missed: ${s.missed.join(' ')}` : '');
  out.push(`Fleet corpus: ${r.devices} laptops, ${r.reports} reports over 5 simulated days through a real server on loopback (${(r.ms / 1000).toFixed(1)} s)`);
  out.push('Sources (bundled country/ASN data):');
  for (const [name, s] of Object.entries(r.sources)) out.push(`  ${name.padEnd(11)} ${s}`);
  out.push('');
  out.push('Fleet rules, high/critical alerts, per (rule, device):');
  for (const s of r.fleetHigh) out.push(`  ${line(s)}`);
  const all = r.fleetHigh.reduce((a, s) => ({ tp: a.tp + s.tp, fp: a.fp + s.fp, fn: a.fn + s.fn }), { tp: 0, fp: 0, fn: 0 });
  out.push(`  ${'all fleet rules'.padEnd(26)} precision ${(all.tp + all.fp ? all.tp / (all.tp + all.fp) : 1).toFixed(2)}  recall ${(all.tp + all.fn ? all.tp / (all.tp + all.fn) : 1).toFixed(2)}`);
  out.push('Geo rules, alerts of any severity, per (rule, device):');
  for (const s of r.geo) out.push(`  ${line(s)}`);
  out.push('');
  out.push('Cases:');
  for (const c of r.cases) out.push(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
  return out.join('\n');
}
