import { platformSource } from '../platform.js';
import type { Collector } from '../types.js';
import { contract } from '../../schema/contract.js';
import type { Host } from '../../schema/snapshot/host.js';

const source = platformSource<Host>({ linux: () => import('./linux.js'), darwin: () => import('./darwin.js'), win32: () => import('./win32.js') });

export const host: Collector<Host> = { name: 'host', schema: contract('host'), cadence: 'slow', collect: (ctx) => source(ctx), prepare: source.prepare };
