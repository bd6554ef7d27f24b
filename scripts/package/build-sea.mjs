#!/usr/bin/env node
// npm run build:sea [-- --out DIR]
// A single executable (Node's single-executable application, SEA): a copy of this Node binary with the CommonJS
// laptop bundle (scripts/package/build-bundle.mjs) injected as the NODE_SEA_BLOB resource by postject.
// Runs on the OS and CPU it was built on: build the Linux one on Linux; macOS and Windows steps are in
// docs/deployment.md ("Building the executables").
import { execFileSync } from 'node:child_process';
import { chmod, copyFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildBundle } from './build-bundle.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
// The fuse Node looks for to know a blob was injected (Node 20 docs, "Single executable applications").
const sentinelFuse = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

export async function buildSea(outDir = join(root, 'dist', 'sea')) {
  const started = Date.now();
  const [major] = process.versions.node.split('.').map(Number);
  if ((major ?? 0) < 20) throw new Error(`Node ${process.versions.node} has no single-executable support; use Node 20 or later`);
  await mkdir(outDir, { recursive: true });
  const work = join(outDir, 'work');
  await mkdir(work, { recursive: true });
  const { outfile: bundle } = await buildBundle(work);
  // The SEA main runs as a CommonJS script: drop the bundle's shebang line (harmless, but not a script's first line).
  const source = (await readFile(bundle, 'utf8')).replace(/^#!.*\n/, '');
  const main = join(work, 'sea-main.cjs');
  await writeFile(main, source);
  const blob = join(work, 'farmwatch.blob');
  const config = join(work, 'sea-config.json');
  await writeFile(config, JSON.stringify({ main, output: blob, disableExperimentalSEAWarning: true, useCodeCache: false }));
  execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: ['ignore', 'ignore', 'inherit'] });

  const exe = join(outDir, process.platform === 'win32' ? 'farmwatch.exe' : 'farmwatch');
  await rm(exe, { force: true });
  await copyFile(process.execPath, exe);
  await chmod(exe, 0o755);
  if (process.platform === 'darwin') execFileSync('codesign', ['--remove-signature', exe]);
  // postject's API; the CLI would be the same: postject EXE NODE_SEA_BLOB BLOB --sentinel-fuse ... [--macho-segment-name NODE_SEA]
  const { inject } = await import('postject');
  await inject(exe, 'NODE_SEA_BLOB', await readFile(blob), {
    sentinelFuse,
    ...(process.platform === 'darwin' ? { machoSegmentName: 'NODE_SEA' } : {}),
  });
  if (process.platform === 'darwin') execFileSync('codesign', ['--sign', '-', exe]); // ad-hoc; sign for real before shipping
  await rm(work, { recursive: true, force: true });
  const { size } = await stat(exe);
  return { exe, size, ms: Date.now() - started };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  try {
    const { exe, size, ms } = await buildSea(values.out ? resolve(values.out) : undefined);
    process.stdout.write(`${relative(process.cwd(), exe)}: ${(size / 1024 / 1024).toFixed(1)} MiB in ${ms} ms\n`);
  } catch (err) {
    process.stderr.write(`build:sea: ${err.message}\n`);
    process.exitCode = 1;
  }
}
