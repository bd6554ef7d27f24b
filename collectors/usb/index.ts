import { platformSource } from '../platform.js';
import type { Collector } from '../types.js';
import { contract } from '../../schema/contract.js';
import type { Usb } from '../../schema/snapshot/usb.js';

const source = platformSource<Usb>({ linux: () => import('./linux.js'), darwin: () => import('./darwin.js'), win32: () => import('./win32.js') });

export const usb: Collector<Usb> = { name: 'usb', schema: contract('usb'), cadence: 'fast', collect: (ctx) => source(ctx), prepare: source.prepare };
