import { describe, expect, it } from 'vitest';
import { createOwnerMemory, findSocketOwners, type ProcFds } from '../../../collectors/network/socket-owners.js';

const denied = () => Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
const gone = () => Object.assign(new Error('ENOENT'), { code: 'ENOENT' });

/** An in-memory /proc: pid → { fds: fd → link target | an error }. */
function fakeProc(table: Record<string, { name?: string; fds: Record<string, string | Error> | Error }>): ProcFds & { linkCalls: number } {
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
      const t = (table[pid]?.fds as Record<string, string | Error>)[fd];
      if (t === undefined) throw gone();
      if (t instanceof Error) throw t;
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

  it('reads no more links of a process after one is refused (listed fd table, links refused: a sandbox init)', async () => {
    const refusing = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [String(i), denied()]));
    const proc = fakeProc({
      '1': { fds: refusing },
      '900': { name: 'anydesk', fds: { '3': 'socket:[200]' } },
    });
    const owners = await findSocketOwners(new Set([200, 300]), proc);
    expect(owners.byInode).toEqual(new Map([[200, { pid: 900, process: 'anydesk' }]]));
    expect(proc.linkCalls).toBe(2);
    expect(owners.deniedProcesses).toBe(0);
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

  describe('memory between cycles', () => {
    function machine() {
      const table: Parameters<typeof fakeProc>[0] = {
        '10': { name: 'anydesk', fds: { '3': 'socket:[500]' } },
        '20': { name: 'sshd', fds: { '4': 'socket:[600]' } },
      };
      for (let p = 100; p < 140; p++) table[String(p)] = { fds: { '0': '/dev/null', '1': '/dev/null' } };
      return { table, proc: fakeProc(table) };
    }

    it('confirms last cycle\'s sockets with one readlink each instead of walking', async () => {
      const { proc } = machine();
      const memory = createOwnerMemory();
      const first = await findSocketOwners(new Set([500, 600]), proc, { memory });
      expect(first.remembered).toBe(0);
      proc.linkCalls = 0;
      const second = await findSocketOwners(new Set([500, 600]), proc, { memory });
      expect(second.byInode).toEqual(new Map([[500, { pid: 10, process: 'anydesk' }], [600, { pid: 20, process: 'sshd' }]]));
      expect(second.remembered).toBe(2);
      expect(proc.linkCalls).toBe(2);
    });

    it('walks again for a socket that moved, and reads the name afresh (an exec keeps the fds)', async () => {
      const { table, proc } = machine();
      const memory = createOwnerMemory();
      await findSocketOwners(new Set([500]), proc, { memory });
      table['10'] = { name: 'bash', fds: { '3': '/dev/null' } };
      table['130'] = { name: 'anydesk', fds: { '9': 'socket:[500]' } };
      const moved = await findSocketOwners(new Set([500]), proc, { memory });
      expect(moved.byInode.get(500)).toEqual({ pid: 130, process: 'anydesk' });
      expect(moved.remembered).toBe(0);
      table['130'] = { name: 'rustdesk', fds: { '9': 'socket:[500]' } };
      const renamed = await findSocketOwners(new Set([500]), proc, { memory });
      expect(renamed.byInode.get(500)).toEqual({ pid: 130, process: 'rustdesk' });
      expect(renamed.remembered).toBe(1);
    });

    it('a socket no process holds stops forcing the walk after two misses, and is looked for again later', async () => {
      const { table, proc } = machine();
      table['30'] = { fds: denied() };
      const memory = createOwnerMemory();
      const walks: boolean[] = [];
      for (let cycle = 1; cycle <= 14; cycle++) {
        proc.linkCalls = 0;
        const r = await findSocketOwners(new Set([500, 777]), proc, { memory });
        expect(r.byInode.has(777)).toBe(false);
        expect(r.deniedProcesses).toBe(1);
        walks.push(proc.linkCalls > 1);
      }
      // cycles 1–2 walk (two misses), 3–13 only confirm 500, cycle 14 (12 after the last walk) walks again
      expect(walks).toEqual([true, true, false, false, false, false, false, false, false, false, false, false, false, true]);
    });

    it('the unowned socket found later is owned again at once', async () => {
      const { table, proc } = machine();
      const memory = createOwnerMemory();
      await findSocketOwners(new Set([777]), proc, { memory });
      table['131'] = { name: 'rustdesk', fds: { '5': 'socket:[777]' } };
      const r = await findSocketOwners(new Set([777]), proc, { memory });
      expect(r.byInode.get(777)).toEqual({ pid: 131, process: 'rustdesk' });
    });

    it('forgets sockets that left the tables', async () => {
      const { proc } = machine();
      const memory = createOwnerMemory();
      await findSocketOwners(new Set([500, 600, 777]), proc, { memory });
      await findSocketOwners(new Set([500]), proc, { memory });
      expect([...memory.found.keys()]).toEqual([500]);
      expect(memory.unowned.size).toBe(0);
    });
  });
});
