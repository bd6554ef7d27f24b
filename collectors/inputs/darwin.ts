import { failure } from '../errors.js';
import { parseIoreg } from '../parse-ioreg.js';
import type { CollectContext, CollectResult } from '../types.js';
import { inputsFromIoreg } from './parse-ioreg-hid.js';
import type { Inputs } from '../../schema/snapshot/inputs.js';
import { darwinTools } from '../programs.js';

export const ioregHidArgs = ['-r', '-d', '1', '-c', 'IOHIDDevice', '-l', '-w0'] as const;

/** macOS inputs: one `ioreg` fork listing every IOHIDDevice (USB, Bluetooth, SPI built-ins, IOHIDUserDevice). */
export async function collect(ctx: CollectContext): Promise<CollectResult<Inputs>> {
  let text: string;
  try {
    text = await ctx.exec(darwinTools.ioreg, ioregHidArgs, { timeoutMs: 5_000, maxBuffer: 32 << 20 });
  } catch (err) {
    return failure(err, 'ioreg -c IOHIDDevice');
  }
  const parsed = parseIoreg(text);
  if (parsed.nodes.length === 0 && text.trim() !== '') {
    return { status: 'error', code: 'parse-error', message: 'ioreg -c IOHIDDevice printed no node header' };
  }
  const { devices, ignored, bestEffort } = inputsFromIoreg(parsed.nodes);
  const notes: string[] = [];
  if (ignored) notes.push(`${ignored} HID node(s) with no keyboard/pointer/digitizer usage (consumer keys, vendor, sensors) left out`);
  if (bestEffort) notes.push(`${bestEffort} HID node(s) without ReportDescriptor: absolutePointer is best-effort (true for digitizers only)`);
  if (devices.length === 0) notes.push('no keyboard or pointer HID device listed by ioreg');
  return { status: 'ok', data: { devices }, ...(notes.length ? { notes } : {}) };
}
