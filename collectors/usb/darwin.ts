import { failure } from '../errors.js';
import { parseIoreg } from '../parse-ioreg.js';
import type { CollectContext, CollectResult } from '../types.js';
import { inquiryFromIoreg } from './parse-inquiry.js';
import { usbFromIoreg } from './parse-ioreg-usb.js';
import { parseSystemProfilerUsb } from './parse-system-profiler-usb.js';
import type { Usb } from '../../schema/snapshot/usb.js';
import { darwinTools } from '../programs.js';

export const ioregUsbDevices = ['-r', '-d', '1', '-c', 'IOUSBHostDevice', '-l', '-w0'] as const;
export const ioregUsbInterfaces = ['-r', '-d', '1', '-c', 'IOUSBHostInterface', '-l', '-w0'] as const;
/** The SCSI nub of USB mass storage: its inquiry strings (an IP-KVM's virtual media names itself there). */
export const ioregScsiNubs = ['-r', '-d', '1', '-c', 'IOSCSIPeripheralDeviceNub', '-l', '-w0'] as const;
export const systemProfilerUsb = ['-json', 'SPUSBDataType'] as const;
export const systemProfilerUsbHost = ['-json', 'SPUSBHostDataType'] as const;

/**
 * Fallback (slow, no interfaces): system_profiler, for when ioreg itself fails. macOS 26 prints an empty
 * SPUSBDataType and lists the devices under SPUSBHostDataType: that second fork runs only when the first lists none.
 */
async function fromSystemProfiler(ctx: CollectContext, why: string): Promise<CollectResult<Usb>> {
  const opts = { timeoutMs: 15_000, maxBuffer: 16 << 20 };
  let text: string;
  try {
    text = await ctx.exec(darwinTools.systemProfiler, systemProfilerUsb, opts);
  } catch (err) {
    return failure(err, `${why}; system_profiler SPUSBDataType failed`);
  }
  let parsed: ReturnType<typeof parseSystemProfilerUsb>;
  try {
    parsed = parseSystemProfilerUsb(text);
  } catch (err) {
    return { status: 'error', code: 'parse-error', message: `${why}; ${(err as Error).message}` };
  }
  let source = 'SPUSBDataType';
  const extra: string[] = [];
  if (parsed.devices.length === 0) {
    try {
      const host = parseSystemProfilerUsb(await ctx.exec(darwinTools.systemProfiler, systemProfilerUsbHost, opts));
      if (host.devices.length > 0 || host.problems.length > 0) { parsed = host; source = 'SPUSBHostDataType'; }
    } catch (err) {
      extra.push(`SPUSBDataType listed no device and SPUSBHostDataType could not be read: ${(err as Error).message}`);
    }
  }
  const note = `${why}: read system_profiler ${source} (no interface descriptors; deviceClass 0 = unknown)`;
  return { status: 'ok', data: { devices: parsed.devices }, notes: [note, ...parsed.problems, ...extra] };
}

/** macOS USB: two `ioreg` forks (devices, interfaces), IOUSBHostFamily (macOS 10.11+, Intel and Apple silicon). */
export async function collect(ctx: CollectContext): Promise<CollectResult<Usb>> {
  const opts = { timeoutMs: 5_000, maxBuffer: 16 << 20 };
  const [devText, ifText, scsiText] = await Promise.allSettled([
    ctx.exec(darwinTools.ioreg, ioregUsbDevices, opts),
    ctx.exec(darwinTools.ioreg, ioregUsbInterfaces, opts),
    ctx.exec(darwinTools.ioreg, ioregScsiNubs, opts),
  ]);
  if (devText.status === 'rejected') {
    return fromSystemProfiler(ctx, `ioreg -c IOUSBHostDevice failed (${(devText.reason as Error).message})`);
  }
  const notes: string[] = [];
  const devices = parseIoreg(devText.value).nodes;
  let interfaces = parseIoreg(ifText.status === 'fulfilled' ? ifText.value : '').nodes;
  if (ifText.status === 'rejected') {
    notes.push(`ioreg -c IOUSBHostInterface failed: interfaces unknown (${(ifText.reason as Error).message})`);
    interfaces = [];
  }
  const parsed = usbFromIoreg(devices, interfaces);
  notes.push(...parsed.problems);
  const storage = scsiText.status === 'fulfilled' ? inquiryFromIoreg(parseIoreg(scsiText.value).nodes) : [];
  if (scsiText.status === 'rejected') notes.push(`ioreg -c IOSCSIPeripheralDeviceNub failed: USB storage inquiry strings unknown (${(scsiText.reason as Error).message})`);
  else if (storage.length) notes.push('USB storage inquiry strings are not tied to a USB device on macOS (port left out)');
  if (parsed.devices.length === 0 && devText.value.trim() !== '') notes.push('ioreg printed USB output but no device was understood');
  if (devText.value.trim() === '') notes.push('ioreg lists no IOUSBHostDevice: no USB device attached (built-in keyboards and trackpads on SPI are not USB)');
  return { status: 'ok', data: { devices: parsed.devices, storage }, ...(notes.length ? { notes } : {}) };
}
