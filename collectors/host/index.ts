import { platformSource } from '../platform.js';
import type { Collector } from '../types.js';
import { hostSchema, type Host } from '../../schema/snapshot/host.js';

const source = platformSource<Host>({ linux: () => import('./linux.js'), darwin: () => import('./darwin.js'), win32: () => import('./win32.js') });

export const host: Collector<Host> = { name: 'host', schema: hostSchema, cadence: 'slow', collect: (ctx) => source(ctx), prepare: source.prepare };
