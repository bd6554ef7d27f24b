import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Evaluation } from '../rules/index.js';
import { scoreFindings } from '../rules/index.js';
import { globMatcher } from '../rules/context/glob.js';
import { devicePolicySchema, snapshotModes, type DevicePolicy } from '../schema/policy.js';
import type { Config } from './config.js';
import { writeFileAtomic } from './state.js';

/** The server's policy as last received (enroll or report response), applied from the next cycle. */
export const policyFile = (stateDir: string): string => join(stateDir, 'policy.json');

export async function loadPolicy(stateDir: string): Promise<DevicePolicy | undefined> {
  try {
    const parsed = devicePolicySchema.safeParse(JSON.parse(await readFile(policyFile(stateDir), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Keeps a whole policy from a response body ({policy: {...}}); a bare {version} means "yours is current". */
export async function savePolicyFrom(stateDir: string, policy: unknown): Promise<DevicePolicy | undefined> {
  const parsed = devicePolicySchema.safeParse(policy);
  if (!parsed.success) return undefined;
  await writeFileAtomic(policyFile(stateDir), `${JSON.stringify(parsed.data, null, 2)}\n`, 0o600);
  return parsed.data;
}

/** Local entries may narrow the server's list (each must fall inside it); anything else is dropped. */
function narrow(server: readonly string[], local: readonly string[]): string[] {
  if (!server.length) return [...local];
  const inside = globMatcher(server);
  const kept = local.filter((l) => server.includes(l) || inside(l));
  return kept.length ? kept : [...server];
}

/**
 * The effective config: the local config restricted by the server's policy. Expected regions are the server's,
 * narrowed by local entries that fall inside them; sanctioned tools are the server's only (local cannot add);
 * the report carries the snapshot at least as often as the policy says.
 */
export function applyPolicy(config: Config, policy: DevicePolicy | undefined): Config {
  if (!policy) return config;
  const e = config.expected;
  const p = policy.expected;
  const mode = policy.reportSnapshot && snapshotModes.indexOf(policy.reportSnapshot) > snapshotModes.indexOf(config.report.snapshot) ? policy.reportSnapshot : config.report.snapshot;
  return {
    ...config,
    expected: {
      timezones: narrow(p.timezones, e.timezones),
      locales: narrow(p.locales, e.locales),
      keyboardLayouts: narrow(p.keyboardLayouts, e.keyboardLayouts),
      countries: p.countries.length ? (e.countries.filter((c) => p.countries.includes(c)).length ? e.countries.filter((c) => p.countries.includes(c)) : [...p.countries]) : [...e.countries],
    },
    allow: { tools: [...policy.allowTools] },
    report: { ...config.report, snapshot: mode },
  };
}

/** The policy's rule weights replace the rules' own, and the score follows. */
export function reweigh(evaluation: Evaluation, policy: DevicePolicy | undefined): Evaluation {
  if (!policy || !Object.keys(policy.weights).length) return evaluation;
  const findings = evaluation.findings.map((f) => (policy.weights[f.rule] === undefined ? f : { ...f, weight: policy.weights[f.rule] }));
  return { findings, ...scoreFindings(findings) };
}
