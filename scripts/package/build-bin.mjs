#!/usr/bin/env node
// Part of `npm run build` (and `prepare`): the laptop bundle (scripts/package/build-bundle.mjs, one CommonJS file and
// its build-time V8 code cache) built into the package as dist/cli/bundle/. dist/cli/cli.js runs it for every command
// but `server`, `demo` and `--version`, and falls back to the tsc output (dist/cli/main.js) when it is missing or older
// than it: loading ~250 modules one by one, or compiling the bundle without its cache, costs a large part of
// `farmwatch diagnose`'s 0.25 s CPU budget (docs/BENCHMARKS.md). The server's commands run from the tsc output, so one
// process never mixes the two copies of a module.
import { rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBundle } from './build-bundle.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const binBundleDir = join(root, 'dist', 'cli', 'bundle');

export async function buildBin() {
  const started = Date.now();
  await stat(join(root, 'dist', 'cli', 'main.js')).catch(() => {
    throw new Error('dist/cli/main.js is missing: run tsc -p tsconfig.json first');
  });
  // Built beside and moved in whole: a bin starting meanwhile finds the old bundle or none (and runs the tsc output),
  // never a half-written one. Nothing of an earlier build stays (ES module chunks of older versions, a stale cache).
  const building = join(dirname(binBundleDir), `.bundle-build-${process.pid}`);
  await rm(building, { recursive: true, force: true });
  try {
    // Written after dist/cli/main.js: cli.js runs it while it is not older than main.js (a later tsc run makes it stale).
    await buildBundle(building, { listInputs: false });
    await rm(binBundleDir, { recursive: true, force: true });
    await rename(building, binBundleDir).catch((err) => {
      // Another build of the same tree got there between the two steps: its bundle is as good as this one.
      if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
    });
  } finally {
    await rm(building, { recursive: true, force: true });
  }
  return { dir: binBundleDir, ms: Date.now() - started };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { dir, ms } = await buildBin();
    process.stdout.write(`${dir}: farmwatch.cjs and its code cache in ${ms} ms\n`);
  } catch (err) {
    process.stderr.write(`build-bin: ${err.message}\n`);
    process.exitCode = 1;
  }
}
