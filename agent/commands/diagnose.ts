import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { contract, parseContract } from '../../schema/contract.js';
import type { Snapshot } from '../../schema/snapshot/index.js';
import { evaluateSnapshot } from '../../rules/index.js';
import { levels, type Baseline } from '../../rules/types.js';
import { BaselineError, baselineFile, loadBaseline, loadBaselineFile } from '../baseline.js';
import { collectOnce } from '../collect-once.js';
import { loadConfig, stateDirOf } from '../config-load.js';
import { formatReport, type DiagnoseReport } from '../diagnose-format.js';
import { noAnchorsNote, probeNothing, summaryOf } from '../diagnose/summary.js';
import { createLineLogger, logLevels } from '../log-lines.js';
import { ruleContextFor } from '../rule-context.js';
import { parseFlags, UsageError, type Io } from '../usage.js';

const usage = `Usage: farmwatch diagnose [--json] [--verbose] [--config FILE] [--from SNAPSHOT.json [--baseline FILE]] [--probe] [--fail-on LEVEL] [--log-level LEVEL]

The dry run: collects this machine once (or reads a snapshot saved by "farmwatch collect"), evaluates every rule
and explains the score: what was found, how sure, and what to do next. Sends nothing, ever; opens no network
connection unless --probe (then only TCP connects to config latency.anchors). Reads this machine's baseline from
the state dir when there is one (never with --from: a saved snapshot may come from another machine); never writes it.

  --json           one JSON object on stdout: {score, level, findings, errors, snapshot, ...}
  --verbose        also the collectors' notes (what each could not read, and why) and how the score adds up
  --from FILE      evaluate a saved snapshot instead of collecting; the local baseline is not read
  --baseline FILE  judge the drift rules (baseline.*) against this file (the baseline.json of the laptop's state dir)
  --probe          measure RTT to config latency.anchors (none configured: nothing is probed)
  --fail-on LEVEL  exit 3 when the level is at or above LEVEL (${levels.join(', ')})
Exit: 0 when it ran (whatever the level), 2 usage or config error, 1 internal failure, 3 --fail-on reached.
`;

export async function main(args: string[], io: Io): Promise<number> {
  const { values } = parseFlags('diagnose', args, {
    json: { type: 'boolean' },
    verbose: { type: 'boolean' },
    baseline: { type: 'string' },
    config: { type: 'string' },
    from: { type: 'string' },
    probe: { type: 'boolean' },
    'fail-on': { type: 'string' },
    'log-level': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(usage);
    return 0;
  }
  const failOn = oneOf('--fail-on', values['fail-on'], levels);
  const logLevel = oneOf('--log-level', values['log-level'], logLevels) ?? 'error';
  if (values.from && values.probe) throw new UsageError('farmwatch diagnose: --probe measures this machine; it cannot be combined with --from');
  const { config } = await loadConfig(values.config, io.env);
  const log = createLineLogger(logLevel);

  const snapshot = values.from
    ? await readSnapshot(values.from)
    : await collectOnce(config, log, { probe: values.probe === true, ...progress(io) });

  const { baseline, report: baselineReport } = values.baseline
    ? await readBaselineFlag(values.baseline)
    : values.from
      ? { report: { path: join(stateDirOf(config), baselineFile), ignored: true as const } }
      : await readBaseline(stateDirOf(config));
  // A replay is judged as of its own collection time, so drift windows mean the same as they did then.
  const now = values.from ? new Date(snapshot.collectedAt) : new Date();
  const context = ruleContextFor(config, {
    ...(baseline ? { baseline } : {}),
    ...(baseline?.activityHours && config.privacy.activityHours ? { activityHours: baseline.activityHours } : {}),
    now,
  });
  const evaluation = evaluateSnapshot(snapshot, context);
  const report: DiagnoseReport = {
    snapshot,
    evaluation,
    expected: context.expected,
    source: values.from ? { from: values.from } : { collected: true, probe: values.probe === true, anchors: config.latency.anchors.length },
    baseline: baselineReport,
    ...(config.contact ? { contact: config.contact } : {}),
  };

  if (values.json) {
    io.stdout.write(`${JSON.stringify(toJson(report))}\n`);
  } else {
    const colour = io.stdout.isTTY === true && io.env.NO_COLOR === undefined;
    io.stdout.write(formatReport(report, { colour, verbose: values.verbose === true }));
  }
  return failOn !== undefined && levels.indexOf(evaluation.level) >= levels.indexOf(failOn) ? 3 : 0;
}

/** The --json object: the contract fields first, then what explains them. */
function toJson(r: DiagnoseReport) {
  return {
    score: r.evaluation.score,
    level: r.evaluation.level,
    findings: r.evaluation.findings,
    errors: r.snapshot.errors,
    scoredGroups: r.evaluation.groups,
    expected: r.expected,
    expectedConfigured: Object.values(r.expected).some((v) => v.length > 0),
    baseline: r.baseline,
    summary: summaryOf(r),
    ...(probeNothing(r) ? { probe: { anchors: 0, note: noAnchorsNote } } : {}),
    sent: false,
    snapshot: r.snapshot,
  };
}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`farmwatch diagnose: ${flag} must be one of ${allowed.join(', ')} (got "${value}")`);
}

/** A saved snapshot, validated; any problem is one line naming the file (exit 2). */
async function readSnapshot(file: string): Promise<Snapshot> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`farmwatch diagnose: --from ${file}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`farmwatch diagnose: --from ${file}: not valid JSON (${(err as Error).message.split('\n')[0]})`);
  }
  const parsed = await parseContract(contract('snapshot'), raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue?.path.join('.') || '(top level)';
    throw new UsageError(`farmwatch diagnose: --from ${file}: not a farmwatch snapshot: ${at}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** --baseline FILE: asked for by name, so a missing or unusable file is an error (exit 2), not a quiet skip. */
async function readBaselineFlag(file: string): Promise<{ baseline: Baseline; report: DiagnoseReport['baseline'] }> {
  let baseline: Baseline | undefined;
  try {
    baseline = await loadBaselineFile(file);
  } catch (err) {
    if (err instanceof BaselineError) throw new UsageError(`farmwatch diagnose: --baseline ${err.message}`);
    throw err;
  }
  if (!baseline) throw new UsageError(`farmwatch diagnose: --baseline ${file}: no such file (a baseline is the baseline.json of an agent's state dir)`);
  return { baseline, report: { path: file, firstSeen: baseline.firstSeen } };
}

async function readBaseline(stateDir: string): Promise<{ baseline?: Baseline; report: DiagnoseReport['baseline'] }> {
  const path = join(stateDir, baselineFile);
  try {
    const baseline = await loadBaseline(stateDir);
    if (!baseline) return { report: { path, absent: true } };
    return { baseline, report: { path, firstSeen: baseline.firstSeen } };
  } catch (err) {
    if (err instanceof BaselineError) return { report: { path, problem: err.message } };
    throw err;
  }
}

/** Per-collector progress on stderr, only for a person watching a terminal. */
function progress(io: Io) {
  if (io.stderr.isTTY !== true) return {};
  return {
    onProgress: (name: string, status: string, ms: number) => {
      io.stderr.write(`  collected ${name.padEnd(9)} ${status.padEnd(11)} ${Math.round(ms)} ms\n`);
    },
  };
}
