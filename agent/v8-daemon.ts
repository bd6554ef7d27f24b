import { setFlagsFromString } from 'node:v8';

/**
 * V8 settings for the long-running agent. A cycle is short bursts of syscall-bound work every few minutes: V8's
 * optimising tiers and its growing young generation buy it nothing and keep memory resident between cycles.
 * Measured side by side (docs/BENCHMARKS.md, docs/agent.md): about 20 MiB less RSS, and no more CPU per cycle.
 * Set before the command's modules load; FARMWATCH_V8_DEFAULTS=1 leaves V8 as it is (for comparison or trouble).
 */
export const daemonV8Flags = ['--lite-mode', '--semi-space-growth-factor=1'] as const;

export function tuneV8ForDaemon(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.FARMWATCH_V8_DEFAULTS === '1') return false;
  for (const flag of daemonV8Flags) setFlagsFromString(flag);
  return true;
}

/**
 * The commands that take these settings: the daemon, and the one-shot commands that do the same syscall-bound work
 * once (diagnose, collect), where the optimising tiers never pay back and the young generation's growth was ~20 MiB
 * of the peak RSS at ~400 processes, for about the same CPU (docs/BENCHMARKS.md).
 */
export const v8TunedCommands: readonly string[] = ['run', 'diagnose', 'collect'];

/**
 * The server's setting: its young generation stays at its first size rather than growing to 16 MiB per semi-space
 * during the start's burst of allocation and staying that large while idle (10–20 MiB of RSS). The optimising tiers
 * stay: the ingest is hot code. A short ingest-base run side by side showed no difference beyond its noise; the start
 * pays more scavenges while the modules load (docs/BENCHMARKS.md, server start).
 */
export const serverV8Flags = ['--semi-space-growth-factor=1'] as const;

/**
 * The one-shot commands (diagnose, collect), once their code is compiled: --lite-mode's memory-for-speed trade-offs off
 * again (its optimize-for-size: more and reducing garbage collections), the optimising compiler still off. Their
 * code is compiled under the daemon's settings, because the laptop bundle's code cache is made under those and V8 takes a
 * cache only under the flags it was made with (scripts/package/build-bundle.mjs): so the daemon and these share one.
 * Measured at ~400 processes (docs/BENCHMARKS.md, CLI): diagnose ~10 ms less CPU, ~1 MiB more peak RSS.
 */
export const oneShotV8Flags = ['--no-lite-mode', '--no-optimize-for-size', '--no-opt'] as const;

export const oneShotCommands: readonly string[] = ['diagnose', 'collect'];

/** After the command's code is compiled (the bundle); true when it changed anything. */
export function relaxV8ForOneShot(command: string | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.FARMWATCH_V8_DEFAULTS === '1' || command === undefined || !oneShotCommands.includes(command)) return false;
  for (const flag of oneShotV8Flags) setFlagsFromString(flag);
  return true;
}

/**
 * The server once it listens: V8's own growth of the young generation again (its default factor), so that the start's
 * burst leaves it small but an ingest under load lets it grow. Held at its first size (1 MiB per semi-space) under
 * load, PostgreSQL's ingest, whose reports wait for their batch's round trips with their objects alive, scavenged
 * about every millisecond, each copying the reports in flight: ~16 % of its main thread (docs/BENCHMARKS.md). V8
 * shrinks it again when the allocation rate falls (idle).
 */
export const serverListeningV8Flags = ['--semi-space-growth-factor=2'] as const;

export function tuneV8ForListeningServer(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.FARMWATCH_V8_DEFAULTS === '1') return false;
  for (const flag of serverListeningV8Flags) setFlagsFromString(flag);
  return true;
}

/**
 * For the CLI's first argument; before the command's modules are compiled. The tsc output has no code cache to match:
 * a one-shot command's settings are all set here.
 */
export function tuneV8ForCommand(command: string | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  if (command === 'server') {
    if (env.FARMWATCH_V8_DEFAULTS === '1') return false;
    for (const flag of serverV8Flags) setFlagsFromString(flag);
    return true;
  }
  const tuned = command !== undefined && v8TunedCommands.includes(command) && tuneV8ForDaemon(env);
  if (tuned) relaxV8ForOneShot(command, env);
  return tuned;
}
