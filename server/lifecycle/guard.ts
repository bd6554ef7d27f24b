import type { KeyObject } from 'node:crypto';
import { ChangeWatch } from '../db/change-watch.js';
import type { DevicePolicy } from '../../schema/policy.js';
import type { Report } from '../../schema/report.js';
import { ClientError } from '../body.js';
import type { ServerContext } from '../context.js';
import { resolvePolicy, type InventoryRow, type PolicyRecord } from '../policy/schema.js';
import { allowedSkewMs } from '../verdict/report-times.js';
import { serverVerdict } from '../verdict/verdict.js';
import { parsePublicKey, type SignatureParts } from './report-signature.js';
import type { DeviceSecurity, IngestGuard } from './storage-types.js';

/** ±10 minutes: a report signed further from the server's clock is refused (and the skew recorded). */
export const maxSkewMs = allowedSkewMs;

interface Known {
  security: DeviceSecurity;
  key: KeyObject | null;
  policy?: DevicePolicy;
}

export { parsePublicKey };

/**
 * How long a replica uses what it cached (policy, inventory, device keys and standing) before asking the database
 * whether any of it changed: a change made on another replica takes effect here within this, plus one query.
 */
export const recheckMs = 250;

/**
 * The report route's checks beyond the token, with what they need cached in memory: each device's public key and
 * standing, the current policy and inventory. The cache is checked against the database's change counter
 * (LifecycleStorage.changeCount, moved in the transaction of every change) at most every recheckMs, so that every
 * replica on one database answers alike; admin changes on this replica also call forget()/reloadPolicy() at once.
 * Nonces are not cached: each one is claimed in the database, where a replay is refused on every replica.
 */
export class Guard {
  private policy: PolicyRecord | undefined;
  private inventory = new Map<string, InventoryRow>();
  private readonly devices = new Map<string, Known>();
  /** The caches' freshness against the change counter; its generation guards reads begun before a drop. */
  private readonly watch: ChangeWatch;

  constructor(private readonly ctx: ServerContext) {
    this.watch = new ChangeWatch(() => ctx.storage.changeCount(), async () => {
      this.devices.clear();
      await this.loadPolicy();
    }, recheckMs);
  }

  /** The caches, valid as of at most recheckMs ago. */
  private fresh(): Promise<void> {
    return this.watch.fresh(!this.policy);
  }

  private drop(): void {
    this.watch.invalidate();
    this.devices.clear();
  }

  private async loadPolicy(): Promise<PolicyRecord> {
    const generation = this.watch.generation;
    const [policy, rows] = await Promise.all([this.ctx.storage.currentPolicy(), this.ctx.storage.inventory()]);
    if (generation === this.watch.generation || !this.policy) {
      this.policy = policy;
      this.inventory = new Map(rows.map((r) => [r.key, r]));
      for (const known of this.devices.values()) delete known.policy;
    }
    return policy;
  }

  /** After a policy change on this replica: the next report here is judged by it at once. */
  async reloadPolicy(): Promise<PolicyRecord> {
    this.drop();
    return this.loadPolicy();
  }

  forget(deviceId: string): void {
    this.watch.invalidate();
    this.devices.delete(deviceId);
  }

  private async known(deviceId: string): Promise<Known> {
    await this.fresh();
    let known = this.devices.get(deviceId);
    if (!known) {
      const generation = this.watch.generation;
      const security = await this.ctx.storage.deviceSecurity(deviceId);
      if (!security) throw new ClientError(401, 'unauthorized', 'unknown device');
      let key: KeyObject | null = null;
      try {
        key = security.publicKey ? parsePublicKey(security.publicKey) : null;
      } catch {
        key = null;
      }
      known = { security, key };
      if (this.devices.size >= 200_000) this.devices.clear();
      if (generation === this.watch.generation) this.devices.set(deviceId, known);
    }
    return known;
  }

  async policyFor(deviceId: string): Promise<DevicePolicy> {
    const known = await this.known(deviceId);
    known.policy ??= resolvePolicy(this.policy as PolicyRecord, known.security, this.inventory);
    return known.policy;
  }

  /** Policy for an enrollment answer (the device row was just written). */
  async policyForNew(deviceId: string): Promise<DevicePolicy> {
    this.forget(deviceId);
    return this.policyFor(deviceId);
  }

  /**
   * The device's registered signing key, as the base64 SPKI it enrolled with, or null when it sends unsigned reports
   * (no key, or one that does not parse: both have always been taken unsigned). Its signature is checked with the
   * report's other preparation (server/ingest-pool/prepare.ts), maybe on a worker thread.
   */
  async signingKey(deviceId: string): Promise<string | null> {
    const { key, security } = await this.known(deviceId);
    return key && security.publicKey ? security.publicKey : null;
  }

  /**
   * The main thread's half of a verified signature: its time within the allowed skew of the server's clock (a refusal
   * records the skew on the device) and its nonce never used before (claimed in the database, so on every replica).
   */
  async admit(deviceId: string, parts: Required<SignatureParts>): Promise<IngestGuard> {
    const now = this.ctx.now().getTime();
    const skewMs = Number(parts.timestamp) - now;
    const skewS = Math.round(skewMs / 1000);
    if (Math.abs(skewMs) > maxSkewMs) {
      await this.ctx.storage.recordClockSkew(deviceId, skewS, new Date(now));
      // The answer's Date header carries the server's clock: an agent signs its retry with it (agent/reporter.ts).
      throw new ClientError(401, 'clock_skew', `clock skew ${skewS} s: the report's time is outside ±${maxSkewMs / 1000} s of the server's clock; sign with the server's time (the Date header of this answer) and fix the laptop's clock (NTP)`);
    }
    if (!(await this.ctx.storage.claimNonce(deviceId, parts.nonce, now))) throw new ClientError(409, 'replayed', 'this signature nonce was already used: a replayed report is refused');
    return { signed: true, nonce: parts.nonce, clockSkewS: skewS };
  }

  /**
   * The server's verdict and what the response tells the agent about its policy. `helpdesk` gives the policy's
   * help-desk peer ids in the snapshot's hashed form, so the server's re-run of the session rules spares them too.
   */
  async judge(
    report: Report,
    helpdesk?: (policy: DevicePolicy) => Promise<ReadonlySet<string>>,
  ): Promise<{ guard: IngestGuard; policy: DevicePolicy | { version: number } }> {
    const policy = await this.policyFor(report.deviceId);
    const { thresholds } = (this.policy as PolicyRecord).body;
    const hashedHelpdesk = report.snapshot?.remoteSessions && policy.helpdeskPeers?.length && helpdesk ? [...(await helpdesk(policy))] : [];
    const verdict = serverVerdict(report, policy, thresholds, hashedHelpdesk.length ? { helpdeskPeers: hashedHelpdesk } : {});
    const { metrics } = this.ctx;
    if (verdict.ignored?.unknownRuleFindings) metrics.ignoreFindings('unknown_rule', verdict.ignored.unknownRuleFindings);
    if (verdict.ignored?.overCapFindings) metrics.ignoreFindings('over_rule_cap', verdict.ignored.overCapFindings);
    const guard = { verdict, maxReportGapMs: thresholds.maxReportGapSec * 1000, maxOpenAlertsPerDevice: thresholds.maxOpenAlertsPerDevice, onAlertsWithheld: (n: number) => (metrics.alertsWithheld += n) };
    // The whole policy only when the agent's is stale: most responses stay a few bytes.
    return { guard, policy: report.agent.policyVersion === policy.version ? { version: policy.version } : policy };
  }
}

const guards = new WeakMap<ServerContext, Guard>();

/** One guard per server (its caches live as long as the server). */
export function guardOf(ctx: ServerContext): Guard {
  let guard = guards.get(ctx);
  if (!guard) guards.set(ctx, (guard = new Guard(ctx)));
  return guard;
}
