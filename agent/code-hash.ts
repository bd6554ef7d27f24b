import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../common/version.js';

/** The folders of the agent's own code, beside this file's folder (dist/ when built, the sources in development). */
const codeDirs = ['common', 'schema', 'collectors', 'rules', 'agent', 'cli'];

/** What the code hash covers: the npm package's files, the one-file bundle, or the single executable. */
export type CodeSource = { kind: 'package'; root: string } | { kind: 'bundle' | 'executable'; file: string };

/** A hash of what runs, or why there is none: never the hash of nothing. */
export type CodeHashResult = { ok: true; hash: string; source: CodeSource } | { ok: false; reason: string; source: CodeSource };

let bundled: CodeSource | undefined;
let cached: CodeHashResult | undefined;

/**
 * Called by the bundle's entry (scripts/package/build-bundle.mjs) before anything else: in the bundle and in the single
 * executable the code is one file (the .cjs, or the executable with the bundle inside), not folders beside this one.
 */
export function useBundledCode(file: string, kind: 'bundle' | 'executable'): void {
  bundled = { kind, file };
}

/**
 * Called instead by the bundle's entry when the npm package's bin runs it (dist/cli/bundle/): the hash stays the
 * package's, which covers the bundle too, so it is the same whichever of the bundle and the tsc output runs a command.
 */
export function usePackageCode(root: string): void {
  bundled = { kind: 'package', root };
}

/**
 * The folder holding common/, schema/, … of the running code: the package's dist/ when this file runs from it (from
 * its tsc output; the npm bin's bundle in dist/cli/bundle/ says so with usePackageCode), else the
 * package root (the sources, in development).
 */
function codeRoot(file = fileURLToPath(import.meta.url)): string {
  const root = packageRoot(file);
  return relative(root, file).split(sep)[0] === 'dist' ? join(root, 'dist') : root;
}

/** Where the running agent's code is: set by the bundle's entry, else the code folders of the package. */
export function codeSource(root = codeRoot()): CodeSource {
  return bundled ?? { kind: 'package', root };
}

async function walk(dir: string, out: string[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // not every layout has every folder
    throw err;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) await walk(path, out);
    else if (/\.(js|mjs|cjs|json|ts)$/.test(e.name) && !e.name.endsWith('.d.ts') && !e.name.endsWith('.map')) out.push(path);
  }
}

/** Streamed, so that a 100 MB executable is never one buffer in memory. */
function hashFile(file: string, hash: Hash): Promise<void> {
  return new Promise((resolve, reject) => {
    createReadStream(file, { highWaterMark: 1 << 20 })
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', resolve);
  });
}

/**
 * SHA-256 of what runs: the bundle file or the executable as one file; for the npm package, its code files
 * (sorted relative path + content) and the catalogs it ships beside dist/. A changed hash under the same agent
 * version is agent.tampered on the server. Unreadable or empty: no hash and a reason, never a constant.
 * Honest limit: a patched agent can lie.
 */
export async function computeCodeHash(source: CodeSource = codeSource()): Promise<CodeHashResult> {
  const hash = createHash('sha256');
  try {
    if (source.kind !== 'package') {
      await hashFile(source.file, hash);
    } else {
      const files: string[] = [];
      for (const d of codeDirs) await walk(join(source.root, d), files);
      // Run from dist/, the catalogs are in the package's rules/catalogs (run from source, the rules walk has them).
      if (basename(source.root) === 'dist') await walk(join(source.root, '..', 'rules', 'catalogs'), files);
      if (files.length === 0) {
        cached = { ok: false, source, reason: `no code files under ${source.root} (${codeDirs.join(', ')})` };
        return cached;
      }
      files.sort();
      for (const f of files) {
        hash.update(relative(source.root, f)).update('\0');
        hash.update(await readFile(f)).update('\0');
      }
    }
  } catch (err) {
    cached = { ok: false, source, reason: `cannot read the agent's code: ${(err as Error).message}` };
    return cached;
  }
  cached = { ok: true, source, hash: hash.digest('hex') };
  return cached;
}

/** The hash computed at start, or undefined (not computed, as in diagnose and tests, or unreadable: see codeHashProblem). */
export function codeHash(): string | undefined {
  return cached?.ok ? cached.hash : undefined;
}

/** Why the hash computed at start is missing; undefined when there is one or none was computed. */
export function codeHashProblem(): string | undefined {
  return cached && !cached.ok ? cached.reason : undefined;
}
