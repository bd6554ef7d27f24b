import type { Rule } from '../types.js';
import { networkRegionLatency, networkSessionRtt, remoteAccessSession } from './session-rules.js';
import { remoteAccessInstalled, remoteAccessMultiple, remoteAccessRunning } from './tool-rules.js';
import { jigglerSoftware, networkVpn } from './vpn-jiggler-rules.js';

/** remote-access.*, network.vpn, network.session-rtt, network.region-latency, jiggler.software */
export const remoteAccessRules: readonly Rule[] = [
  remoteAccessRunning, remoteAccessInstalled, remoteAccessMultiple, remoteAccessSession,
  networkVpn, networkSessionRtt, networkRegionLatency, jigglerSoftware,
];
