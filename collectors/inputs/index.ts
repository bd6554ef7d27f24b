import { platformSource } from '../platform.js';
import type { Collector } from '../types.js';
import { contract } from '../../schema/contract.js';
import type { Inputs } from '../../schema/snapshot/inputs.js';

const source = platformSource<Inputs>({ linux: () => import('./linux.js'), darwin: () => import('./darwin.js'), win32: () => import('./win32.js') });

export const inputs: Collector<Inputs> = { name: 'inputs', schema: contract('inputs'), cadence: 'fast', collect: (ctx) => source(ctx), prepare: source.prepare };
