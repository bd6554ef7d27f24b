#!/usr/bin/env node
// Part of `npm run build` (and `prepare`): the npm bin's laptop commands as a few ES module files, dist/cli/bundle/.
// dist/cli/cli.js runs them for every command but `server` and `demo`, and falls back to the tsc output
// (dist/cli/main.js) when they are missing or older than it: loading ~250 modules one by one cost ~0.1 s of
// `farmwatch diagnose`'s 0.25 s CPU budget (docs/BENCHMARKS.md). Packages stay imports of node_modules; the server's
// commands are left out (the tsc output runs them), so one process never mixes the two copies of a module.
import { build } from 'esbuild';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const binBundleDir = join(root, 'dist', 'cli', 'bundle');

const serverCommandStub = `export async function main() { throw new Error('farmwatch: this command runs from dist/cli/main.js, not the bundle'); }\n`;

export async function buildBin() {
  const started = Date.now();
  const tscMain = join(root, 'dist', 'cli', 'main.js');
  const { mtimeMs } = await stat(tscMain).catch(() => {
    throw new Error('dist/cli/main.js is missing: run tsc -p tsconfig.json first');
  });
  await rm(binBundleDir, { recursive: true, force: true });
  await mkdir(binBundleDir, { recursive: true });
  const result = await build({
    entryPoints: { main: join(root, 'cli', 'main.ts') },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outdir: binBundleDir,
    chunkNames: 'chunk-[hash]',
    packages: 'external',
    minifyWhitespace: true,
    minifySyntax: true,
    metafile: true,
    logLevel: 'warning',
    plugins: [
      {
        name: 'farmwatch-bin',
        setup(b) {
          b.onResolve({ filter: /\/commands\/(server|demo)\.js$/ }, () => ({ path: 'server-command', namespace: 'farmwatch' }));
          b.onLoad({ filter: /^server-command$/, namespace: 'farmwatch' }, () => ({ contents: serverCommandStub, loader: 'js' }));
        },
      },
    ],
  });
  const bad = Object.keys(result.metafile.inputs).filter((p) => p.startsWith('server/'));
  if (bad.length) throw new Error(`the bin bundle must not contain server code: ${bad.join(', ')}`);
  // cli.js uses the bundle only while dist/cli/main.js is the one it was built beside (a later tsc run makes it stale).
  await writeFile(join(binBundleDir, 'built-for.json'), `${JSON.stringify({ mainMtimeMs: mtimeMs })}\n`);
  return { dir: binBundleDir, files: Object.keys(result.metafile.outputs).length, ms: Date.now() - started };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { dir, files, ms } = await buildBin();
    process.stdout.write(`${dir}: ${files} files in ${ms} ms\n`);
  } catch (err) {
    process.stderr.write(`build-bin: ${err.message}\n`);
    process.exitCode = 1;
  }
}
