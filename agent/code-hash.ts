import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folders of the agent's own code, beside this file's folder (dist/ when built, the sources in development). */
const codeDirs = ['agent', 'collectors', 'rules', 'schema'];
let cached: string | undefined;

async function walk(dir: string, out: string[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) await walk(path, out);
    else if (/\.(js|mjs|cjs|json|ts)$/.test(e.name) && !e.name.endsWith('.d.ts') && !e.name.endsWith('.map')) out.push(path);
  }
}

/**
 * SHA-256 over the agent's code files (sorted relative path + content), computed once at start. A changed
 * hash under the same agent version is agent.tampered on the server. Honest limit: a patched agent can lie.
 */
export async function computeCodeHash(root = dirname(dirname(fileURLToPath(import.meta.url)))): Promise<string> {
  const files: string[] = [];
  for (const d of codeDirs) await walk(join(root, d), files);
  files.sort();
  const hash = createHash('sha256');
  for (const f of files) {
    hash.update(relative(root, f)).update('\0');
    hash.update(await readFile(f)).update('\0');
  }
  cached = hash.digest('hex');
  return cached;
}

/** The hash computed at start, or undefined (diagnose and tests that never computed it). */
export function codeHash(): string | undefined {
  return cached;
}
