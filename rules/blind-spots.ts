/**
 * Pure: what a snapshot could not see. Per collector, whether it ran and returned something, returned nothing, or did
 * not run, and why (no permission, no bus, not supported, ...). A collector that "succeeded" with an empty list of USB
 * devices, displays or input devices is a blind spot, not a clean bill: hardware rules (IP-KVMs, jigglers) saw nothing.
 * Total: any value renders; a missing or malformed snapshot gives `known: false`.
 */
export type BlindReason = 'no-permission' | 'no-bus' | 'not-supported' | 'timeout' | 'command-missing' | 'disabled' | 'skipped' | 'failed' | 'not-collected' | 'empty';

export interface CollectorSight {
  collector: string;
  /** ok: returned something; empty: ran and returned nothing; missing: did not run or failed. */
  state: 'ok' | 'empty' | 'missing';
  reason?: BlindReason;
  /** The agent's own words (note, error message, unsupported reason), bounded. */
  detail?: string;
}

export interface BlindSpots {
  known: boolean;
  collectors: CollectorSight[];
  /** Collectors in state empty or missing, in order. */
  blind: string[];
}

/** The hardware collectors whose emptiness hides what the IP-KVM and jiggler rules look for. */
export const hardwareCollectors = ['usb', 'displays', 'inputs'] as const;

export const blindReasonText: Record<BlindReason, string> = {
  'no-permission': 'no permission',
  'no-bus': 'no bus visible',
  'not-supported': 'not supported on this platform',
  timeout: 'timed out',
  'command-missing': 'a program it needs is missing',
  disabled: 'disabled by configuration',
  skipped: 'skipped this cycle',
  failed: 'failed',
  'not-collected': 'not collected',
  empty: 'returned nothing',
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const bounded = (v: unknown) => (typeof v === 'string' ? v.slice(0, 300) : undefined);

/** The list a domain's data is judged empty by; domains not named here count as ok when present. */
function itemsOf(domain: string, data: Obj): number | undefined {
  const len = (v: unknown) => (Array.isArray(v) ? v.length : 0);
  if (domain === 'usb' || domain === 'inputs') return len(data.devices);
  if (domain === 'displays') return len(data.connectors) + len(data.adapters);
  return undefined;
}

const domains = ['host', 'processes', 'software', 'network', 'usb', 'inputs', 'displays', 'locale', 'sessions', 'activity'] as const;

export function blindSpots(snapshot: unknown): BlindSpots {
  if (!isObj(snapshot)) return { known: false, collectors: [], blind: [] };
  const statuses = isObj(snapshot.collectors) ? snapshot.collectors : {};
  const errors = Array.isArray(snapshot.errors) ? snapshot.errors.filter(isObj) : [];
  const collectors: CollectorSight[] = [];
  for (const domain of domains) {
    const status = isObj(statuses[domain]) ? (statuses[domain] as Obj) : undefined;
    const error = errors.find((e) => e.collector === domain);
    const notes = status && Array.isArray(status.notes) ? status.notes.filter((n): n is string => typeof n === 'string') : [];
    const data = snapshot[domain];
    if (error || status?.status === 'error') {
      const code = error?.code;
      const reason: BlindReason =
        code === 'permission-denied' ? 'no-permission' : code === 'timeout' ? 'timeout' : code === 'command-missing' ? 'command-missing' : 'failed';
      const detail = bounded(error?.message);
      collectors.push({ collector: domain, state: 'missing', reason, ...(detail ? { detail } : {}) });
      continue;
    }
    if (status && status.status !== 'ok') {
      const reason: BlindReason = status.status === 'unsupported' ? 'not-supported' : status.status === 'disabled' ? 'disabled' : status.status === 'skipped' ? 'skipped' : 'failed';
      const detail = bounded(status.reason);
      collectors.push({ collector: domain, state: 'missing', reason, ...(detail ? { detail } : {}) });
      continue;
    }
    if (!isObj(data)) {
      collectors.push({ collector: domain, state: 'missing', reason: 'not-collected' });
      continue;
    }
    const items = itemsOf(domain, data);
    if (items === 0) {
      const note = notes.join('; ').slice(0, 300);
      const noBus = /no (usb|input|display|drm)|bus|no .*devices? (under|attached)|not usb/i.test(note);
      const noPermission = /permission|denied|not permitted/i.test(note);
      collectors.push({ collector: domain, state: 'empty', reason: noPermission ? 'no-permission' : noBus ? 'no-bus' : 'empty', ...(note ? { detail: note } : {}) });
      continue;
    }
    collectors.push({ collector: domain, state: 'ok', ...(notes.length ? { detail: notes.join('; ').slice(0, 300) } : {}) });
  }
  return { known: true, collectors, blind: collectors.filter((c) => c.state !== 'ok').map((c) => c.collector) };
}
