import { createHmac } from 'node:crypto';
import {
  decideSharedOperator, decideSharedPeripheral, defaultOperatorPolicy, defaultPeripheralPolicy, isVendorDefault, normalizePeerId,
  operatorSightingsOf, peripheralSightingsOf, sharedOperatorRule, sharedPeripheralRule,
  type OperatorSighting, type PeripheralPolicy, type PeripheralSighting, type SharedPolicy,
} from '../../rules/fleet/index.js';
import type { DevicePolicy } from '../../schema/policy.js';
import { forwarderNames } from '../forwarders/config.js';
import { identifierRekeyer } from '../rekey-identifiers.js';
import type { ServerContext } from '../context.js';
import type { IngestItem } from '../ingest/item.js';
import type { SqlDb } from '../db/sql/types.js';
import { devicesEver, membersOf, pruneSightings, recordPlace, recordSighting, upsertSharedAlert, type AlertWriter } from './store.js';

export interface GraphPolicy {
  operator: SharedPolicy;
  peripheral: PeripheralPolicy;
  /** Sightings are kept this long (the longest window, and the history a vendor default is judged on). */
  keepDays: number;
}

export const defaultGraphPolicy: GraphPolicy = { operator: defaultOperatorPolicy, peripheral: defaultPeripheralPolicy, keepDays: 90 };

export interface GraphCounts {
  /** Session peers or serials refused at the boundary (not a keyed hash, wrong shape). */
  skipped: number;
  /** Peers left out because the policy lists them as the company's help desk. */
  helpdesk: number;
  /** Alerts opened or changed. */
  alerts: number;
  /** Reports whose graph step failed. */
  errors: number;
}

/** The server's help-desk hashes of a device policy: each listed id hashed as the agent would, then keyed again. */
export function helpdeskHashes(fleetKey: string, ids: readonly string[], rekey: (v: string) => string): Set<string> {
  const key = Buffer.from(fleetKey, 'base64url');
  return new Set(ids.slice(0, 500).map((id) => rekey(createHmac('sha256', key).update(normalizePeerId(id)).digest('hex'))));
}

/**
 * The operator graph on the ingest path: after a report is committed, its remote-session peers and peripheral
 * serials (keyed hashes) are recorded per laptop, and a key now shared by enough laptops opens or grows one
 * fleet.shared-operator or fleet.shared-peripheral alert. One transaction per report, only for reports that carry
 * such keys; a failure here is logged and counted, never fails the report (it is already stored).
 */
export class OperatorGraph {
  readonly counts: GraphCounts = { skipped: 0, helpdesk: 0, alerts: 0, errors: 0 };
  private readonly writer: AlertWriter;
  private readonly rekey: (v: string) => string;
  private fleetKey: string | undefined;
  private helpdesk = new Map<string, Set<string>>();
  private prunedAt = 0;

  constructor(private readonly ctx: ServerContext, private readonly policy: GraphPolicy = defaultGraphPolicy) {
    this.writer = { forwarders: forwarderNames(ctx.config.forwarders), clock: () => ctx.now().getTime() };
    this.rekey = identifierRekeyer(ctx.identifierKey);
  }

  /** The policy's help-desk ids as the snapshot carries peers here: hashed as the agent does, then re-keyed. */
  async helpdeskOf(policy: Pick<DevicePolicy, 'helpdeskPeers'> | undefined): Promise<Set<string>> {
    const ids = policy?.helpdeskPeers ?? [];
    if (!ids.length) return new Set();
    const memo = ids.join('\n');
    let set = this.helpdesk.get(memo);
    if (!set) {
      this.fleetKey ??= await this.ctx.storage.fleetKey();
      set = helpdeskHashes(this.fleetKey, ids, this.rekey);
      if (this.helpdesk.size >= 64) this.helpdesk.clear();
      this.helpdesk.set(memo, set);
    }
    return set;
  }

  async observe(item: IngestItem, policy: Pick<DevicePolicy, 'helpdeskPeers'> | undefined): Promise<void> {
    const snapshot = item.report.snapshot;
    if (!snapshot) return;
    const atMs = item.receivedAt.getTime();
    const found = operatorSightingsOf(snapshot, atMs);
    this.counts.skipped += found.skipped;
    const helpdesk = found.sightings.length ? await this.helpdeskOf(policy) : new Set<string>();
    const operators = found.sightings.filter((s) => {
      if (s.kind !== 'peer-id' || !helpdesk.has(s.value)) return true;
      this.counts.helpdesk++;
      return false;
    });
    // Offices, VPN egress and CGNAT share desks, docks and meeting-room screens by design: no peripheral evidence there.
    const peripherals = item.sourceIsOffice ? [] : peripheralSightingsOf(snapshot);
    if (!operators.length && !peripherals.length) return;
    const at = item.receivedAt.toISOString();
    const db = this.ctx.storage.sql;
    this.counts.alerts += await db.transaction(async (tx) => {
      let changed = 0;
      for (const s of operators) changed += await this.operator(tx, item.report.deviceId, s, atMs, at);
      for (const p of peripherals) changed += await this.peripheral(tx, item, p, atMs, at);
      return changed;
    });
    if (atMs - this.prunedAt > 3_600_000) {
      this.prunedAt = atMs;
      await pruneSightings(db, atMs - this.policy.keepDays * 86_400_000);
    }
  }

  private async operator(tx: SqlDb, deviceId: string, s: OperatorSighting, atMs: number, at: string): Promise<number> {
    const windowStart = atMs - this.policy.operator.windowHours * 3_600_000;
    // A session older than the window is history, not a shared operator now.
    if (s.atMs < windowStart) return 0;
    if (!(await recordSighting(tx, s.kind, s.value, deviceId, s.tool, s.atMs, windowStart))) return 0;
    const decision = decideSharedOperator(s.kind, s.value, await membersOf(tx, s.kind, s.value, windowStart), this.policy.operator);
    if (!decision) return 0;
    return (await upsertSharedAlert(tx, this.writer, sharedOperatorRule.id, sharedOperatorRule.severity, { kind: s.kind, value: s.value }, decision, at)) === null ? 0 : 1;
  }

  private async peripheral(tx: SqlDb, item: IngestItem, p: PeripheralSighting, atMs: number, at: string): Promise<number> {
    const policy = this.policy.peripheral;
    const windowStart = atMs - policy.windowHours * 3_600_000;
    const places = await recordPlace(tx, p.kind, p.value, item.sourceIp, atMs, policy.maxPlaces);
    if (!(await recordSighting(tx, p.kind, p.value, item.report.deviceId, null, atMs, windowStart))) return 0;
    const ever = await devicesEver(tx, p.kind, p.value, policy.maxDevices);
    if (isVendorDefault(ever, places, policy)) return 0;
    const members = (await membersOf(tx, p.kind, p.value, windowStart)).map((m) => m.deviceId);
    const decision = decideSharedPeripheral(p, members, ever, places, policy);
    if (!decision) return 0;
    return (await upsertSharedAlert(tx, this.writer, sharedPeripheralRule.id, sharedPeripheralRule.severity, { kind: p.kind, value: p.value }, decision, at)) === null ? 0 : 1;
  }
}

const graphs = new WeakMap<ServerContext, OperatorGraph>();

/** One graph per server. */
export function graphOf(ctx: ServerContext): OperatorGraph {
  let g = graphs.get(ctx);
  if (!g) {
    const graph = (g = new OperatorGraph(ctx));
    graphs.set(ctx, graph);
    ctx.metrics.sections.push(async () => graphMetricsText(graph.counts));
  }
  return g;
}

/** The graph's counters in the Prometheus text format (GET /metrics). */
export function graphMetricsText(c: GraphCounts): string {
  return [
    '# HELP farmwatch_graph_skipped_total Remote-session peers refused at the boundary (not a keyed hash, or a session without a direction)',
    '# TYPE farmwatch_graph_skipped_total counter',
    `farmwatch_graph_skipped_total ${c.skipped}`,
    '# HELP farmwatch_graph_helpdesk_total Remote-session peers left out as the help desk (policy helpdeskPeers)',
    '# TYPE farmwatch_graph_helpdesk_total counter',
    `farmwatch_graph_helpdesk_total ${c.helpdesk}`,
    '# HELP farmwatch_graph_alerts_total fleet.shared-operator and fleet.shared-peripheral alerts opened or changed',
    '# TYPE farmwatch_graph_alerts_total counter',
    `farmwatch_graph_alerts_total ${c.alerts}`,
    '# HELP farmwatch_graph_errors_total Reports whose operator-graph step failed (logged; the report itself was stored)',
    '# TYPE farmwatch_graph_errors_total counter',
    `farmwatch_graph_errors_total ${c.errors}`,
    '',
  ].join('\n');
}
