import { describe, expect, it } from 'vitest';
import { parseIoreg } from '../../../collectors/parse-ioreg.js';
import { inquiryFromIoreg, inquiryFromSysfs, inquiryFromUsbstor, usbPortOfBlockLink } from '../../../collectors/usb/parse-inquiry.js';
import { fixture } from '../../helpers/fake-context.js';

describe('USB storage inquiry strings', () => {
  it('finds the USB port of a block device from its sysfs link, and none for disks not behind USB', () => {
    expect(usbPortOfBlockLink('../devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host0/target0:0:0/0:0:0:0/block/sda')).toBe('2-1');
    expect(usbPortOfBlockLink('../devices/pci0000:00/0000:00:14.0/usb1/1-3/1-3.1/1-3.1:1.3/host4/target4:0:0/4:0:0:0/block/sdb')).toBe('1-3.1');
    expect(usbPortOfBlockLink('../devices/pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0/nvme0n1')).toBeUndefined();
    expect(usbPortOfBlockLink('../devices/virtual/block/loop0')).toBeUndefined();
  });

  it('trims the space padding sysfs keeps and drops an empty triple', () => {
    expect(inquiryFromSysfs('sdb', { vendor: 'JetKVM  \n', model: 'Virtual Media   \n', rev: '0.01\n' }, '1-2')).toEqual({
      vendor: 'JetKVM', model: 'Virtual Media', revision: '0.01', port: '1-2', source: '/sys/block/sdb/device',
    });
    expect(inquiryFromSysfs('sdc', { vendor: '        \n', model: '\n' }, undefined)).toBeUndefined();
  });

  it('reads a Windows USBSTOR id and ties it to the USB device whose serial is the instance', () => {
    const devices = [{ port: 'USB\\VID_1D6B&PID_0104\\CAFEBABE', vendorId: '1d6b', productId: '0104', serial: 'CAFEBABE', deviceClass: 0, interfaces: [] }];
    expect(inquiryFromUsbstor('USBSTOR\\CDROM&VEN_GLINET&PROD_FLASH_DRIVE&REV_1.00\\CAFEBABE&0', devices)).toEqual({
      vendor: 'GLINET', model: 'FLASH DRIVE', revision: '1.00', port: 'USB\\VID_1D6B&PID_0104\\CAFEBABE',
      source: 'USBSTOR\\CDROM&VEN_GLINET&PROD_FLASH_DRIVE&REV_1.00\\CAFEBABE&0',
    });
    expect(inquiryFromUsbstor('USBSTOR\\Disk&Ven_JetKVM&Prod_Virtual_Media&Rev_0.01\\7&2a7c5b1&0&0003&0')).toEqual({
      vendor: 'JetKVM', model: 'Virtual Media', revision: '0.01', source: 'USBSTOR\\Disk&Ven_JetKVM&Prod_Virtual_Media&Rev_0.01\\7&2a7c5b1&0&0003&0',
    });
    expect(inquiryFromUsbstor('USB\\VID_0781&PID_5581\\4C53')).toBeUndefined();
    expect(inquiryFromUsbstor('USBSTOR\\garbage')).toBeUndefined();
  });

  it('reads the IOSCSIPeripheralDeviceNub properties of macOS ioreg', () => {
    const nodes = parseIoreg(fixture('darwin', 'ioreg-scsi-nub.txt')).nodes;
    expect(inquiryFromIoreg(nodes)).toEqual([
      { vendor: 'JetKVM', model: 'Virtual Media', revision: '0.01', source: 'ioreg IOSCSIPeripheralDeviceNub' },
      { vendor: 'SanDisk', model: 'Cruzer Blade', revision: '1.00', source: 'ioreg IOSCSIPeripheralDeviceNub' },
    ]);
  });
});
