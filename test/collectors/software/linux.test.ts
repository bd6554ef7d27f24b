import { describe, expect, it } from 'vitest';
import { collect } from '../../../collectors/software/linux.js';
import { softwareSchema } from '../../../schema/snapshot/software.js';
import { fakeContext, fixture, type FakeOs } from '../../helpers/fake-context.js';
import { unixTool } from '../../../collectors/programs.js';

function debianLaptop(): FakeOs & Required<Pick<FakeOs, 'files' | 'dirs' | 'links'>> {
  return {
    files: {
      '/var/lib/dpkg/status': fixture('linux', 'dpkg-status-this-machine.txt'),
      '/snap/rustdesk/current/meta/snap.yaml': 'name: rustdesk\nversion: 1.3.2\n',
    },
    dirs: {
      '/snap': ['bin', 'README', 'rustdesk', 'core22'],
      '/var/lib/flatpak/app': ['com.anydesk.Anydesk'],
      '/home/ana/.local/share/flatpak/app': ['com.rustdesk.RustDesk'],
      '/opt': ['teamviewer', 'google', 'notes.txt'],
      '/opt/teamviewer': ['tv_bin'],
      '/opt/google': ['chrome-remote-desktop'],
      '/etc/systemd/system': ['multi-user.target.wants', 'getty.target.wants'],
      '/etc/systemd/system/multi-user.target.wants': ['teamviewerd.service'],
      '/etc/systemd/system/getty.target.wants': ['getty@tty1.service'],
      '/usr/lib/systemd/system': ['teamviewerd.service', 'getty@.service', 'chrome-remote-desktop@.service'],
    },
    links: { '/lib': 'usr/lib' },
    env: { HOME: '/home/ana' },
  };
}

describe('software on Linux', () => {
  it('gathers dpkg, snaps, flatpaks, /opt and systemd services from files, forking nothing', async () => {
    const ctx = fakeContext(debianLaptop());
    const result = await collect(ctx);
    expect(ctx.execCalls).toEqual([]);
    if (result.status !== 'ok') throw new Error(JSON.stringify(result));
    expect(result.notes).toBeUndefined();
    const items = softwareSchema.parse(result.data).items;
    expect(items.filter((i) => i.source === 'dpkg')).toHaveLength(14);
    expect(items.filter((i) => i.source !== 'dpkg')).toEqual([
      { name: 'rustdesk', version: '1.3.2', source: 'snap', path: '/snap/rustdesk' },
      { name: 'core22', source: 'snap', path: '/snap/core22' },
      { name: 'com.anydesk.Anydesk', source: 'flatpak', path: '/var/lib/flatpak/app/com.anydesk.Anydesk' },
      { name: 'com.rustdesk.RustDesk', source: 'flatpak', path: '/home/ana/.local/share/flatpak/app/com.rustdesk.RustDesk' },
      { name: 'teamviewer', source: 'opt', path: '/opt/teamviewer' },
      { name: 'google', source: 'opt', path: '/opt/google' },
      { name: 'teamviewerd.service', source: 'systemd', path: '/usr/lib/systemd/system/teamviewerd.service', enabled: true },
      { name: 'getty@.service', source: 'systemd', path: '/usr/lib/systemd/system/getty@.service', enabled: true },
      { name: 'chrome-remote-desktop@.service', source: 'systemd', path: '/usr/lib/systemd/system/chrome-remote-desktop@.service', enabled: false },
    ]);
  });

  it('parses a large status file in chunks with the same result as in one piece', async () => {
    const stanzas = fixture('linux', 'dpkg-status-this-machine.txt').trimEnd().split('\n\n');
    // ~1 MB: the recorded stanzas renamed 60 times, plus the multiarch pair twice (counted once).
    const copies = Array.from({ length: 60 }, (_, n) => stanzas.map((st) => st.replace(/^Package: (.*)$/m, `Package: $1-${n}`)).join('\n\n'));
    const multiarch = 'Package: libc6\nStatus: install ok installed\nVersion: 2.36\n';
    const text = [...copies, multiarch, ...copies.map((c) => c.replace(/^Package: /gm, 'Package: x')), multiarch].join('\n\n') + '\n';
    expect(text.length).toBeGreaterThan(512 * 1024);
    const os = debianLaptop();
    os.files['/var/lib/dpkg/status'] = text;
    const result = await collect(fakeContext(os));
    if (result.status !== 'ok') throw new Error(JSON.stringify(result));
    const dpkg = result.data.items.filter((i) => i.source === 'dpkg');
    expect(dpkg).toHaveLength(60 * 14 * 2 + 1);
    expect(new Set(dpkg.map((i) => i.name)).size).toBe(dpkg.length);
  });

  it('runs one rpm -qa only where there is rpm and no dpkg', async () => {
    const os = debianLaptop();
    delete os.files['/var/lib/dpkg/status'];
    os.dirs['/var/lib/rpm'] = ['rpmdb.sqlite'];
    os.commands = { rpm: 'anydesk\t6.3.2-1\nbash\t5.2.26-3.fc40\n' };
    const ctx = fakeContext(os);
    const result = await collect(ctx);
    expect(ctx.execCalls).toEqual([[unixTool('rpm'), '-qa', '--qf', '%{NAME}\\t%{VERSION}-%{RELEASE}\\n']]);
    if (result.status !== 'ok') throw new Error(JSON.stringify(result));
    expect(result.data.items.filter((i) => i.source === 'rpm').map((i) => i.name)).toEqual(['anydesk', 'bash']);
  });

  it('notes a machine with no package database, and a failing rpm, without dropping the rest', async () => {
    const os = debianLaptop();
    delete os.files['/var/lib/dpkg/status'];
    const plain = await collect(fakeContext(os));
    expect(plain).toMatchObject({ status: 'ok', notes: ['no package database: neither /var/lib/dpkg/status nor /var/lib/rpm exists'] });
    os.dirs['/var/lib/rpm'] = [];
    const noRpm = await collect(fakeContext(os));
    if (noRpm.status !== 'ok') throw new Error(JSON.stringify(noRpm));
    expect(noRpm.notes).toEqual([expect.stringMatching(/^rpm -qa failed \(command-missing: /)]);
    expect(noRpm.data.items.length).toBeGreaterThan(0);
  });

  it('is an error, not an empty list, when nothing can be read', async () => {
    const ctx = fakeContext({});
    const denied = async () => { throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }); };
    ctx.readDir = denied;
    ctx.readFileBuffer = denied;
    const result = await collect(ctx);
    expect(result).toMatchObject({ status: 'error', code: 'failed' });
    if (result.status === 'error') expect(result.message).toContain('/var/lib/dpkg/status unreadable (permission-denied');
  });

  it('cycle after cycle (memory): the same status file is not parsed again; a changed one is', async () => {
    const memory = new Map<string, unknown>();
    const machine = debianLaptop();
    const run = async (os: FakeOs) => {
      const r = await collect(fakeContext({ ...os, memory }));
      if (r.status !== 'ok') throw new Error(JSON.stringify(r));
      return r.data.items.filter((i) => i.source === 'dpkg');
    };
    const first = await run(machine);
    expect(first).toHaveLength(14);
    const again = await run(machine);
    expect(again).toEqual(first);
    // the very list kept from the first parse (no new parse): same objects
    expect(again[0]).toBe(first[0]);
    const status = machine.files['/var/lib/dpkg/status'] as string;
    const installed = `${status.trimEnd()}\n\nPackage: anydesk\nStatus: install ok installed\nVersion: 6.3.0\nArchitecture: amd64\n\n`;
    const changed = await run({ ...machine, files: { ...machine.files, '/var/lib/dpkg/status': installed } });
    expect(changed).toHaveLength(15);
    expect(changed.map((i) => i.name)).toContain('anydesk');
  });
});
