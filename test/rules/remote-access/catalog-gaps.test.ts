import { describe, expect, it } from 'vitest';
import { remoteAccessInstalled, remoteAccessRunning } from '../../../rules/remote-access/tool-rules.js';
import { remoteAccessSession } from '../../../rules/remote-access/session-rules.js';
import { emptySnapshot, listen, proc, ruleContext, tcp } from '../../helpers/snapshot.js';

const ctx = ruleContext();
type Overrides = Parameters<typeof emptySnapshot>[0];
const running = (o: Overrides) => remoteAccessRunning.evaluate(emptySnapshot(o), ctx).map((m) => ({ subject: m.subject, confidence: m.confidence, category: m.evidence['category'] }));

describe('catalog gaps: reverse tunnels are the tunnel category', () => {
  it('finds chisel, localtonet and playit by their distinctive names at the tunnel confidence', () => {
    expect(running({ processes: [proc({ name: 'chisel', exe: '/home/u/chisel', cmdline: ['/home/u/chisel', 'client', '203.0.113.9:8080', 'R:socks'] })] }))
      .toEqual([{ subject: 'chisel', confidence: 0.6, category: 'tunnel' }]);
    expect(running({ platform: 'win32', processes: [proc({ name: 'localtonet.exe', exe: 'C:\\Tools\\localtonet.exe' })] }))
      .toEqual([{ subject: 'localtonet', confidence: 0.6, category: 'tunnel' }]);
    expect(running({ processes: [proc({ name: 'playitd', exe: '/opt/playit/playitd', user: 'playit' })] }))
      .toEqual([{ subject: 'playit', confidence: 0.6, category: 'tunnel' }]);
  });

  it('names frpc and bore alone: no common program and no other catalogued tool uses those names (strength by collision)', () => {
    const frpc = proc({ pid: 7100, name: 'frpc', exe: '/usr/bin/frpc' });
    const bore = proc({ pid: 7200, name: 'bore', exe: '/usr/local/bin/bore' });
    expect(running({ processes: [frpc, bore] })).toEqual([
      { subject: 'frp', confidence: 0.6, category: 'tunnel' },
      { subject: 'bore', confidence: 0.6, category: 'tunnel' },
    ]);
  });

  it("does not take another process's port 7000 (the macOS AirPlay receiver's) for a tunnel", () => {
    expect(running({
      processes: [proc({ pid: 7301, name: 'ControlCenter', exe: '/System/Library/CoreServices/ControlCenter.app/Contents/MacOS/ControlCenter' })],
      network: { connections: [listen(7000, 7301)] },
    })).toEqual([]);
  });
});

describe('catalog gaps: GNOME Remote Desktop on Linux', () => {
  const daemon = (pid: number) => proc({ pid, name: 'gnome-remote-d', exe: '/usr/libexec/gnome-remote-desktop-daemon', user: 'gnome-remote-desktop', cmdline: ['/usr/libexec/gnome-remote-desktop-daemon', '--system'] });

  it('stays quiet for the daemon alone: GNOME desktops ship it and may run it with sharing off', () => {
    expect(running({ processes: [daemon(8100)] })).toEqual([]);
  });

  it('fires when the daemon listens for RDP, and attributes an inbound RDP session to it', () => {
    const s = {
      processes: [daemon(8200)],
      network: { connections: [listen(3389, 8200), tcp({ localPort: 3389, remoteAddress: '198.51.100.23', remotePort: 52000, pid: 8200 })] },
    };
    expect(running(s)).toEqual([{ subject: 'gnome-remote-desktop', confidence: 0.72, category: 'remote-desktop' }]);
    expect(remoteAccessSession.evaluate(emptySnapshot(s), ctx).map((m) => m.subject)).toEqual(['gnome-remote-desktop']);
  });

  it('fires on grdctl, the tool that enables it and sets its credentials', () => {
    expect(running({ processes: [proc({ name: 'grdctl', exe: '/usr/bin/grdctl', cmdline: ['/usr/bin/grdctl', 'rdp', 'enable'] })] }))
      .toEqual([{ subject: 'gnome-remote-desktop', confidence: 0.9, category: 'remote-desktop' }]);
  });
});

describe('catalog gaps: AnyDesk\'s LaunchDaemon on macOS', () => {
  it('reports the launchd job com.philandro.anydesk.service even when the app bundle is gone or renamed', () => {
    const s = emptySnapshot({
      platform: 'darwin',
      software: { items: [{ name: 'com.philandro.anydesk.service', source: 'launchd', path: '/Library/LaunchDaemons/com.philandro.anydesk.service.plist', enabled: true }] },
    });
    const [m, ...rest] = remoteAccessInstalled.evaluate(s, ctx);
    expect(rest).toEqual([]);
    expect(m?.subject).toBe('anydesk');
    expect(m?.confidence).toBe(0.9);
    expect((m?.evidence['installed'] as { by: string; matched: string }[])[0]).toMatchObject({ by: 'bundleId', matched: 'com.philandro.anydesk.service' });
  });
});

describe('catalog gaps: Chrome Remote Desktop unattended set-up (remoting_start_host with --pin)', () => {
  const args = ['--code=4/0AXXXXXXXXXXXX', '--redirect-url=https://remotedesktop.google.com/_/oauthredirect', '--name=LAPTOP-01', '--pin=123456'];

  it('finds remoting_start_host.exe on Windows', () => {
    const exe = 'C:\\Program Files (x86)\\Google\\Chrome Remote Desktop\\CurrentVersion\\remoting_start_host.exe';
    expect(running({ platform: 'win32', processes: [proc({ name: 'remoting_start_host.exe', exe, cmdline: [exe, ...args] })] }))
      .toEqual([{ subject: 'chrome-remote-desktop', confidence: 0.9, category: 'remote-desktop' }]);
  });

  it('finds start-host on Linux by its install path (a process run from it counts as a strong fact), and not a start-host from anywhere else', () => {
    const exe = '/opt/google/chrome-remote-desktop/start-host';
    expect(running({ processes: [proc({ name: 'start-host', exe, cmdline: [exe, ...args] })] }))
      .toEqual([{ subject: 'chrome-remote-desktop', confidence: 0.9, category: 'remote-desktop' }]);
    expect(running({ processes: [proc({ name: 'start-host', exe: '/usr/local/bin/start-host', cmdline: ['/usr/local/bin/start-host', '--pin=1'] })] })).toEqual([]);
  });
});

describe('catalog gaps: game-stream hosts as remote control', () => {
  it('finds Sunshine, and Apollo (its fork, same binary) as one tool', () => {
    expect(running({ platform: 'win32', processes: [proc({ name: 'sunshine.exe', exe: 'C:\\Program Files\\Apollo\\sunshine.exe' })] }))
      .toEqual([{ subject: 'sunshine', confidence: 0.9, category: 'remote-desktop' }]);
  });
});
