import { describe, expect, it } from 'vitest';
import { inputsFromPnp } from '../../../collectors/inputs/parse-pnp-inputs.js';
import { parsePnpUsbId, pnpEntities, usbFromPnp } from '../../../collectors/usb/parse-pnp.js';
import { fixture } from '../../helpers/fake-context.js';

const section = JSON.parse(fixture('win32', 'inventory-laptop-ipkvm.json')).pnp.data;

describe('parsePnpUsbId', () => {
  it('device, composite function and HID collection ids', () => {
    expect(parsePnpUsbId('USB\\VID_1D6B&PID_0104\\CAFEBABE')).toEqual({ vendorId: '1d6b', productId: '0104', instance: 'CAFEBABE' });
    expect(parsePnpUsbId('HID\\VID_1D6B&PID_0104&MI_01&Col02\\8&1&0&0000')).toMatchObject({ interfaceNumber: 1, collection: 2 });
    expect(parsePnpUsbId('USB\\ROOT_HUB30\\4&1B2C3D4E&0&0')).toBeUndefined();
  });
});

describe('usbFromPnp', () => {
  const { entities, absent } = pnpEntities(section);
  it('builds devices with interfaces from MI_ functions; root hubs and absent devices left out', () => {
    const { devices } = usbFromPnp(entities);
    expect(absent).toBe(1);
    expect(devices.map((d) => `${d.vendorId}:${d.productId}`)).toEqual(['046d:c52b', '1d6b:0104']);
    const kvm = devices.find((d) => d.vendorId === '1d6b')!;
    expect(kvm).toMatchObject({ port: 'USB\\VID_1D6B&PID_0104\\CAFEBABE', product: 'PiKVM Composite Device', serial: 'CAFEBABE', deviceClass: 0 });
    expect(kvm.interfaces).toEqual([
      { number: 0, class: 3, subclass: 1, protocol: 1, driver: 'HidUsb' },
      { number: 1, class: 3, subclass: 0, protocol: 0, driver: 'HidUsb' },
      { number: 2, class: 8, subclass: 6, protocol: 80, driver: 'USBSTOR' },
    ]);
    expect(devices.find((d) => d.vendorId === '046d')!.serial).toBeUndefined();
  });
  it('a single-function device takes its interface from its own compatible ids', () => {
    const { devices } = usbFromPnp([{ id: 'USB\\VID_0781&PID_5581\\4C53', hardwareIds: [], compatibleIds: ['USB\\Class_08&SubClass_06&Prot_50'], service: 'USBSTOR' }]);
    expect(devices[0]!.interfaces).toEqual([{ number: 0, class: 8, subclass: 6, protocol: 80, driver: 'USBSTOR' }]);
  });
});

describe('inputsFromPnp', () => {
  const { devices } = inputsFromPnp(pnpEntities(section).entities);
  it('keyboards, pointers, touchpad and the RDP mouse, with bus and USB port', () => {
    expect(devices.map((d) => [d.name, d.kind, d.bus, d.absolutePointer])).toEqual([
      ['HID Keyboard Device', 'keyboard', 'usb', false],
      ['HID-compliant mouse', 'pointer', 'usb', true],
      ['HID-compliant mouse', 'pointer', 'usb', false],
      ['Standard PS/2 Keyboard', 'keyboard', 'ps2', false],
      ['HID-compliant touch pad', 'touchpad', 'i2c', false],
      ['Remote Desktop Mouse Device', 'pointer', 'virtual', false],
    ]);
    expect(devices[1]).toMatchObject({ vendorId: '1d6b', productId: '0104', usbPort: 'USB\\VID_1D6B&PID_0104\\CAFEBABE', handlers: ['mouhid', 'non-boot-hid-mouse'] });
    expect(devices[2]!.handlers).toEqual(['mouhid', 'Col01']);
  });
});

describe('usb win32 source: USBSTOR ids as disk inquiry strings', () => {
  it('reads the USBSTOR disk of the same PnP list, tied to the USB device whose serial is its instance', async () => {
    const { collect } = await import('../../../collectors/usb/win32.js');
    const { powershell } = await import('../../../collectors/win32/inventory.js');
    const { fakeContext } = await import('../../helpers/fake-context.js');
    const doc = JSON.parse(fixture('win32', 'inventory-laptop-ipkvm.json'));
    // As Windows lists the Comet's virtual CD-ROM (field capture: USBSTOR\CDROM&VEN_GLINET&PROD_FLASH_DRIVE&REV_1.00).
    doc.pnp.data.devices.push({
      id: 'USBSTOR\\CDROM&VEN_GLINET&PROD_FLASH_DRIVE&REV_1.00\\CAFEBABE&0', name: 'Glinet Flash Drive USB Device', class: 'CDROM',
      classGuid: '{4d36e965-e325-11ce-bfc1-08002be10318}', manufacturer: '(Standard CD-ROM drives)', service: 'cdrom', status: 'OK', present: true,
      hardwareIds: ['USBSTOR\\CdRomGLINET__Flash_Drive_____1.00', 'GenCdRom'], compatibleIds: ['USBSTOR\\CdRom', 'USBSTOR\\RAW'], busDesc: null,
    });
    const r = await collect(fakeContext({ commands: { [powershell]: JSON.stringify(doc) } }));
    if (r.status !== 'ok') throw new Error(JSON.stringify(r));
    expect(r.data.storage).toEqual([{
      vendor: 'GLINET', model: 'FLASH DRIVE', revision: '1.00', port: 'USB\\VID_1D6B&PID_0104\\CAFEBABE',
      source: 'USBSTOR\\CDROM&VEN_GLINET&PROD_FLASH_DRIVE&REV_1.00\\CAFEBABE&0',
    }]);
    expect(r.data.devices.some((d) => d.port.startsWith('USBSTOR'))).toBe(false);
  });
});
