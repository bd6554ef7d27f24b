import { platformSource } from '../platform.js';
import type { Collector } from '../types.js';
import { processesSchema, type Processes } from '../../schema/snapshot/processes.js';

const source = platformSource<Processes>({ linux: () => import('./linux.js'), darwin: () => import('./darwin.js'), win32: () => import('./win32.js') });

export const processes: Collector<Processes> = { name: 'processes', schema: processesSchema, cadence: 'fast', collect: (ctx) => source(ctx), prepare: source.prepare };
