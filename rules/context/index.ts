import type { Rule } from '../types.js';

/** locale.*, activity.off-hours, baseline.* */
export const contextRules: readonly Rule[] = [];
