import { platformSource } from '../platform.js';
import type { Collector } from '../types.js';
import { contract } from '../../schema/contract.js';
import type { Software } from '../../schema/snapshot/software.js';

const source = platformSource<Software>({ linux: () => import('./linux.js'), darwin: () => import('./darwin.js'), win32: () => import('./win32.js') });

export const software: Collector<Software> = { name: 'software', schema: contract('software'), cadence: 'slow', collect: (ctx) => source(ctx), prepare: source.prepare };
