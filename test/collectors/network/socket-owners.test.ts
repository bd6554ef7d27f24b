import { describe, expect, it } from 'vitest';
import { findSocketOwners, type ProcFds } from '../../../collectors/network/socket-owners.js';

const denied = () => Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
const gone = () => Object.assign(new Error('ENOENT'), { code: 'ENOENT' });

/** An in-memory /proc: pid → { fds: fd → link target | an error }. */
function fakeProc(table: Record<string, { name?: string; fds: Record<string, string> | Error }>): ProcFds & { linkCalls: number } {
  const proc = {
    linkCalls: 0,
    pids: () => Object.keys(table),
    fds: (pid: string) => {
      const fds = table[pid]?.fds;
      if (fds === undefined) throw gone();
      if (fds instanceof Error) throw fds;
      return Object.keys(fds);
    },
    link: (pid: string, fd: string) => {
      proc.linkCalls++;
      const t = (table[pid]?.fds as Record<string, string>)[fd];
      if (t === undefined) throw gone();
      return t;
    },
    name: (pid: string) => table[pid]?.name,
  };
  return proc;
}

describe('findSocketOwners', () => {
  it('maps socket inodes to pid and name; counts processes that refuse', async () => {
    const proc = fakeProc({
      '1': { name: 'systemd', fds: { '0': '/dev/null', '5': 'socket:[100]' } },
      '800': { fds: denied() },
      '900': { name: 'anydesk', fds: { '3': 'socket:[200]', '4': 'pipe:[9]', '7': 'socket:[999]' } },
    });
    const owners = await findSocketOwners(new Set([100, 200, 300]), proc);
    expect(owners.byInode).toEqual(
      new Map([
        [100, { pid: 1, process: 'systemd' }],
        [200, { pid: 900, process: 'anydesk' }],
      ]),
    );
    expect(owners.deniedProcesses).toBe(1);
    expect(owners.walkedAll).toBe(true);
  });

  it('stops reading as soon as every wanted inode is found', async () => {
    const table: Parameters<typeof fakeProc>[0] = { '7': { name: 'rustdesk', fds: { '8': '/dev/null', '9': 'socket:[42]' } } };
    for (let p = 100; p <= 150; p++) table[String(p)] = { fds: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [String(i), `/dev/x${i}`])) };
    const proc = fakeProc(table);
    const owners = await findSocketOwners(new Set([42]), proc);
    expect(owners.byInode.get(42)).toEqual({ pid: 7, process: 'rustdesk' });
    expect(proc.linkCalls).toBe(2);
    expect(owners.walkedAll).toBe(false);
  });

  it('nothing wanted → no /proc access at all', async () => {
    const proc = fakeProc({ '1': { fds: { '0': 'socket:[1]' } } });
    const owners = await findSocketOwners(new Set(), proc);
    expect(owners.byInode.size).toBe(0);
    expect(proc.linkCalls).toBe(0);
  });

  it('yields to the event loop between slices instead of blocking', async () => {
    const table: Parameters<typeof fakeProc>[0] = {};
    for (let p = 1; p <= 200; p++) table[String(p)] = { fds: { '0': `socket:[${p}]` } };
    const slow = fakeProc(table);
    const link = slow.link;
    slow.link = (pid, fd) => {
      const until = performance.now() + 0.2; // 200 × 0.2 ms = 40 ms of work in all
      while (performance.now() < until);
      return link(pid, fd);
    };
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    try {
      const owners = await findSocketOwners(new Set([999_999]), slow, { sliceMs: 5 });
      expect(owners.byInode.size).toBe(0);
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThanOrEqual(3);
  });

  it('stops with the abort reason when the cycle is cancelled', async () => {
    const ac = new AbortController();
    ac.abort(new Error('shutdown'));
    await expect(findSocketOwners(new Set([1]), fakeProc({ '1': { fds: {} } }), { signal: ac.signal })).rejects.toThrow('shutdown');
  });
});
