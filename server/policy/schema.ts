import { z } from 'zod';
import { expectedRegionSchema, helpdeskPeersSchema, snapshotModes, type DevicePolicy, type ExpectedRegion } from '../../schema/policy.js';
import { defaultFleetGradePolicy } from '../../rules/fleet/grade.js';
import { defaultMaxOpenAlertsPerDevice } from '../device-alerts.js';
import { defaultMaxReportGapSec } from '../verdict/report-times.js';

/** Days after enrollment the device page marks as the new-hire window. */
export const defaultNewHireDays = 14;

/** One scope of the policy (defaults, a group, a device): what it sets replaces what the wider scope said. */
const scopeSchema = z.strictObject({
  expected: expectedRegionSchema.partial().optional(),
  allowTools: z.array(z.string().max(128)).max(500).optional(),
  reportSnapshot: z.enum(snapshotModes).optional(),
  /** The machine id, interface MACs and Wi-Fi SSID in clear in the sent snapshot (default false: keyed hashes). */
  clearIdentifiers: z.boolean().optional(),
  /** Peer ids of the company's own remote support, in clear: their sessions raise nothing. */
  helpdeskPeers: helpdeskPeersSchema.optional(),
  /** Whether a remote session's peer address may be looked up for its country and ASN (default false). */
  remoteSessionsSendPeerAddress: z.boolean().optional(),
  /** Windows agents probe the peer of a remote-control session for its RTT (default false: no probe). */
  sessionRttProbe: z.boolean().optional(),
});

/** A token bucket: `burst` requests at once, then one more every 60/`perMinute` seconds. */
const rate = (defaults: { perMinute: number; burst: number }) =>
  z
    .strictObject({
      perMinute: z.number().min(0.01).max(1_000_000).default(defaults.perMinute),
      burst: z.number().int().min(1).max(1_000_000).default(defaults.burst),
    })
    .prefault({});

/**
 * Request rate limits (server/limits/). An agent reports every 5 minutes; after an outage it drains its spool as fast
 * as these allow, so `reports` is far above the normal pace and its burst covers a few hours of backlog at once.
 */
export const rateLimitsSchema = z
  .strictObject({
    /** Reports per device token. */
    reports: rate({ perMinute: 12, burst: 60 }),
    /** Enrollments per enroll secret (the fleet's or a named one): an MDM rollout behind one address passes. */
    enrollPerSecret: rate({ perMinute: 300, burst: 1000 }),
    /** Enrollments with an unknown secret, per source address (IPv6: per /64). Only failures count. */
    enrollGuesses: rate({ perMinute: 2, burst: 20 }),
    /** Wrong admin tokens (dashboard sign-in and the admin API's Bearer), per source address. Only failures count. */
    adminGuesses: rate({ perMinute: 2, burst: 10 }),
  })
  .prefault({});
export type RateLimits = z.infer<typeof rateLimitsSchema>;
export type Rate = RateLimits['reports'];

/**
 * Places the company declares: a gateway MAC hash, a Wi-Fi BSSID hash (as the server shows them) or an exact source
 * address. office/ignored: exempt from co-location, shared fingerprint and neighbour rules; none: a place the server
 * learned as an office that is not one.
 */
const placesSchema = z
  .array(z.strictObject({ kind: z.enum(['ip', 'gateway', 'wifi']), value: z.string().min(1).max(128), role: z.enum(['office', 'ignored', 'none']), label: z.string().max(200).optional() }))
  .max(10_000)
  .default([]);

/** Thresholds of the fleet grade (rules/fleet/grade.ts); the defaults are defaultFleetGradePolicy's. */
const fleetGradeSchema = z
  .strictObject({
    persistDays: z.number().int().min(1).max(365).default(defaultFleetGradePolicy.persistDays),
    overnightNights: z.number().int().min(0).max(365).default(defaultFleetGradePolicy.overnightNights),
    nightStartHour: z.number().int().min(0).max(23).default(defaultFleetGradePolicy.nightStartHour),
    nightEndHour: z.number().int().min(1).max(24).default(defaultFleetGradePolicy.nightEndHour),
    minEvidenceMembers: z.number().int().min(1).max(100).default(defaultFleetGradePolicy.minEvidenceMembers),
    householdMaxDevices: z.number().int().min(1).max(100).default(defaultFleetGradePolicy.householdMaxDevices),
    turnoverMinDevices: z.number().int().min(2).max(100_000).default(defaultFleetGradePolicy.turnoverMinDevices),
    turnoverOneDayShare: z.number().min(0).max(1).default(defaultFleetGradePolicy.turnoverOneDayShare),
    shortDwellHours: z.number().min(0).max(24).default(defaultFleetGradePolicy.shortDwellHours),
    lookbackDays: z.number().int().min(1).max(90).default(defaultFleetGradePolicy.lookbackDays),
  })
  .prefault({});

/** The policy document an admin PUTs (GET returns it with its version). Versions are assigned by the server. */
export const policyBodySchema = z.strictObject({
  catalogVersion: z.string().max(64).optional(),
  defaults: scopeSchema.prefault({}),
  groups: z.record(z.string().max(128), scopeSchema).default({}),
  devices: z.record(z.string().max(128), scopeSchema.extend({ group: z.string().max(128).optional() })).default({}),
  weights: z.record(z.string().max(128), z.number().min(0).max(1)).default({}),
  thresholds: z
    .strictObject({
      /** agent.score-mismatch when the server's score exceeds the agent's by this many points... */
      scoreMismatchPoints: z.number().int().min(1).max(100).default(30),
      /** ...or its level is this many levels higher. */
      scoreMismatchLevels: z.number().int().min(1).max(4).default(2),
      /** A device's open finding alerts (one per rule at most); past it new ones wait. Tamper-class alerts never wait. */
      maxOpenAlertsPerDevice: z.number().int().min(1).max(1000).default(defaultMaxOpenAlertsPerDevice),
      /**
       * The longest next-report promise (nextReportBy − collectedAt) the server believes, in seconds; a longer one is
       * cut to this (fleet.silent-agent's schedule) and leaves agent.clock-skew. Default 27 h: the agent's longest
       * interval (a day) with its jitter and one cycle's slack.
       */
      maxReportGapSec: z.number().int().min(60).max(7 * 86_400).default(defaultMaxReportGapSec),
      /** The new-hire window: the device page marks a device's first this many days after enrollment (docs/server.md). */
      newHireDays: z.number().int().min(0).max(365).default(defaultNewHireDays),
    })
    .prefault({}),
  limits: rateLimitsSchema,
  // Places and fleet grading (docs/geo.md "Places"): appended, so every other key keeps its meaning.
  places: placesSchema,
  fleetGrade: fleetGradeSchema,
});
export type PolicyBody = z.infer<typeof policyBodySchema>;

export interface PolicyRecord {
  version: number;
  body: PolicyBody;
  createdAt: string;
}

/** A row of the imported inventory: a device id or serial (or hostname), who has it, where it should be. */
export interface InventoryRow {
  key: string;
  employee: string | null;
  country: string | null;
  group: string | null;
}

export interface DeviceKeys {
  deviceId: string;
  serial?: string | null | undefined;
  hostname?: string | null | undefined;
}

const emptyRegion = (): ExpectedRegion => ({ timezones: [], locales: [], keyboardLayouts: [], countries: [] });

/** The device's own row of the inventory: by device id first, then serial, then hostname. */
export function inventoryRowOf(device: DeviceKeys, inventory: ReadonlyMap<string, InventoryRow>): InventoryRow | undefined {
  return inventory.get(device.deviceId) ?? (device.serial ? inventory.get(device.serial) : undefined) ?? (device.hostname ? inventory.get(device.hostname) : undefined);
}

/** A record's own entry: undefined for a key the record only inherits ("constructor", "__proto__", "toString"). */
const ownEntry = <T>(record: Readonly<Record<string, T>>, key: string): T | undefined => (Object.hasOwn(record, key) ? record[key] : undefined);

/** Pure: defaults, then the group (device entry's, else inventory's), then the device entry, then the inventory country. */
export function resolvePolicy(policy: PolicyRecord, device: DeviceKeys, inventory: ReadonlyMap<string, InventoryRow>): DevicePolicy {
  const { body } = policy;
  const row = inventoryRowOf(device, inventory);
  // Device ids and serials are chosen by the laptop: read as the policy's own keys, never inherited ones ("constructor").
  const own = ownEntry(body.devices, device.deviceId) ?? (device.serial ? ownEntry(body.devices, device.serial) : undefined);
  const groupName = own?.group ?? row?.group ?? undefined;
  const group = groupName ? ownEntry(body.groups, groupName) : undefined;
  const expected = emptyRegion();
  let allowTools: string[] = [];
  let reportSnapshot: DevicePolicy['reportSnapshot'];
  let clearIdentifiers = false;
  let helpdeskPeers: string[] | undefined;
  let remoteSessionsSendPeerAddress = false;
  let sessionRttProbe = false;
  for (const scope of [body.defaults, group, own]) {
    if (!scope) continue;
    for (const key of Object.keys(expected) as (keyof ExpectedRegion)[]) {
      const list = scope.expected?.[key];
      if (list) expected[key] = [...list];
    }
    if (scope.allowTools) allowTools = [...scope.allowTools];
    if (scope.reportSnapshot) reportSnapshot = scope.reportSnapshot;
    if (scope.clearIdentifiers !== undefined) clearIdentifiers = scope.clearIdentifiers;
    if (scope.helpdeskPeers) helpdeskPeers = [...scope.helpdeskPeers];
    if (scope.remoteSessionsSendPeerAddress !== undefined) remoteSessionsSendPeerAddress = scope.remoteSessionsSendPeerAddress;
    if (scope.sessionRttProbe !== undefined) sessionRttProbe = scope.sessionRttProbe;
  }
  // The inventory names where the employee works: it fixes the country unless the device entry says otherwise.
  if (row?.country && !own?.expected?.countries) expected.countries = [row.country];
  return {
    version: policy.version,
    ...(body.catalogVersion ? { catalogVersion: body.catalogVersion } : {}),
    ...(groupName ? { group: groupName } : {}),
    expected,
    allowTools,
    weights: { ...body.weights },
    ...(reportSnapshot ? { reportSnapshot } : {}),
    ...(clearIdentifiers ? { clearIdentifiers } : {}),
    ...(helpdeskPeers?.length ? { helpdeskPeers } : {}),
    ...(remoteSessionsSendPeerAddress ? { remoteSessionsSendPeerAddress } : {}),
    ...(sessionRttProbe ? { sessionRttProbe } : {}),
  };
}
