import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let ownRoot: string | undefined;

/**
 * The package root (the folder holding package.json), walking up from this file in src or dist. This file's own is
 * looked up once: every catalog load asks, and each step up is a failed read (a thrown error).
 */
export function packageRoot(from?: string): string {
  if (from === undefined) return (ownRoot ??= findPackageRoot(fileURLToPath(import.meta.url)));
  return findPackageRoot(from);
}

function findPackageRoot(from: string): string {
  let dir = dirname(from);
  for (let i = 0; i < 8; i++) {
    try {
      readFileSync(join(dir, 'package.json'));
      return dir;
    } catch {
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  throw new Error(`package.json not found above ${from}`);
}

let cached: string | undefined;
/** The version in package.json: the agent's and the server's, which ship as one package. */
export function agentVersion(): string {
  cached ??= (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  return cached;
}
