import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { platformSource } from '../platform.js';
import type { Collector } from '../types.js';
import { loadIntlFacts } from './intl-facts.js';
import { contract } from '../../schema/contract.js';
import type { Locale } from '../../schema/snapshot/locale.js';

const source = platformSource<Locale>({ linux: () => import('./linux.js'), darwin: () => import('./darwin.js'), win32: () => import('./win32.js') });

export const locale: Collector<Locale> = { name: 'locale', schema: contract('locale'), cadence: 'fast', collect: (ctx) => source(ctx),
  prepare: async () => {
    await source.prepare();
    await yieldToLoop();
    // ICU loads its time-zone and locale data on the first Intl call (~12 ms here): in its own turn, not in the first
    // cycle. Not at all on Linux with the build's recorded answers (intl-facts.ts), where the collector reads the OS.
    if (process.platform !== 'linux' || !loadIntlFacts()) Intl.DateTimeFormat().resolvedOptions();
  },
};
