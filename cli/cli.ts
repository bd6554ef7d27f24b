#!/usr/bin/env node
import { readFileSync, statSync } from 'node:fs';
import { tuneV8ForCommand } from '../agent/v8-daemon.js';

/**
 * The laptop's commands run from dist/cli/bundle/ (scripts/package/build-bin.mjs: a few files instead of ~250
 * modules), while it was built beside this main.js; `server` and `demo` run from the tsc output, as does everything
 * when the bundle is missing or stale (run from a tsc build alone).
 */
function bundled(command: string | undefined): boolean {
  if (command === 'server' || command === 'demo') return false;
  try {
    const builtFor = JSON.parse(readFileSync(new URL('./bundle/built-for.json', import.meta.url), 'utf8')) as { mainMtimeMs?: unknown };
    return builtFor.mainMtimeMs === statSync(new URL('./main.js', import.meta.url)).mtimeMs;
  } catch {
    return false;
  }
}

// The V8 settings of the daemon and the one-shot commands must be in place before their modules are compiled: so main
// is imported afterwards.
tuneV8ForCommand(process.argv[2]);
const { main } = await import(bundled(process.argv[2]) ? './bundle/main.js' : './main.js');

process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
