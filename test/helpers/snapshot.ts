import type { Process } from '../../schema/snapshot/processes.js';
import type { Socket } from '../../schema/snapshot/network.js';
import type { Snapshot } from '../../schema/snapshot/index.js';
import type { RuleContext } from '../../rules/types.js';

/** Deep-ish partial: top-level domains may be given partly (network.connections alone, for instance). */
export type SnapshotOverrides = Partial<Omit<Snapshot, 'network' | 'software'>> & {
  network?: Partial<NonNullable<Snapshot['network']>> | null;
  software?: NonNullable<Snapshot['software']> | null;
};

/** A minimal valid Snapshot (schema version 1) with every domain present and empty; override what a test needs. */
export function emptySnapshot(overrides: SnapshotOverrides = {}): Snapshot {
  const { network, ...rest } = overrides;
  const base: Snapshot = {
    schemaVersion: 1,
    collectedAt: '2026-01-01T12:00:00.000Z',
    agentVersion: '0.0.0-test',
    platform: 'linux',
    host: null,
    processes: [],
    software: { items: [] },
    network: { connections: [], interfaces: [], identity: { gateway: null, neighbors: [], wifi: null, dnsServers: [] }, probes: [] },
    usb: { devices: [] },
    inputs: { devices: [] },
    displays: { connectors: [], adapters: [] },
    locale: null,
    sessions: { sessions: [] },
    activity: null,
    errors: [],
    collectors: {},
  };
  const merged: Snapshot = { ...base, ...rest };
  if (network === null) merged.network = null;
  else if (network) merged.network = { ...(base.network as NonNullable<Snapshot['network']>), ...network };
  return merged;
}

let nextPid = 1000;
/** A process with a fresh pid; `exe` gives name and argv[0] unless set. */
export function proc(p: Partial<Process> & { name: string }): Process {
  const pid = p.pid ?? nextPid++;
  return { pid, ...(p.exe ? { cmdline: [p.exe] } : {}), ...p };
}

export function tcp(s: Partial<Socket> & { localPort: number }): Socket {
  return { protocol: 'tcp', family: 4, localAddress: '192.168.1.20', remoteAddress: '203.0.113.7', remotePort: 51000, state: 'ESTABLISHED', ...s };
}
export function listen(localPort: number, pid?: number, localAddress = '0.0.0.0'): Socket {
  return { protocol: 'tcp', family: 4, localAddress, localPort, remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN', ...(pid !== undefined ? { pid } : {}) };
}

/** A RuleContext with nothing expected and nothing allowed. */
export function ruleContext(overrides: Partial<RuleContext> = {}): RuleContext {
  return {
    expected: { timezones: [], locales: [], keyboardLayouts: [], countries: [] },
    allowTools: [],
    latency: { anchors: [] },
    now: new Date('2026-01-01T12:00:00Z'),
    ...overrides,
  };
}
