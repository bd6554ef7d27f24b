import { errorCodeOf, isMissing } from '../errors.js';
import { memoryOf } from '../memory.js';
import type { CollectContext, CollectResult } from '../types.js';
import { parseDpkgStatus } from './parse-dpkg.js';
import { parseRpmQa, rpmQueryArgs } from './parse-rpm.js';
import { snapFileName, snapYamlVersion } from './parse-snap.js';
import { serviceUnits, type UnitDir } from './parse-units.js';
import type { Software, SoftwareItem } from '../../schema/snapshot/software.js';
import { unixTool } from '../programs.js';

export const dpkgStatus = '/var/lib/dpkg/status';
const rpmDb = '/var/lib/rpm';
const dpkgChunkChars = 128 * 1024;
const unitDirs = ['/etc/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system'];

/** What one source found, or why it could not look. `failed` means unknown (not "none"). */
interface Part { items: SoftwareItem[]; notes: string[]; failed?: boolean }

const none: Part = { items: [], notes: [] };

function why(err: unknown): string {
  return `${errorCodeOf(err)}: ${err instanceof Error ? err.message : String(err)}`;
}

/** A few problems by name, the rest counted: a broken database must not flood the snapshot. */
function summarise(source: string, problems: string[], max = 5): string[] {
  if (problems.length <= max) return problems;
  return [...problems.slice(0, max), `${source}: ${problems.length - max} more skipped`];
}

async function readDirOrMissing(ctx: CollectContext, path: string): Promise<string[] | undefined> {
  try {
    return await ctx.readDir(path);
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

/** dpkg's status file read directly; rpm's database is binary, so one `rpm -qa` only where there is no dpkg. */
async function packages(ctx: CollectContext): Promise<Part> {
  let buffer: Buffer;
  try {
    buffer = await ctx.readFileBuffer(dpkgStatus);
  } catch (err) {
    if (!isMissing(err)) return { items: [], notes: [`${dpkgStatus} unreadable (${why(err)})`], failed: true };
    return rpmPackages(ctx);
  }
  // The daemon's memory: the same file (by digest, ~0.4 ms for 640 KB against 4–15 ms to parse) gives the same list.
  // A one-shot run (no ctx.memory) has nothing to compare with: no digest.
  const memory = ctx.memory ? memoryOf<{ digest: string; part: Part | undefined }>(ctx, 'software.dpkg', () => ({ digest: '', part: undefined })) : undefined;
  const digest = memory ? (await import('node:crypto')).createHash('sha1').update(buffer).digest('hex') : '';
  if (memory?.part && memory.digest === digest) return memory.part;
  // Package names and versions are ASCII by policy; stray non-UTF-8 bytes in descriptions decode to U+FFFD.
  const text = buffer.toString('utf8');
  // A desktop's status file is 1-3 MB: parse it in stanza-aligned chunks, yielding between them, so that the
  // event loop is never blocked for long (the agent's budget: 20 ms, docs/BENCHMARKS.md).
  const items: SoftwareItem[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (let start = 0; start < text.length;) {
    const cut = text.indexOf('\n\n', start + dpkgChunkChars);
    const end = cut < 0 ? text.length : cut + 2;
    const part = parseDpkgStatus(text.slice(start, end), seen);
    items.push(...part.items);
    problems.push(...part.problems);
    start = end;
    if (start < text.length) await new Promise((resolve) => setImmediate(resolve));
  }
  const part = { items, notes: summarise('dpkg', problems) };
  if (memory) {
    memory.digest = digest;
    memory.part = part;
  }
  return part;
}

async function rpmPackages(ctx: CollectContext): Promise<Part> {
  try {
    if ((await readDirOrMissing(ctx, rpmDb)) === undefined) {
      return { items: [], notes: [`no package database: neither ${dpkgStatus} nor ${rpmDb} exists`] };
    }
    const text = await ctx.exec(unixTool('rpm'), rpmQueryArgs, { timeoutMs: 30_000, maxBuffer: 32 * 1024 * 1024 });
    const { items, problems } = parseRpmQa(text);
    return { items, notes: summarise('rpm', problems) };
  } catch (err) {
    return { items: [], notes: [`rpm -qa failed (${why(err)})`], failed: true };
  }
}

async function snaps(ctx: CollectContext): Promise<Part> {
  try {
    const names = await readDirOrMissing(ctx, '/snap');
    if (names) {
      const found = names.filter((n) => n !== 'bin' && n !== 'README' && !n.startsWith('.'));
      const items = await Promise.all(found.map(async (name): Promise<SoftwareItem> => {
        const yaml = await ctx.readFile(`/snap/${name}/current/meta/snap.yaml`).catch(() => '');
        const version = snapYamlVersion(yaml);
        return { name, ...(version ? { version } : {}), source: 'snap', path: `/snap/${name}` };
      }));
      return { items, notes: [] };
    }
    // Distributions that mount snaps elsewhere still keep the downloaded files here.
    const files = (await readDirOrMissing(ctx, '/var/lib/snapd/snaps')) ?? [];
    const items = files.flatMap((f) => {
      const s = snapFileName(f);
      return s ? [{ name: s.name, version: `r${s.revision}`, source: 'snap' as const, path: `/var/lib/snapd/snaps/${f}` }] : [];
    });
    return { items, notes: [] };
  } catch (err) {
    return { items: [], notes: [`snaps unreadable (${why(err)})`], failed: true };
  }
}

async function flatpaks(ctx: CollectContext): Promise<Part> {
  const roots = ['/var/lib/flatpak/app'];
  if (ctx.env.HOME) roots.push(`${ctx.env.HOME}/.local/share/flatpak/app`);
  const parts = await Promise.all(roots.map(async (root): Promise<Part> => {
    try {
      const ids = (await readDirOrMissing(ctx, root)) ?? [];
      return { items: ids.map((id) => ({ name: id, source: 'flatpak', path: `${root}/${id}` })), notes: [] };
    } catch (err) {
      return { items: [], notes: [`${root} unreadable (${why(err)})`], failed: true };
    }
  }));
  return { items: parts.flatMap((p) => p.items), notes: parts.flatMap((p) => p.notes), failed: parts.every((p) => p.failed) };
}

async function opt(ctx: CollectContext): Promise<Part> {
  try {
    const names = (await readDirOrMissing(ctx, '/opt')) ?? [];
    const dirs = await Promise.all(names.map(async (name) => {
      try {
        await ctx.readDir(`/opt/${name}`);
        return true;
      } catch (err) {
        return !isMissing(err); // ENOTDIR: a file, not an installation; EACCES: still a folder
      }
    }));
    return { items: names.filter((_, i) => dirs[i]).map((name) => ({ name, source: 'opt', path: `/opt/${name}` })), notes: [] };
  } catch (err) {
    return { items: [], notes: [`/opt unreadable (${why(err)})`], failed: true };
  }
}

async function units(ctx: CollectContext): Promise<Part> {
  try {
    // On merged-/usr systems /lib is a link to usr/lib: the same folder need not be read twice.
    const libTarget = await ctx.readLink('/lib').catch(() => '');
    const dirsToRead = /^\/?usr\/lib\/?$/.test(libTarget) ? unitDirs.filter((d) => !d.startsWith('/lib/')) : unitDirs;
    const listings: UnitDir[] = [];
    for (const dir of dirsToRead) {
      const entries = await readDirOrMissing(ctx, dir);
      if (entries) listings.push({ dir, entries });
    }
    const wanted = new Set<string>();
    for (const { dir, entries } of listings) {
      for (const w of entries.filter((e) => e.endsWith('.wants'))) {
        for (const name of (await readDirOrMissing(ctx, `${dir}/${w}`)) ?? []) wanted.add(name);
      }
    }
    return { items: serviceUnits(listings, wanted), notes: [] };
  } catch (err) {
    return { items: [], notes: [`systemd units unreadable (${why(err)})`], failed: true };
  }
}

/**
 * Installed software: dpkg (or rpm), snaps, flatpaks, /opt folders and systemd services. Files only, except the
 * one `rpm -qa` on rpm systems without dpkg. Each source that cannot be read is a note; all failing is an error.
 */
export async function collect(ctx: CollectContext): Promise<CollectResult<Software>> {
  const parts = await Promise.all(
    [packages, snaps, flatpaks, opt, units].map((source) => source(ctx).catch((err: unknown): Part => ({
      ...none, notes: [`software source failed (${why(err)})`], failed: true,
    }))),
  );
  const notes = parts.flatMap((p) => p.notes);
  if (parts.every((p) => p.failed)) return { status: 'error', code: 'failed', message: notes.join('; ') };
  return { status: 'ok', data: { items: parts.flatMap((p) => p.items) }, ...(notes.length ? { notes } : {}) };
}
