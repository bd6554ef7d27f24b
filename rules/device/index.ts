import type { Rule } from '../types.js';

/** ipkvm.*, jiggler.hardware, display.virtual-adapter, host.clamshell, host.virtual-machine */
export const deviceRules: readonly Rule[] = [];
