import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createContext } from '../../collectors/context.js';
import { collect } from '../../collectors/usb/linux.js';
import { usbSchema } from '../../schema/snapshot/usb.js';
import type { CollectContext } from '../../collectors/types.js';
import { evaluateSnapshot } from '../../rules/index.js';
import { emptySnapshot, ruleContext } from '../helpers/snapshot.js';

/**
 * A temporary root laid out like sysfs, with real directories, files and symbolic links: a JetKVM whose owner cloned a
 * Logitech keyboard's USB ids (046d:c31c) on port 1-3.1, its virtual media as /sys/block/sdb, an NVMe disk beside it.
 * The collector reads it through the real file system (createContext), only re-rooted.
 */
const root = mkdtempSync(join(tmpdir(), 'farmwatch-sysfs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function file(path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}
function link(path: string, target: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  symlinkSync(target, join(root, path));
}

const usbDev = '/sys/devices/pci0000:00/0000:00:14.0/usb1/1-3/1-3.1';
function layOut(): void {
  for (const [k, v] of Object.entries({ idVendor: '046d', idProduct: 'c31c', manufacturer: 'Logitech', product: 'USB Keyboard', bDeviceClass: '00', bcdDevice: '0100', speed: '480' })) {
    file(`${usbDev}/${k}`, `${v}\n`);
  }
  const iface = (n: number, cls: string, sub: string, proto: string, driver: string) => {
    const dir = `${usbDev}/1-3.1:1.${n}`;
    for (const [k, v] of Object.entries({ bInterfaceNumber: `0${n}`, bInterfaceClass: cls, bInterfaceSubClass: sub, bInterfaceProtocol: proto })) file(`${dir}/${k}`, `${v}\n`);
    mkdirSync(join(root, `/sys/bus/usb/drivers/${driver}`), { recursive: true });
    link(`${dir}/driver`, `../../../../../../../bus/usb/drivers/${driver}`);
    link(`/sys/bus/usb/devices/1-3.1:1.${n}`, `../../../devices/pci0000:00/0000:00:14.0/usb1/1-3/1-3.1/1-3.1:1.${n}`);
  };
  iface(0, '03', '01', '01', 'usbhid');
  iface(1, '03', '00', '02', 'usbhid');
  iface(2, '03', '01', '02', 'usbhid');
  iface(3, '08', '06', '50', 'usb-storage');
  link('/sys/bus/usb/devices/1-3.1', '../../../devices/pci0000:00/0000:00:14.0/usb1/1-3/1-3.1');
  // The SCSI disk under the storage interface, with the inquiry strings the kernel shows (space-padded).
  const scsi = `${usbDev}/1-3.1:1.3/host4/target4:0:0/4:0:0:0`;
  file(`${scsi}/vendor`, 'JetKVM  \n');
  file(`${scsi}/model`, 'Virtual Media   \n');
  file(`${scsi}/rev`, '0.01\n');
  mkdirSync(join(root, `${scsi}/block/sdb`), { recursive: true });
  link(`${scsi}/block/sdb/device`, '../../../4:0:0:0');
  link('/sys/block/sdb', `../devices/pci0000:00/0000:00:14.0/usb1/1-3/1-3.1/1-3.1:1.3/host4/target4:0:0/4:0:0:0/block/sdb`);
  // An internal NVMe disk: not behind USB, so its attributes are never read.
  const nvme = '/sys/devices/pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0/nvme0n1';
  mkdirSync(join(root, nvme), { recursive: true });
  link('/sys/block/nvme0n1', `../devices/pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0/nvme0n1`);
}

/** The real OS context, with every absolute path read under the temporary root. */
function rootedContext(): CollectContext {
  const real = createContext({ log: pino({ level: 'silent' }), signal: new AbortController().signal, options: { probeAnchors: [], redactCommandLines: false } });
  const at = (p: string) => join(root, p);
  return {
    ...real,
    exec: () => Promise.reject(Object.assign(new Error('no programs in this test'), { code: 'ENOENT' })),
    readFile: (p) => real.readFile(at(p)),
    readFileBuffer: (p) => real.readFileBuffer(at(p)),
    readDir: (p) => real.readDir(at(p)),
    readLink: (p) => real.readLink(at(p)),
  };
}

describe('Linux: KVM virtual media read from a sysfs-shaped tree, end to end', () => {
  it('reads the disk inquiry strings, ties them to the USB device and fires ipkvm.virtual-media with the HID shape as second fact', async () => {
    layOut();
    const result = await collect(rootedContext());
    if (result.status !== 'ok') throw new Error(JSON.stringify(result));
    expect(usbSchema.parse(result.data)).toEqual(result.data);
    expect(result.data.devices.map((d) => `${d.port} ${d.vendorId}:${d.productId}`)).toEqual(['1-3.1 046d:c31c']);
    expect(result.data.storage).toEqual([{ vendor: 'JetKVM', model: 'Virtual Media', revision: '0.01', port: '1-3.1', source: '/sys/block/sdb/device' }]);

    const evaluation = evaluateSnapshot(emptySnapshot({ usb: result.data, inputs: null }), ruleContext());
    const rules = evaluation.findings.map((f) => f.rule);
    expect(rules).toContain('ipkvm.virtual-media');
    expect(rules).not.toContain('ipkvm.usb'); // the ids are a Logitech keyboard's
    const finding = evaluation.findings.find((f) => f.rule === 'ipkvm.virtual-media');
    expect(finding).toMatchObject({ severity: 'critical', confidence: 0.97 });
    expect(finding?.evidence).toMatchObject({ kvm: 'jetkvm', corroboration: 'boot keyboard + non-boot HID on the same USB device' });
    expect(evaluation.level === 'high' || evaluation.level === 'critical').toBe(true);
  });
});
