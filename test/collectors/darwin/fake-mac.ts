import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ioregHidSystem } from '../../../collectors/activity/darwin.js';
import { ioregClcd, ioregDisplayConnect } from '../../../collectors/displays/darwin.js';
import { ioregClamshell, ioregPlatform, pmsetBatt, systemVersionPlist } from '../../../collectors/host/darwin.js';
import { ioregHidArgs } from '../../../collectors/inputs/darwin.js';
import { consoleUserArgs } from '../../../collectors/locale/darwin.js';
import { arpArgs, ifconfigArgs, netstatTcp, netstatUdp, routeArgs } from '../../../collectors/network/darwin.js';
import { psArgs } from '../../../collectors/processes/darwin.js';
import { lsofScreenSharing } from '../../../collectors/sessions/darwin.js';
import { ioregUsbDevices, ioregUsbInterfaces, ioregScsiNubs } from '../../../collectors/usb/darwin.js';
import { fixture, fixturesDir, type FakeOs } from '../../helpers/fake-context.js';

const k = (file: string, args: readonly string[]) => [file, ...args].join(' ');
const buf = (name: string) => readFileSync(join(fixturesDir, 'darwin', name));

/** A whole (Intel) Mac made of the darwin fixtures: every command each darwin source runs, and the files it reads. */
export function fakeMac(): FakeOs {
  const prefs = '/Users/alice/Library/Preferences';
  return {
    links: { '/etc/localtime': '/var/db/timezone/zoneinfo/Asia/Seoul' },
    dirs: {
      '/Users': ['Shared', 'alice'], '/Applications': ['AnyDesk.app', 'Google Chrome.app'], '/Library/LaunchDaemons': ['com.anydesk.anydesk.service.plist'],
    },
    files: {
      [systemVersionPlist]: buf('SystemVersion.plist'),
      '/etc/resolv.conf': fixture('darwin', 'resolv.conf'),
      [`${prefs}/com.apple.HIToolbox.plist`]: buf('com.apple.HIToolbox.plist'),
      [`${prefs}/.GlobalPreferences.plist`]: buf('GlobalPreferences.plist'),
      '/Applications/AnyDesk.app/Contents/Info.plist': buf('Info.plist--AnyDesk.plist'),
      '/Applications/Google Chrome.app/Contents/Info.plist': buf('Info.plist--Google Chrome.plist'),
      '/Library/LaunchDaemons/com.anydesk.anydesk.service.plist': buf('launchd--com.anydesk.anydesk.service.plist'),
    },
    commands: {
      [k('ioreg', ioregPlatform)]: fixture('darwin', 'ioreg-platform.txt'),
      [k('ioreg', ioregClamshell)]: fixture('darwin', 'ioreg-clamshell.txt'),
      [k('pmset', pmsetBatt)]: fixture('darwin', 'pmset-g-batt.txt'),
      [k('ps', psArgs)]: fixture('darwin', 'ps-axww-o-pid-ppid-uid-user-lstart-comm-args.txt'),
      [k('netstat', netstatTcp)]: fixture('darwin', 'netstat-anvW-p-tcp.txt'),
      [k('netstat', netstatUdp)]: fixture('darwin', 'netstat-anvW-p-udp.txt'),
      [k('ifconfig', ifconfigArgs)]: fixture('darwin', 'ifconfig-v.txt'),
      [k('route', routeArgs)]: fixture('darwin', 'route-n-get-default.txt'),
      [k('arp', arpArgs)]: fixture('darwin', 'arp-an.txt'),
      'ipconfig getsummary en0': fixture('darwin', 'ipconfig-getsummary-en0.txt'),
      [k('ioreg', ioregUsbDevices)]: fixture('darwin', 'ioreg-usb-devices.txt'),
      [k('ioreg', ioregUsbInterfaces)]: fixture('darwin', 'ioreg-usb-interfaces.txt'),
      [k('ioreg', ioregScsiNubs)]: fixture('darwin', 'ioreg-scsi-nub.txt'),
      [k('ioreg', ioregHidArgs)]: fixture('darwin', 'ioreg-hid-devices.txt'),
      [k('ioreg', ioregDisplayConnect)]: fixture('darwin', 'ioreg-displayconnect.txt'),
      [k('ioreg', ioregClcd)]: fixture('darwin', 'ioreg-appleclcd2.txt'),
      [k('stat', consoleUserArgs)]: 'alice\n',
      who: fixture('darwin', 'who.txt'),
      [k('lsof', lsofScreenSharing)]: fixture('darwin', 'lsof-iTCP5900.txt'),
      [k('ioreg', ioregHidSystem)]: fixture('darwin', 'ioreg-hidsystem.txt'),
    },
  };
}
