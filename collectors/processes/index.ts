import { platformSource } from '../platform.js';
import type { Collector } from '../types.js';
import { contract } from '../../schema/contract.js';
import type { Processes } from '../../schema/snapshot/processes.js';

const source = platformSource<Processes>({ linux: () => import('./linux.js'), darwin: () => import('./darwin.js'), win32: () => import('./win32.js') });

export const processes: Collector<Processes> = { name: 'processes', schema: contract('processes'), cadence: 'fast', collect: (ctx) => source(ctx), prepare: source.prepare };
