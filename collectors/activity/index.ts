import { platformSource } from '../platform.js';
import type { Collector } from '../types.js';
import { contract } from '../../schema/contract.js';
import type { Activity } from '../../schema/snapshot/activity.js';

const source = platformSource<Activity>({ linux: () => import('./linux.js'), darwin: () => import('./darwin.js'), win32: () => import('./win32.js') });

export const activity: Collector<Activity> = { name: 'activity', schema: contract('activity'), cadence: 'fast', collect: (ctx) => source(ctx), prepare: source.prepare };
