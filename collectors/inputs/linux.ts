import { failure, isMissing } from '../errors.js';
import type { CollectContext, CollectResult } from '../types.js';
import { parseProcInputDevices } from './parse-proc-input.js';
import type { Inputs } from '../../schema/snapshot/inputs.js';

export const procInputDevices = '/proc/bus/input/devices';

/** The kernel prints bitmaps in `unsigned long` words: 64 bits on every 64-bit architecture Node runs on. */
const bitsPerLong = ['x64', 'arm64', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el'].includes(process.arch) ? 64 : 32;

/** One read of /proc/bus/input/devices; no process is forked. */
export async function collect(ctx: CollectContext): Promise<CollectResult<Inputs>> {
  let text: string;
  try {
    text = await ctx.readFile(procInputDevices);
  } catch (err) {
    if (isMissing(err)) {
      return { status: 'ok', data: { devices: [] }, notes: [`no input subsystem: ${procInputDevices} is absent`] };
    }
    return failure(err, `reading ${procInputDevices}`);
  }
  const { devices, problems } = parseProcInputDevices(text, { bitsPerLong });
  const notes = [...problems];
  if (devices.length === 0 && problems.length === 0) notes.push(`no input devices: ${procInputDevices} is empty`);
  return { status: 'ok', data: { devices }, ...(notes.length ? { notes } : {}) };
}
