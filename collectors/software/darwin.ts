import { errorCodeOf, isMissing } from '../errors.js';
import { parsePlist } from '../parse-plist.js';
import type { CollectContext, CollectResult } from '../types.js';
import { appFromInfoPlist, jobFromLaunchdPlist } from './parse-macos-bundles.js';
import type { Software, SoftwareItem } from '../../schema/snapshot/software.js';

export const appDirs = ['/Applications', '/Applications/Utilities'] as const;
export const launchdDirs = ['/Library/LaunchDaemons', '/Library/LaunchAgents'] as const;

async function list(ctx: CollectContext, dir: string, notes: string[]): Promise<string[]> {
  try {
    return await ctx.readDir(dir);
  } catch (err) {
    if (!isMissing(err)) notes.push(`${dir} unreadable (${errorCodeOf(err)})`);
    return [];
  }
}

/** Reads plists (XML or binary) with our own reader: no plutil fork per file. */
async function each(ctx: CollectContext, paths: string[], make: (plist: ReturnType<typeof parsePlist>, path: string) => SoftwareItem | undefined) {
  const items: SoftwareItem[] = [];
  const bad: string[] = [];
  await Promise.all(paths.map(async (path) => {
    const file = path.endsWith('.app') ? `${path}/Contents/Info.plist` : path;
    try {
      const item = make(parsePlist(await ctx.readFileBuffer(file)), path);
      if (item) items.push(item);
      else bad.push(path);
    } catch {
      bad.push(path);
    }
  }));
  return { items, bad };
}

/**
 * macOS software: app bundles in /Applications (and Utilities) and every user's ~/Applications, launchd jobs in
 * /Library/Launch{Daemons,Agents} and every user's ~/Library/LaunchAgents. Files only, no fork.
 */
export async function collect(ctx: CollectContext): Promise<CollectResult<Software>> {
  const notes: string[] = [];
  const users = (await list(ctx, '/Users', notes)).filter((u) => u !== 'Shared' && !u.startsWith('.'));
  const apps: string[] = [];
  for (const dir of [...appDirs, ...users.map((u) => `/Users/${u}/Applications`)]) {
    for (const e of await list(ctx, dir, notes)) if (e.endsWith('.app')) apps.push(`${dir}/${e}`);
  }
  const jobs: string[] = [];
  for (const dir of [...launchdDirs, ...users.map((u) => `/Users/${u}/Library/LaunchAgents`)]) {
    for (const e of await list(ctx, dir, notes)) if (e.endsWith('.plist')) jobs.push(`${dir}/${e}`);
  }
  if (apps.length === 0 && notes.some((n) => n.startsWith('/Applications '))) {
    return { status: 'error', code: 'permission-denied', message: `software: ${notes.join('; ')}` };
  }
  const [a, j] = await Promise.all([
    each(ctx, apps, (p, path) => appFromInfoPlist(p, path)),
    each(ctx, jobs, (p, path) => jobFromLaunchdPlist(p, path)),
  ]);
  if (a.bad.length) notes.push(`${a.bad.length} app bundle(s) without a readable Info.plist, listed by folder name: ${a.bad.slice(0, 5).join(', ')}`);
  for (const path of a.bad) a.items.push({ name: (path.split('/').pop() ?? path).replace(/\.app$/, ''), source: 'app-bundle', path });
  if (j.bad.length) notes.push(`${j.bad.length} launchd plist(s) unreadable or without Label: ${j.bad.slice(0, 5).join(', ')}`);
  const items = [...a.items, ...j.items].sort((x, y) => x.source.localeCompare(y.source) || x.name.localeCompare(y.name));
  if (items.length === 0) notes.push('no app bundle and no launchd job found');
  return { status: 'ok', data: { items }, ...(notes.length ? { notes } : {}) };
}
