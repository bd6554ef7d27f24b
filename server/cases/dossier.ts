import { blindSpots, type BlindSpots } from '../../rules/blind-spots.js';
import type { ServerContext } from '../context.js';
import type { Alert, DeviceDetail } from '../db/records.js';
import type { Cases } from './actions.js';
import { scoreBreakdown, type Breakdown } from './breakdown.js';
import type { Case, CaseEvent } from './store.js';
import { caseTimeline, type TimelineEntry } from './timeline.js';
import type { StoredFinding, VerdictRow } from './verdict-log.js';

/** Everything about one case, read once: what the case page, the API and the export show. */
export interface DeviceFile {
  deviceId: string;
  hostname: string;
  detail: DeviceDetail | null;
  latest: VerdictRow | null;
  history: VerdictRow[];
  breakdown: Breakdown | null;
  /** The server's findings of the latest report (the agent's when the server logged no verdict). */
  findings: StoredFinding[];
  blind: BlindSpots;
}

export interface Dossier {
  case: Case;
  events: CaseEvent[];
  alerts: Alert[];
  devices: DeviceFile[];
  timeline: TimelineEntry[];
}

/** A case names at most this many devices in full (a cluster of hundreds is a fleet problem, not one dossier). */
const devicesShown = 50;

export async function deviceFile(ctx: ServerContext, cases: Cases, deviceId: string, history = 200): Promise<DeviceFile> {
  const [detail, latest, rows, report] = await Promise.all([
    ctx.storage.getDevice(deviceId, 1),
    cases.verdicts.latest(deviceId),
    cases.verdicts.history(deviceId, history),
    ctx.storage.latestReport(deviceId),
  ]);
  const breakdown = latest
    ? scoreBreakdown(
        { score: latest.agentScore, level: latest.agentLevel, findings: latest.agentFindings },
        { score: latest.serverScore, level: latest.serverLevel, findings: latest.serverFindings },
      )
    : null;
  const findings = latest ? latest.serverFindings : ((detail?.findings ?? []) as StoredFinding[]);
  return { deviceId, hostname: detail?.device.hostname ?? deviceId, detail, latest, history: rows, breakdown, findings, blind: blindSpots(report?.snapshot) };
}

export async function caseDossier(ctx: ServerContext, cases: Cases, c: Case): Promise<Dossier> {
  const [events, alerts] = await Promise.all([cases.store.events(c.id), cases.alertsOf(c)]);
  const devices = await Promise.all(c.deviceIds.slice(0, devicesShown).map((id) => deviceFile(ctx, cases, id)));
  const timeline = caseTimeline(new Map(devices.map((d) => [d.deviceId, d.history])), events, alerts);
  return { case: c, events, alerts, devices, timeline };
}
