import { arch } from 'node:os';
import { failure } from '../errors.js';
import { parseIoreg } from '../parse-ioreg.js';
import type { CollectContext, CollectResult } from '../types.js';
import { connectorsFromClcd, connectorsFromDisplayConnect } from './parse-ioreg-displays.js';
import type { Connector, Displays } from '../../schema/snapshot/displays.js';
import { darwinTools } from '../programs.js';

export const ioregDisplayConnect = ['-l', '-w0', '-r', '-c', 'IODisplayConnect'] as const;
export const ioregClcd = ['-l', '-w0', '-r', '-d', '1', '-c', 'AppleCLCD2'] as const;
/** Newer Apple silicon may publish its display pipes as IOMobileFramebufferShim, with the same properties. */
export const ioregShim = ['-l', '-w0', '-r', '-d', '1', '-c', 'IOMobileFramebufferShim'] as const;

type Reader = { args: readonly string[]; read: (text: string) => Connector[] };
const intel: Reader = { args: ioregDisplayConnect, read: (t) => connectorsFromDisplayConnect(parseIoreg(t).nodes) };
const appleSilicon: Reader = { args: ioregClcd, read: (t) => connectorsFromClcd(parseIoreg(t).nodes) };
const shim: Reader = { args: ioregShim, read: (t) => connectorsFromClcd(parseIoreg(t).nodes) };

/**
 * macOS displays: one ioreg fork, the class chosen by CPU (Apple silicon AppleCLCD2, Intel IODisplayConnect);
 * the other classes only while the ones before list nothing (Rosetta reports x64, newer Apple silicon the shim class). GPUs are not listed (adapters stay empty, with a note).
 */
export async function collectFor(ctx: CollectContext, cpu: string): Promise<CollectResult<Displays>> {
  const order = cpu === 'arm64' ? [appleSilicon, shim, intel] : [intel, appleSilicon, shim];
  const errors: string[] = [];
  let lastErr: unknown;
  for (const r of order) {
    let text: string;
    try {
      text = await ctx.exec(darwinTools.ioreg, r.args, { timeoutMs: 5_000, maxBuffer: 16 << 20 });
    } catch (err) {
      lastErr = err;
      errors.push(`ioreg ${r.args.join(' ')}: ${(err as Error).message}`);
      continue;
    }
    const connectors = r.read(text);
    if (connectors.length === 0) continue;
    const notes = ['display adapters (GPUs) are not read on macOS'];
    if (r !== intel && connectors.some((c) => c.edid && !c.edid.hex)) {
      notes.push('EDID fields from DisplayAttributes (decoded by macOS, no raw bytes): checksum and hex unknown');
    }
    return { status: 'ok', data: { connectors, adapters: [] }, notes: [...notes, ...errors] };
  }
  if (errors.length === order.length) return failure(lastErr, errors.join('; '));
  return { status: 'ok', data: { connectors: [], adapters: [] }, notes: ['ioreg lists no display (headless, or display asleep)', ...errors] };
}

export function collect(ctx: CollectContext): Promise<CollectResult<Displays>> {
  return collectFor(ctx, arch());
}
