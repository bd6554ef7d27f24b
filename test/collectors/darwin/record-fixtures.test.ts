import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ioregHidSystem } from '../../../collectors/activity/darwin.js';
import { ioregClcd, ioregDisplayConnect, ioregShim } from '../../../collectors/displays/darwin.js';
import { ioregClamshell, ioregPlatform, pmsetBatt } from '../../../collectors/host/darwin.js';
import { ioregHidArgs } from '../../../collectors/inputs/darwin.js';
import { arpArgs, ifconfigArgs, netstatTcp, netstatUdp, networksetupArgs, routeArgs } from '../../../collectors/network/darwin.js';
import { psArgs } from '../../../collectors/processes/darwin.js';
import { lsofScreenSharing } from '../../../collectors/sessions/darwin.js';
import { ioregScsiNubs, ioregUsbDevices, ioregUsbInterfaces, systemProfilerUsb, systemProfilerUsbHost } from '../../../collectors/usb/darwin.js';
import { nettopArgs } from '../../../collectors/network/session-rtt.js';
import { fixturesDir } from '../../helpers/fake-context.js';

const script = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'helpers', 'record-fixtures'), 'utf8');
/** `run FILE CMD ARGS...` lines of the script with a fixed file name. */
const recorded = new Map([...script.matchAll(/^run ([\w.-]+)\s+(.+)$/gm)].map((m) => [m[1]!, m[2]!.trim().replace(/\s+/g, ' ')]));

/** What each collector runs (its exported argv), under the file name its fixture has. */
const collectorCommands: Record<string, string> = {
  'ioreg-platform.txt': ['ioreg', ...ioregPlatform].join(' '),
  'ioreg-clamshell.txt': ['ioreg', ...ioregClamshell].join(' '),
  'pmset-g-batt.txt': ['pmset', ...pmsetBatt].join(' '),
  'ps-axww-o-pid-ppid-uid-user-lstart-comm-args.txt': ['ps', ...psArgs].join(' '),
  'netstat-anvW-p-tcp.txt': ['netstat', ...netstatTcp].join(' '),
  'netstat-anvW-p-udp.txt': ['netstat', ...netstatUdp].join(' '),
  'ifconfig-v.txt': ['ifconfig', ...ifconfigArgs].join(' '),
  'route-n-get-default.txt': ['route', ...routeArgs].join(' '),
  'arp-an.txt': ['arp', ...arpArgs].join(' '),
  'networksetup-listallhardwareports.txt': ['networksetup', ...networksetupArgs].join(' '),
  'ioreg-usb-devices.txt': ['ioreg', ...ioregUsbDevices].join(' '),
  'ioreg-usb-interfaces.txt': ['ioreg', ...ioregUsbInterfaces].join(' '),
  'ioreg-scsi-nub.txt': ['ioreg', ...ioregScsiNubs].join(' '),
  'nettop-m-tcp-L1-J-state-rtt_avg.txt': ['nettop', ...nettopArgs].join(' '),
  'system_profiler-SPUSBDataType-json.txt': ['system_profiler', ...systemProfilerUsb].join(' '),
  'system_profiler-SPUSBHostDataType-json.txt': ['system_profiler', ...systemProfilerUsbHost].join(' '),
  'ioreg-hid-devices.txt': ['ioreg', ...ioregHidArgs].join(' '),
  'ioreg-displayconnect.txt': ['ioreg', ...ioregDisplayConnect].join(' '),
  'ioreg-appleclcd2.txt': ['ioreg', ...ioregClcd].join(' '),
  'ioreg-iomobileframebuffershim.txt': ['ioreg', ...ioregShim].join(' '),
  'ioreg-hidsystem.txt': ['ioreg', ...ioregHidSystem].join(' '),
  'who.txt': 'who',
  'lsof-iTCP5900.txt': ['lsof', ...lsofScreenSharing].join(' '),
};

describe('test/helpers/record-fixtures', () => {
  it('records exactly the commands the darwin collectors run, under the fixture file names', () => {
    expect(Object.fromEntries(recorded)).toEqual(collectorCommands);
  });
  it('every recorded file name exists in test/fixtures/darwin and is listed in SOURCES.md', () => {
    const sources = readFileSync(join(fixturesDir, 'darwin', 'SOURCES.md'), 'utf8');
    for (const name of recorded.keys()) {
      expect(existsSync(join(fixturesDir, 'darwin', name)), name).toBe(true);
      expect(sources.includes(name), name).toBe(true);
    }
  });
});

describe('record-fixtures anonymisation (its sed program, run by the real sed)', () => {
  it('masks serials, UUIDs and MACs past the OUI, and leaves IPv6 addresses alone', () => {
    const program = /cat >>"\$script" <<'SED'\n([\s\S]*?)\nSED\n/.exec(script)?.[1];
    expect(program).toBeDefined();
    const scratch = mkdtempSync(join(tmpdir(), 'fw-anon-'));
    onTestFinished(() => rmSync(scratch, { recursive: true, force: true }));
    const file = join(scratch, 'anon.sed');
    writeFileSync(file, `${program}\n`);
    const input = [
      '    "IOPlatformSerialNumber" = "C02ABC123XYZ"',
      '    "IOPlatformUUID" = "1A2B3C4D-1111-2222-3333-444455556666"',
      '? (192.168.1.1) at 3c:37:86:15:ad:f9 on en0 ifscope [ethernet]',
      '\tether 0:e0:4c:68:1:2',
      '\tinet6 fe80::1c2b:3aff:fe4d:5e6f%en0 prefixlen 64',
      '      "serial_num" : "1A161FDF6003P7",',
      '          "USBDeviceKeySerialNumber" : "1A161FDF6003P7",',
      '    "USB Serial Number" = "0123456789AB"',
    ].join('\n');
    const out = execFileSync('sed', ['-E', '-f', file], { input, encoding: 'utf8' }).trimEnd().split('\n');
    expect(out).toEqual([
      '    "IOPlatformSerialNumber" = "XXXXXXXXXX"',
      '    "IOPlatformUUID" = "00000000-0000-4000-8000-000000000000"',
      '? (192.168.1.1) at 3c:37:86:00:00:00 on en0 ifscope [ethernet]',
      '\tether 0:e0:4c:00:00:00',
      '\tinet6 fe80::1c2b:3aff:fe4d:5e6f%en0 prefixlen 64',
      '      "serial_num" : "XXXXXXXXXX",',
      '          "USBDeviceKeySerialNumber" : "XXXXXXXXXX",',
      '    "USB Serial Number" = "XXXXXXXXXX"',
    ]);
  });
});
