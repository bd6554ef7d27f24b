import { platformSource } from '../platform.js';
import type { Collector } from '../types.js';
import { contract } from '../../schema/contract.js';
import type { RemoteSessions } from '../../schema/snapshot/remoteSessions.js';

const source = platformSource<RemoteSessions>({ linux: () => import('./linux.js'), darwin: () => import('./darwin.js'), win32: () => import('./win32.js') });

/** Slow cadence: logs are read hourly, only their tail since the last reading. */
export const remoteSessions: Collector<RemoteSessions> = { name: 'remoteSessions', schema: contract('remoteSessions'), cadence: 'slow', collect: (ctx) => source(ctx), prepare: source.prepare };
