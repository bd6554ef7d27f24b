import type { Rule } from '../types.js';
import { remoteAccessSessionHistory, remoteAccessSessionPeerCountry } from './session-history.js';
import { networkRegionLatency, networkSessionRtt, remoteAccessSession } from './session-rules.js';
import { remoteAccessInstalled, remoteAccessMultiple, remoteAccessRunning } from './tool-rules.js';
import { jigglerSoftware, networkVpn } from './vpn-jiggler-rules.js';

/** remote-access.* (live and from the tools' session logs), network.vpn, network.session-rtt, network.region-latency, jiggler.software */
export const remoteAccessRules: readonly Rule[] = [
  remoteAccessRunning, remoteAccessInstalled, remoteAccessMultiple, remoteAccessSession,
  remoteAccessSessionHistory, remoteAccessSessionPeerCountry,
  networkVpn, networkSessionRtt, networkRegionLatency, jigglerSoftware,
];
