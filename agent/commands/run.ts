import { readdirSync } from 'node:fs';
import { constants, getPriority, setPriority } from 'node:os';
import type { Logger } from 'pino';
import { loadConfig, stateDirOf, type Config } from '../config-load.js';
import { CycleRunner } from '../cycle.js';
import { createLogger } from '../log.js';
import { Reporter } from '../reporter.js';
import { Scheduler } from '../scheduler.js';
import { Spool } from '../spool.js';
import { enrollmentFile, loadEnrollment } from '../state.js';
import type { Report } from '../../schema/report.js';
import { computeCodeHash } from '../code-hash.js';
import { savePolicyFrom } from '../policy.js';
import { loadSigner } from '../signing.js';
import { sendStoppingReport } from '../stopping.js';
import { parseFlags, UsageError, type Io } from '../usage.js';

const usage = `Usage: farmwatch run [--config FILE] [--once]

The daemon: every intervalSec (±10 % jitter) collect, evaluate, spool the report, deliver the spool to the
server the device enrolled with. Stays in the foreground (the service manager supervises it).
SIGTERM / SIGINT: finishes the cycle in hand, exits 0.
  --once   one cycle and one delivery attempt, then exit 0 (even if the server is unreachable: the report stays spooled)
Exit codes: 0 done or stopped, 2 usage/config error or not enrolled, 1 internal error. See docs/agent.md.
`;

export async function main(args: string[], io: Io): Promise<number> {
  const { values } = parseFlags('run', args, {
    config: { type: 'string' },
    once: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(usage);
    return 0;
  }
  const { config } = await loadConfig(values.config, io.env);
  const stateDir = stateDirOf(config);
  const loaded = await loadEnrollment(stateDir);
  if (loaded.status === 'missing') {
    io.stderr.write(`farmwatch run: this device is not enrolled (no ${enrollmentFile(stateDir)}); run: farmwatch enroll --server URL --secret-file FILE\n`);
    return 2;
  }
  if (loaded.status === 'invalid') {
    io.stderr.write(`farmwatch run: ${loaded.reason}; enroll again: farmwatch enroll --server URL --secret-file FILE\n`);
    return 2;
  }
  const enrollment = loaded.enrollment;
  if (config.server?.url && !sameServer(config.server.url, enrollment.serverUrl)) {
    throw new UsageError(
      `farmwatch run: config server.url is ${config.server.url} but this device enrolled with ${enrollment.serverUrl}; enroll with the configured server or fix the config`,
    );
  }
  const log = createLogger(config.log.level).child({ deviceId: enrollment.deviceId });
  lowerOwnPriority(log);
  const spool = new Spool(stateDir, config.report.spoolMaxBytes, log.child({ part: 'spool' }));
  await spool.open();
  const reporter = new Reporter({
    serverUrl: enrollment.serverUrl,
    token: enrollment.token,
    timeoutMs: config.server?.timeoutMs ?? 15_000,
    caFile: config.server?.caFile,
    clientCert: config.server?.clientCert,
    clientKey: config.server?.clientKey,
    proxy: config.server?.proxy,
    spool,
    log: log.child({ part: 'reporter' }),
    // Reports signed with the device key; the policy in each answer kept for the next cycle.
    sign: await loadSigner(stateDir),
    onAccepted: async (text) => void (await savePolicyFrom(stateDir, policyOf(text))),
  });
  const code = await computeCodeHash();
  if (code.ok) log.info({ codeHash: code.hash, codeSource: code.source }, 'code hash taken');
  else log.warn({ codeSource: code.source, reason: code.reason }, 'no code hash: reports say why (agent.codeHashUnavailable)');
  const cycles = new CycleRunner(config, enrollment, spool, log);
  log.info(await cycles.prepare(), 'agent ready: collectors and catalogs loaded');
  try {
    if (values.once) await runOnce(cycles, reporter, log);
    else await runDaemon(config, enrollment.serverUrl, cycles, reporter, log);
  } finally {
    reporter.close();
  }
  return 0;
}

async function runOnce(cycles: CycleRunner, reporter: Reporter, log: Logger): Promise<void> {
  await cycles.run();
  const result = await reporter.drain();
  log.info(result, result.stopped ? 'delivery incomplete: the rest stays spooled' : 'spool delivered');
}

async function runDaemon(config: Config, serverUrl: string, cycles: CycleRunner, reporter: Reporter, log: Logger): Promise<void> {
  let last: Report | undefined;
  const stopDelivery = new AbortController();
  let retryTimer: NodeJS.Timeout | undefined;
  let inFlight: Promise<unknown> = Promise.resolve();
  // Delivery runs beside the loop: a cycle never waits on the network. A retry is armed when it is due before the next cycle.
  const deliver = (): void => {
    clearTimeout(retryTimer);
    inFlight = reporter
      .drain(stopDelivery.signal)
      .then((result) => {
        if (result.sent || result.duplicates || result.deadLettered || result.quarantined) log.info(result, 'delivery pass');
        if (result.stopped && !stopDelivery.signal.aborted) {
          retryTimer = setTimeout(deliver, Math.max(1_000, result.stopped.retryAt - Date.now()));
        }
      })
      .catch((err: unknown) => log.error({ err }, 'delivery pass failed'));
  };
  const scheduler = new Scheduler({
    intervalMs: () => cycles.intervalMs(),
    cycle: async () => {
      last = (await cycles.run()).report;
      deliver();
    },
    log,
  });
  const onSignal = (signal: NodeJS.Signals) => {
    log.info({ signal }, 'stopping after the cycle in hand');
    scheduler.stop();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  log.info({ intervalSec: config.intervalSec, server: new URL(serverUrl).origin }, 'agent started');
  try {
    await scheduler.run();
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    clearTimeout(retryTimer);
    // A send in flight gets a short grace to complete (the server may be committing it); then it is cut.
    stopDelivery.abort();
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([inFlight, new Promise((resolve) => (grace = setTimeout(resolve, stopGraceMs)))]);
    clearTimeout(grace);
    await sendStoppingReport(last, reporter, log, stopGraceMs);
    reporter.close();
    await inFlight;
    log.info('agent stopped');
  }
}

const stopGraceMs = 3_000;

/** The `policy` of a report answer, or undefined (an older server sends none). */
function policyOf(text: string): unknown {
  try {
    return (JSON.parse(text) as { policy?: unknown }).policy;
  } catch {
    return undefined;
  }
}

/**
 * Lowers this process's scheduling priority, never raises it (a service manager may have set it lower already).
 * On Linux a nice value belongs to a thread: every thread that exists now (libuv's pool, V8's workers) is lowered;
 * threads started later inherit it from the main thread.
 */
function lowerOwnPriority(log: Logger): void {
  const target = constants.priority.PRIORITY_BELOW_NORMAL; // 10 on POSIX; BELOW_NORMAL_PRIORITY_CLASS on Windows
  let ids: number[] = [0];
  if (process.platform === 'linux') {
    try {
      ids = readdirSync('/proc/self/task').map(Number).filter((n) => Number.isInteger(n) && n > 0);
    } catch {
      // No /proc: the main thread alone.
    }
  }
  try {
    for (const id of ids) if (getPriority(id) < target) setPriority(id, target);
    log.debug({ priority: getPriority(0), threads: ids.length }, 'scheduling priority lowered');
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'could not lower the scheduling priority');
  }
}

function sameServer(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return a === b;
  }
}
