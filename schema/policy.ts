import { z } from 'zod';

/** Where a device is expected to be: lists of IANA zones / BCP 47 tags / layouts (globs allowed) and ISO countries. */
export const expectedRegionSchema = z.object({
  timezones: z.array(z.string().max(64)).max(200).default([]),
  locales: z.array(z.string().max(64)).max(200).default([]),
  keyboardLayouts: z.array(z.string().max(64)).max(200).default([]),
  countries: z.array(z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2, e.g. "US"')).max(250).default([]),
});
export type ExpectedRegion = z.infer<typeof expectedRegionSchema>;

/** Help-desk peer ids: at most 500, each at most 128 characters. */
export const helpdeskPeersSchema = z.array(z.string().min(1).max(128)).max(500);

export const snapshotModes = ['never', 'on-findings', 'always'] as const;

/**
 * The policy one device gets from its server (in the enroll and report responses), resolved for that device:
 * defaults, then its group, then its own row. The agent applies it from its next cycle and reports `version`.
 */
export const devicePolicySchema = z.looseObject({
  version: z.number().int().nonnegative(),
  catalogVersion: z.string().max(64).optional(),
  group: z.string().max(128).optional(),
  expected: expectedRegionSchema,
  /** Sanctioned catalog ids: the server's list is the only one (local config cannot add to it). */
  allowTools: z.array(z.string().max(128)).max(500),
  /** Rule id → weight (0-1) replacing the rule's own weight in the score. */
  weights: z.record(z.string(), z.number().min(0).max(1)),
  /** The least the report must carry; local config may send more, never less. */
  reportSnapshot: z.enum(snapshotModes).optional(),
  /** The machine id, interface MACs and Wi-Fi SSID travel in the snapshot in clear; absent or false: as keyed hashes. */
  clearIdentifiers: z.boolean().optional(),
  /**
   * Remote-tool peer ids of the company's own support, in clear: sessions with them raise nothing. The agent compares
   * them before hashing; the server compares their keyed hashes.
   */
  helpdeskPeers: helpdeskPeersSchema.optional(),
  /** A remote session's peer address may be looked up (country, ASN); default false: it is only hashed. */
  remoteSessionsSendPeerAddress: z.boolean().optional(),
  /**
   * Windows: the agent measures the RTT of remote-control sessions by probing their remote peer (three ICMP echoes,
   * else TCP connects to the peer's port; at most three peers a cycle, only while a session is connected). Absent or
   * false: no probe, and the snapshot's network notes say RTT was not measured.
   */
  sessionRttProbe: z.boolean().optional(),
});
export type DevicePolicy = z.infer<typeof devicePolicySchema>;

/** What a report or enroll response carries: the whole policy when the agent's version is stale, else the version. */
export const policyDeliverySchema = z.union([devicePolicySchema, z.looseObject({ version: z.number().int().nonnegative() })]);
