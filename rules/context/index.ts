import type { Rule } from '../types.js';
import { activityRules } from './activity.js';
import { driftRules } from './drift.js';
import { localeRules } from './locale.js';

/** locale.*, activity.off-hours, baseline.* — drift rules last: they read the findings of the rules before them. */
export const contextRules: readonly Rule[] = [...localeRules, ...activityRules, ...driftRules];
