import type { Rule } from '../types.js';

/** remote-access.*, network.vpn, network.session-rtt, network.region-latency, jiggler.software */
export const remoteAccessRules: readonly Rule[] = [];
