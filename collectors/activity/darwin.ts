import { failure } from '../errors.js';
import { io, parseIoreg } from '../parse-ioreg.js';
import type { CollectContext, CollectResult } from '../types.js';
import type { Activity } from '../../schema/snapshot/activity.js';
import { darwinTools } from '../programs.js';

export const ioregHidSystem = ['-r', '-d', '1', '-c', 'IOHIDSystem'] as const;

/**
 * macOS idle time: IOHIDSystem's HIDIdleTime (nanoseconds since the last HID event), one ioreg fork. It is system-wide:
 * the console user's input and any injected event (remote-control tools post HID events too) reset it.
 */
export async function collect(ctx: CollectContext): Promise<CollectResult<Activity>> {
  let text: string;
  try {
    text = await ctx.exec(darwinTools.ioreg, ioregHidSystem, { timeoutMs: 5_000 });
  } catch (err) {
    return failure(err, 'ioreg -c IOHIDSystem');
  }
  const node = parseIoreg(text).nodes.find((n) => io.num(n, 'HIDIdleTime') !== undefined);
  const ns = node ? io.num(node, 'HIDIdleTime') : undefined;
  if (ns === undefined || ns < 0) {
    return { status: 'ok', data: { idleSeconds: null, source: 'IOHIDSystem HIDIdleTime', unavailableReason: 'ioreg printed no HIDIdleTime (no IOHIDSystem node)' } };
  }
  return { status: 'ok', data: { idleSeconds: Math.floor(ns / 1e9), source: 'IOHIDSystem HIDIdleTime' } };
}
