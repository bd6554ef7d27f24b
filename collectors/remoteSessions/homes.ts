import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface Home {
  path: string;
  uid: number;
}

/**
 * The home directories under `base` (/home, /Users), each with its owner, plus `extra` ones (/root, /var/root). A
 * home that is a symbolic link is skipped: the logs under it could be anybody's.
 */
export async function homesUnder(bases: readonly string[], extra: readonly string[] = []): Promise<Home[]> {
  const candidates: string[] = [...extra];
  for (const base of bases) {
    try {
      for (const name of await readdir(base)) if (!name.startsWith('.') && name !== 'Shared') candidates.push(join(base, name));
    } catch {
      // no such base on this machine
    }
  }
  const out: Home[] = [];
  for (const path of candidates.slice(0, 500)) {
    try {
      const st = await lstat(path);
      if (st.isDirectory()) out.push({ path, uid: st.uid });
    } catch {
      // vanished or unreadable: skipped
    }
  }
  return out;
}

/** Regular-looking names in a directory matching `pattern`, the directory itself not followed if it is a link. */
export async function filesIn(dir: string, pattern: RegExp, owners: readonly number[], platform: NodeJS.Platform = process.platform): Promise<string[]> {
  try {
    const st = await lstat(dir);
    if (!st.isDirectory()) return [];
    if (platform !== 'win32' && !owners.includes(st.uid)) return [];
    return (await readdir(dir)).filter((n) => pattern.test(n)).sort().slice(-20).map((n) => join(dir, n));
  } catch {
    return [];
  }
}
