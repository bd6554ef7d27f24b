import { platformSource } from '../platform.js';
import type { Collector } from '../types.js';
import { networkSchema, type Network } from '../../schema/snapshot/network.js';

const source = platformSource<Network>({ linux: () => import('./linux.js'), darwin: () => import('./darwin.js'), win32: () => import('./win32.js') });

export const network: Collector<Network> = { name: 'network', schema: networkSchema, cadence: 'fast', collect: (ctx) => source(ctx), prepare: source.prepare };
