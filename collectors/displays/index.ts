import { platformSource } from '../platform.js';
import type { Collector } from '../types.js';
import { contract } from '../../schema/contract.js';
import type { Displays } from '../../schema/snapshot/displays.js';

const source = platformSource<Displays>({ linux: () => import('./linux.js'), darwin: () => import('./darwin.js'), win32: () => import('./win32.js') });

export const displays: Collector<Displays> = { name: 'displays', schema: contract('displays'), cadence: 'fast', collect: (ctx) => source(ctx), prepare: source.prepare };
