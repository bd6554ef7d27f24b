import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../rules/engine.js';
import { remoteAccessRules } from '../../../rules/remote-access/index.js';
import { remoteAccessInstalled, remoteAccessMultiple, remoteAccessRunning } from '../../../rules/remote-access/tool-rules.js';
import { emptySnapshot, proc, ruleContext } from '../../helpers/snapshot.js';

const ctx = ruleContext();

describe('remote-access.running', () => {
  it('finds AnyDesk on Linux with the exact facts, subject = catalog id', () => {
    const s = emptySnapshot({ processes: [proc({ pid: 4242, name: 'anydesk', exe: '/usr/bin/anydesk', user: 'alice' })] });
    const [m, ...rest] = remoteAccessRunning.evaluate(s, ctx);
    expect(rest).toEqual([]);
    expect(m?.subject).toBe('anydesk');
    expect(m?.evidence['processes']).toEqual([{ process: 'anydesk', pid: 4242, exe: '/usr/bin/anydesk', user: 'alice', matched: 'anydesk', by: 'name' }]);
    expect(m?.confidence).toBe(0.9);
  });

  it('records the name catalogued for the snapshot\'s platform as matched, never another OS\'s spelling', () => {
    const match = (platform: 'linux' | 'win32' | 'darwin', p: Parameters<typeof proc>[0], software?: { name: string; source: 'dpkg' | 'app-bundle' }) => {
      const s = emptySnapshot({ platform, processes: [proc(p)], ...(software ? { software: { items: [software] } } : {}) } as Parameters<typeof emptySnapshot>[0]);
      const [m] = remoteAccessRunning.evaluate(s, ctx);
      const first = (key: string) => (m?.evidence[key] as { matched: string }[] | undefined)?.[0]?.matched;
      return { process: first('processes'), installed: first('installed') };
    };
    expect(match('linux', { name: 'anydesk', exe: '/usr/bin/anydesk' }, { name: 'anydesk', source: 'dpkg' })).toEqual({ process: 'anydesk', installed: 'anydesk' });
    expect(match('win32', { name: 'AnyDesk.exe', exe: 'C:\\Program Files (x86)\\AnyDesk\\AnyDesk.exe' })).toEqual({ process: 'anydesk.exe', installed: undefined });
    expect(match('darwin', { name: 'AnyDesk', exe: '/Applications/AnyDesk.app/Contents/MacOS/AnyDesk' }, { name: 'AnyDesk.app', source: 'app-bundle' })).toEqual({ process: 'AnyDesk', installed: 'AnyDesk.app' });
  });

  it('finds TeamViewer on Windows whatever the case and .exe', () => {
    const s = emptySnapshot({ platform: 'win32', processes: [proc({ name: 'TEAMVIEWER.EXE', exe: 'C:\\Program Files\\TeamViewer\\TeamViewer.exe' })] });
    expect(remoteAccessRunning.evaluate(s, ctx).map((m) => m.subject)).toEqual(['teamviewer']);
  });

  it('does not let a generic name decide alone: agent, client, vnc, update from /usr/bin', () => {
    const s = emptySnapshot({
      processes: ['agent', 'client', 'vnc', 'update', 'service', 'vncserver', 'kitty', 'level'].map((n) => proc({ name: n, exe: `/usr/bin/${n}` })),
    });
    expect(remoteAccessRunning.evaluate(s, ctx)).toEqual([]);
    expect(remoteAccessMultiple.evaluate(s, ctx)).toEqual([]);
  });

  it('accepts a weak name confirmed by the tool\'s install path, at lower confidence', () => {
    const s = emptySnapshot({ processes: [proc({ name: 'rustdesk-1.2.3', exe: '/usr/lib/rustdesk/rustdesk-1.2.3' })] });
    const [m] = remoteAccessRunning.evaluate(s, ctx);
    expect(m?.subject).toBe('rustdesk');
  });

  it('ignores SSH clients and file-sync tools (they control nothing here)', () => {
    const s = emptySnapshot({ processes: [proc({ name: 'putty.exe' }), proc({ name: 'WinSCP.exe' }), proc({ name: 'Syncthing.exe' })] });
    expect(remoteAccessRunning.evaluate(s, ctx)).toEqual([]);
  });

  it('is suppressed by allow.tools through the engine', () => {
    const s = emptySnapshot({ processes: [proc({ name: 'anydesk', exe: '/usr/bin/anydesk' })] });
    const ev = evaluate(remoteAccessRules, s, ruleContext({ allowTools: ['anydesk'] }));
    const f = ev.findings.find((x) => x.rule === 'remote-access.running');
    expect(f?.suppressed).toBe(true);
    expect(ev.score).toBe(0);
  });
});

describe('remote-access.installed', () => {
  it('reports an installed package and unit whose process is not running', () => {
    const s = emptySnapshot({
      software: { items: [
        { name: 'chrome-remote-desktop', source: 'dpkg', version: '124.0' },
        { name: 'chrome-remote-desktop@alice.service', source: 'systemd', path: '/lib/systemd/system/chrome-remote-desktop@.service', enabled: true },
      ] },
    });
    const [m, ...rest] = remoteAccessInstalled.evaluate(s, ctx);
    expect(rest).toEqual([]);
    expect(m?.subject).toBe('chrome-remote-desktop');
    expect((m?.evidence['installed'] as unknown[]).length).toBeGreaterThanOrEqual(2);
    expect(remoteAccessRunning.evaluate(s, ctx)).toEqual([]);
  });

  it('matches a macOS bundle id', () => {
    const s = emptySnapshot({ platform: 'darwin', software: { items: [{ name: 'AnyDesk', source: 'app-bundle', bundleId: 'com.philandro.anydesk', path: '/Applications/AnyDesk.app' }] } });
    expect(remoteAccessInstalled.evaluate(s, ctx).map((m) => m.subject)).toEqual(['anydesk']);
  });

  it('stays quiet for ordinary software', () => {
    const s = emptySnapshot({ software: { items: [{ name: 'openssh-server', source: 'dpkg' }, { name: 'agent', source: 'dpkg' }, { name: 'firefox', source: 'snap' }] } });
    expect(remoteAccessInstalled.evaluate(s, ctx)).toEqual([]);
  });

  it('is not repeated for a tool that runs', () => {
    const s = emptySnapshot({ processes: [proc({ name: 'anydesk' })], software: { items: [{ name: 'anydesk', source: 'dpkg' }] } });
    expect(remoteAccessInstalled.evaluate(s, ctx)).toEqual([]);
  });
});

describe('remote-access.multiple', () => {
  it('fires for two vendors and names them', () => {
    const s = emptySnapshot({ processes: [proc({ name: 'anydesk' })], software: { items: [{ name: 'rustdesk', source: 'dpkg' }] } });
    const [m] = remoteAccessMultiple.evaluate(s, ctx);
    expect(m?.evidence['vendors']).toEqual(expect.arrayContaining(['AnyDesk Software', 'Purslane (RustDesk)']));
    expect(m?.confidence).toBe(0.7);
  });

  it('counts one vendor\'s products once, and leaves sanctioned tools out', () => {
    const goto = emptySnapshot({ processes: [proc({ name: 'logmein.exe' }), proc({ name: 'GoToResolveService.exe' })] });
    expect(remoteAccessMultiple.evaluate(goto, ctx)).toEqual([]);
    const two = emptySnapshot({ processes: [proc({ name: 'anydesk' }), proc({ name: 'teamviewerd' })] });
    expect(remoteAccessMultiple.evaluate(two, ruleContext({ allowTools: ['teamviewer'] }))).toEqual([]);
  });

  it('scores two vendors plus a session as high, one AnyDesk alone as medium', () => {
    const one = evaluate(remoteAccessRules, emptySnapshot({ processes: [proc({ name: 'anydesk' })] }), ctx);
    expect(one.level).toBe('medium');
    const pid = 77;
    const two = evaluate(remoteAccessRules, emptySnapshot({
      processes: [proc({ pid, name: 'anydesk' }), proc({ name: 'rustdesk' })],
      network: { connections: [{ protocol: 'tcp', family: 4, localAddress: '192.168.1.5', localPort: 50000, remoteAddress: '198.51.100.9', remotePort: 443, state: 'ESTABLISHED', pid }] },
    }), ctx);
    expect(two.level).toBe('high');
  });
});
