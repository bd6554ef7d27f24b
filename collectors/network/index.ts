import { platformSource } from '../platform.js';
import type { Collector } from '../types.js';
import { contract } from '../../schema/contract.js';
import type { Network } from '../../schema/snapshot/network.js';

const source = platformSource<Network>({ linux: () => import('./linux.js'), darwin: () => import('./darwin.js'), win32: () => import('./win32.js') });

export const network: Collector<Network> = { name: 'network', schema: contract('network'), cadence: 'fast', collect: (ctx) => source(ctx), prepare: source.prepare };
