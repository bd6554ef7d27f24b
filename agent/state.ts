import { chmod, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';

/** What enrollment leaves behind: the device's credentials, readable by the agent's user only. */
export const enrollmentSchema = z.object({
  deviceId: z.string().min(1).max(128),
  token: z.string().min(1),
  fleetKey: z.string().min(1),
  serverUrl: z.string().url(),
  enrolledAt: z.string(),
});
export type Enrollment = z.infer<typeof enrollmentSchema>;

export const enrollmentFile = (stateDir: string): string => join(stateDir, 'enrollment.json');

/** Creates a directory (and parents) owner-only; tightens one that already exists. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') await chmod(dir, 0o700);
}

/** Write to a temporary file, fsync, rename over the target, fsync the directory: all or nothing, even on power loss. */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  const handle = await open(tmp, 'w', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await handle.close();
  await rename(tmp, path);
  await syncDir(dirname(path));
}

/** fsync a directory so a rename in it survives a crash; not possible (nor needed) on Windows. */
export async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function saveEnrollment(stateDir: string, enrollment: Enrollment): Promise<string> {
  await ensurePrivateDir(stateDir);
  const file = enrollmentFile(stateDir);
  await writeFileAtomic(file, `${JSON.stringify(enrollment, null, 2)}\n`, 0o600);
  return file;
}

export type LoadedEnrollment = { status: 'ok'; enrollment: Enrollment } | { status: 'missing' } | { status: 'invalid'; reason: string };

export async function loadEnrollment(stateDir: string): Promise<LoadedEnrollment> {
  let text: string;
  try {
    text = await readFile(enrollmentFile(stateDir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
    return { status: 'invalid', reason: `cannot read ${enrollmentFile(stateDir)} (${(err as NodeJS.ErrnoException).code ?? String(err)})` };
  }
  try {
    const parsed = enrollmentSchema.safeParse(JSON.parse(text));
    if (parsed.success) return { status: 'ok', enrollment: parsed.data };
    return { status: 'invalid', reason: `${enrollmentFile(stateDir)} does not hold a valid enrollment` };
  } catch {
    return { status: 'invalid', reason: `${enrollmentFile(stateDir)} is not valid JSON` };
  }
}
