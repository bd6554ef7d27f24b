import { describe, expect, it } from 'vitest';
import { inputsFromPnp } from '../../../collectors/inputs/parse-pnp-inputs.js';
import { pnpEntities, usbFromPnp, type PnpEntity } from '../../../collectors/usb/parse-pnp.js';
import { ipkvmHidShape } from '../../../rules/device/ipkvm-hid-shape.js';
import { fixture } from '../../helpers/fake-context.js';
import { emptySnapshot, ruleContext } from '../../helpers/snapshot.js';

const entities = (name: string) => pnpEntities(JSON.parse(fixture('win32', name))).entities;
const summary = (list: readonly PnpEntity[]) => inputsFromPnp(list).devices.map((d) => [d.name, d.kind, d.bus, d.absolutePointer]);

describe('Windows inputs from the inventory pnp section', () => {
  it('touch screens, pens and touchpads are found by the usage ids Windows puts in HardwareID', () => {
    expect(summary(entities('pnp-win11-touch-pen-touchpad.json'))).toEqual([
      ['HID-compliant touch screen', 'touchscreen', 'i2c', true],
      ['HID-compliant pen', 'tablet', 'i2c', true],
      ['HID-compliant touch pad', 'touchpad', 'i2c', false],
      ['HID-compliant mouse', 'pointer', 'i2c', false],
      ['HID-compliant touch screen', 'touchscreen', 'usb', true],
    ]);
  });

  it('a digitizer whose ids sit only in CompatibleID (older recordings) is still found', () => {
    const moved = entities('pnp-win11-touch-pen-touchpad.json').map((e) => ({ ...e, compatibleIds: e.hardwareIds, hardwareIds: [] }));
    expect(summary(moved).map((d) => d[1])).toEqual(['touchscreen', 'tablet', 'touchpad', 'pointer', 'touchscreen']);
  });

  it('a vendor-defined HID collection is not an input device', () => {
    expect(summary(entities('pnp-win11-touch-pen-touchpad.json')).some((d) => /vendor-defined/.test(String(d[0])))).toBe(false);
  });

  it('Windows 7 (no PNPClass): keyboards and mice by their setup class; the multimedia-keys mouse stays relative', () => {
    const list = entities('pnp-win7-logitech-keyboard.json');
    expect(list.every((e) => e.pnpClass === undefined)).toBe(true);
    const { devices, notes } = inputsFromPnp(list);
    expect(devices.map((d) => [d.name, d.kind, d.bus, d.absolutePointer])).toEqual([
      ['HID Keyboard Device', 'keyboard', 'usb', false],
      ['HID-compliant mouse', 'pointer', 'usb', false],
      ['HID-compliant mouse', 'pointer', 'usb', false],
      ['Standard PS/2 Keyboard', 'keyboard', 'ps2', false],
    ]);
    expect(devices[1]).toMatchObject({ vendorId: '046d', productId: 'c30a', handlers: ['mouhid', 'Col03'] });
    expect(notes.some((n) => /1 mouse collection\(s\) .* kept relative/.test(n))).toBe(true);
    expect(notes.some((n) => /marked absolute by that inference/.test(n))).toBe(false);
  });

  it('without PNPClass and ClassGuid, the driver service (kbdhid/mouhid) names keyboards and mice', () => {
    const bare = entities('pnp-win7-logitech-keyboard.json').map(({ classGuid: _guid, ...e }) => e);
    expect(summary(bare)).toEqual([
      ['HID Keyboard Device', 'keyboard', 'usb', false],
      ['HID-compliant mouse', 'pointer', 'usb', false],
      ['HID-compliant mouse', 'pointer', 'usb', false],
    ]);
  });

  it('an IP-KVM: a mouse alone on a non-boot interface is absolute, beside consumer control it is not', () => {
    const kvm = pnpEntities(JSON.parse(fixture('win32', 'inventory-laptop-ipkvm.json')).pnp.data).entities;
    const mouse = inputsFromPnp(kvm).devices.find((d) => d.vendorId === '1d6b' && d.kind === 'pointer')!;
    expect(mouse).toMatchObject({ absolutePointer: true, handlers: ['mouhid', 'non-boot-hid-mouse'] });
    // The same KVM mouse, moved into a collection beside a consumer-control collection on its interface.
    const shared = kvm.flatMap((e) => e.id.startsWith('HID\\VID_1D6B&PID_0104&MI_01\\') ? [
      { ...e, id: 'HID\\VID_1D6B&PID_0104&MI_01&Col02\\8&1F2E3D4C&0&0001' },
      { id: 'HID\\VID_1D6B&PID_0104&MI_01&Col01\\8&1F2E3D4C&0&0000', pnpClass: 'HIDClass', hardwareIds: ['HID_DEVICE_SYSTEM_CONSUMER', 'HID_DEVICE_UP:000C_U:0001'], compatibleIds: [] },
    ] : [e]);
    expect(inputsFromPnp(shared).devices.find((d) => d.vendorId === '1d6b' && d.kind === 'pointer')!.absolutePointer).toBe(false);
  });

  it('a keyboard-class node that is the USB device itself (a barcode scanner) is a USB keyboard with its ids', () => {
    // The id's shape is a real Win32_Keyboard row's (glpi-agent test data, GPL, format only); name, service and serial are ours.
    const id = 'USB\\VID_05E0&PID_1200\\S/N:0123456789ABCDEF0123456789ABCDEF_REV:NBRMSAAHDM:01JAN150';
    const scanner: PnpEntity = { id, name: 'Symbol Bar Code Scanner', classGuid: '{4D36E96B-E325-11CE-BFC1-08002BE10318}', service: 'kbdhid', hardwareIds: [], compatibleIds: ['USB\\Class_03&SubClass_01&Prot_01'] };
    expect(inputsFromPnp([scanner]).devices).toEqual([
      { name: 'Symbol Bar Code Scanner', kind: 'keyboard', absolutePointer: false, bus: 'usb', vendorId: '05e0', productId: '1200', usbPort: id, handlers: ['kbdhid'] },
    ]);
  });

  it('the IP-KVM shape rule: the Logitech keyboard does not match, the PiKVM does', () => {
    const shape = (list: readonly PnpEntity[]) => ipkvmHidShape.evaluate(
      emptySnapshot({ usb: { devices: usbFromPnp(list).devices }, inputs: { devices: inputsFromPnp(list).devices } }), ruleContext());
    expect(shape(entities('pnp-win7-logitech-keyboard.json'))).toEqual([]);
    const kvm = shape(pnpEntities(JSON.parse(fixture('win32', 'inventory-laptop-ipkvm.json')).pnp.data).entities);
    expect(kvm.map((m) => m.subject)).toHaveLength(1);
    expect(kvm[0]!.evidence).toMatchObject({ absolutePointer: 'HID-compliant mouse' });
  });
});
