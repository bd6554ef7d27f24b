import { platformSource } from '../platform.js';
import type { Collector } from '../types.js';
import { inputsSchema, type Inputs } from '../../schema/snapshot/inputs.js';

const source = platformSource<Inputs>({ linux: () => import('./linux.js'), darwin: () => import('./darwin.js'), win32: () => import('./win32.js') });

export const inputs: Collector<Inputs> = { name: 'inputs', schema: inputsSchema, cadence: 'fast', collect: (ctx) => source(ctx), prepare: source.prepare };
