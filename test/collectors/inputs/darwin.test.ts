import { describe, expect, it } from 'vitest';
import { collect, ioregHidArgs } from '../../../collectors/inputs/darwin.js';
import { hasAbsoluteXY } from '../../../collectors/inputs/parse-ioreg-hid.js';
import { inputsSchema } from '../../../schema/snapshot/inputs.js';
import { collect as collectUsb, ioregUsbDevices, ioregUsbInterfaces } from '../../../collectors/usb/darwin.js';
import { fakeContext, fixture } from '../../helpers/fake-context.js';

const key = `ioreg ${ioregHidArgs.join(' ')}`;
const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));

describe('inputs darwin source', () => {
  it('reads keyboards, pointers and absolute pointers from one ioreg fork, and links USB ones to usb ports', async () => {
    const ctx = fakeContext({ commands: { [key]: fixture('darwin', 'ioreg-hid-devices.txt') } });
    const r = await collect(ctx);
    expect(r.status).toBe('ok');
    if (r.status !== 'ok') return;
    expect(inputsSchema.safeParse(r.data).success).toBe(true);
    expect(ctx.execCalls).toHaveLength(1);
    const kvm = r.data.devices.filter((d) => d.vendorId === '1d6b');
    expect(kvm.map((d) => [d.kind, d.absolutePointer, d.usbPort])).toEqual([
      ['keyboard', false, '0x01120000'], ['pointer', true, '0x01120000'],
    ]);
    expect(r.data.devices.find((d) => d.vendorId === '046d')).toMatchObject({ kind: 'pointer', absolutePointer: false, bus: 'usb' });
    const builtin = r.data.devices.filter((d) => d.vendorId === '05ac');
    expect(builtin.map((d) => d.kind).sort()).toEqual(['keyboard', 'touchpad']);
    expect(builtin.every((d) => d.bus === 'other' && d.usbPort === undefined)).toBe(true);
    expect(r.data.devices.find((d) => d.name === 'Virtual Keyboard')?.bus).toBe('virtual');
    expect(r.notes?.join('\n')).toMatch(/1 HID node\(s\) with no keyboard/);
    expect(r.notes?.join('\n')).toMatch(/best-effort/);

    // The usb.port of the KVM is the inputs' usbPort, as the ipkvm.hid-shape rule joins them.
    const usb = await collectUsb(fakeContext({ commands: {
      [`ioreg ${ioregUsbDevices.join(' ')}`]: fixture('darwin', 'ioreg-usb-devices.txt'),
      [`ioreg ${ioregUsbInterfaces.join(' ')}`]: fixture('darwin', 'ioreg-usb-interfaces.txt'),
    } }));
    expect(usb.status === 'ok' && usb.data.devices.some((d) => d.port === kvm[0]?.usbPort)).toBe(true);
  });

  it('real macOS 13 ioreg (PS/2 keyboard and trackpad through a VoodooPS2 shim): a relative pointer, not absolute', async () => {
    const r = await collect(fakeContext({ commands: { [key]: fixture('darwin', 'ioreg-hid-devices--checkaudio-macos13.txt') } }));
    expect(r.status).toBe('ok');
    if (r.status !== 'ok') return;
    expect(inputsSchema.safeParse(r.data).success).toBe(true);
    expect(r.data.devices.map((d) => [d.name, d.kind, d.absolutePointer, d.bus])).toEqual([
      ['Keyboard', 'keyboard', false, 'other'],
      ['Mouse', 'pointer', false, 'other'],
    ]);
  });

  it('missing ioreg is command-missing; garbage is a parse-error', async () => {
    expect(await collect(fakeContext({}))).toMatchObject({ status: 'error', code: 'command-missing' });
    expect(await collect(fakeContext({ commands: { [key]: 'ioreg: erreur inconnue\n' } }))).toMatchObject({ status: 'error', code: 'parse-error' });
  });
});

describe('hasAbsoluteXY', () => {
  it('tells an absolute X/Y input from a relative one and from constant padding', () => {
    expect(hasAbsoluteXY(hex('05010902a1010901a1000501093009311500' + '26ff7f75109502' + '8102c0c0'))).toBe(true);
    expect(hasAbsoluteXY(hex('05010902a1010901a1000501093009311581257f75089502' + '8106c0c0'))).toBe(false);
    expect(hasAbsoluteXY(hex('0501093009317510950281' + '03'))).toBe(false);
    expect(hasAbsoluteXY(hex('050109'))).toBe(false); // truncated descriptor: no throw
  });
});
