import { platformSource } from '../platform.js';
import type { Collector } from '../types.js';
import { localeSchema, type Locale } from './schema.js';

const source = platformSource<Locale>({ linux: () => import('./linux.js'), darwin: () => import('./darwin.js'), win32: () => import('./win32.js') });

export const locale: Collector<Locale> = { name: 'locale', schema: localeSchema, cadence: 'fast', collect: (ctx) => source(ctx), prepare: source.prepare };
