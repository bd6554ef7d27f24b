import { platformSource } from '../platform.js';
import type { Collector } from '../types.js';
import { contract } from '../../schema/contract.js';
import type { Sessions } from '../../schema/snapshot/sessions.js';

const source = platformSource<Sessions>({ linux: () => import('./linux.js'), darwin: () => import('./darwin.js'), win32: () => import('./win32.js') });

export const sessions: Collector<Sessions> = { name: 'sessions', schema: contract('sessions'), cadence: 'fast', collect: (ctx) => source(ctx), prepare: source.prepare };
