#!/usr/bin/env node
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The laptop's commands run from dist/cli/bundle/farmwatch.cjs (the laptop bundle with its build-time code cache,
 * built by scripts/package/build-bin.mjs: one file instead of ~250 modules) unless it is older than this main.js;
 * `server`, `demo` and `--version` run from the tsc output, as does everything when the bundle is missing or stale (a
 * tsc build alone, or one run after the bundle was built). Modification times, not a record of them: npm packs every
 * file with one fixed time, so an installed package has equal times and runs its bundle.
 */
function bundle(command: string | undefined): string | undefined {
  // `--version` too: the tsc output answers it from a few small modules, cheaper than reading the 1.5 MB bundle.
  if (command === 'server' || command === 'demo' || command === '--version' || command === '-v') return undefined;
  try {
    const file = fileURLToPath(new URL('./bundle/farmwatch.cjs', import.meta.url));
    const built = statSync(file);
    return built.isFile() && built.mtimeMs >= statSync(new URL('./main.js', import.meta.url)).mtimeMs ? file : undefined;
  } catch {
    return undefined;
  }
}

const bundled = bundle(process.argv[2]);
if (bundled) {
  // The bundle reads the command from process.argv, sets V8's settings for it, runs it and sets the exit code. Told
  // where the package's code is, it hashes that (agent/code-hash.ts) rather than itself alone.
  (globalThis as Record<symbol, unknown>)[Symbol.for('farmwatch.bin.packageDist')] = dirname(dirname(fileURLToPath(import.meta.url)));
  createRequire(import.meta.url)(bundled);
} else {
  // The V8 settings of the daemon and the one-shot commands must be in place before their modules are compiled: so
  // main is imported afterwards.
  const { tuneV8ForCommand } = await import('../agent/v8-daemon.js');
  tuneV8ForCommand(process.argv[2]);
  const { main } = await import('./main.js');
  process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
}
