import type { Snapshot } from '../schema/snapshot/index.js';
import { prepareCatalogs } from './catalog/index.js';
import { prepareDeviceCatalogs } from './device/catalogs.js';
import { evaluate, type Evaluation } from './engine.js';
import { contextRules } from './context/index.js';
import { deviceRules } from './device/index.js';
import { remoteAccessRules } from './remote-access/index.js';
import type { Rule, RuleContext } from './types.js';

/** Every endpoint rule, in report order. An explicit list. */
export const rules: readonly Rule[] = [...remoteAccessRules, ...deviceRules, ...contextRules];

/** Evaluates a snapshot against every endpoint rule and scores the findings. */
export function evaluateSnapshot(snapshot: Snapshot, context: RuleContext): Evaluation {
  return evaluate(rules, snapshot, context);
}

/**
 * Loads what the first evaluation would otherwise load in one block (the catalogs), a file per turn of the event loop.
 * Optional: evaluateSnapshot loads anything not prepared on first use.
 */
export async function prepareRules(): Promise<void> {
  await prepareCatalogs();
  await prepareDeviceCatalogs();
}

export { scoreFindings, levelOf } from './score.js';
export type { Evaluation } from './engine.js';
export type { Finding, Rule, RuleContext, Level, Severity } from './types.js';
