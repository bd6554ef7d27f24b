import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../../collectors/context.js';
import { collect } from '../../../collectors/processes/linux.js';
import { processesSchema } from '../../../schema/snapshot/processes.js';
import { fakeContext, fixture } from '../../helpers/fake-context.js';

const LONG_NAME = 'farmwatch-long-process-name-test';

describe.runIf(process.platform === 'linux')('processes on this Linux machine', () => {
  let dir: string;
  let child: ChildProcess;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fw-proc-'));
    copyFileSync('/bin/sleep', join(dir, LONG_NAME));
    child = spawn(join(dir, LONG_NAME), ['60'], { stdio: 'ignore' });
    await new Promise((resolve, reject) => child.once('spawn', resolve).once('error', reject));
  });
  afterAll(() => {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  // Reads this machine's real /proc and /sys: only a Linux machine has them (the fake-machine tests run everywhere).
  it.skipIf(process.platform !== 'linux')('lists a process under its full name (longer than comm) with its pid, and pid 1', async () => {
    const stats = { forks: 0 };
    const ctx = createContext({
      log: pino({ level: 'silent' }), signal: new AbortController().signal,
      options: { probeAnchors: [], redactCommandLines: false }, stats,
    });
    const r = await collect(ctx);
    if (r.status !== 'ok') throw new Error(JSON.stringify(r));
    expect(processesSchema.safeParse(r.data).success).toBe(true);
    const mine = r.data.find((p) => p.pid === child.pid);
    expect(mine).toMatchObject({ name: LONG_NAME, comm: LONG_NAME.slice(0, 15), ppid: process.pid, uid: process.getuid?.() });
    expect(mine?.cmdline).toEqual([join(dir, LONG_NAME), '60']);
    expect(Date.now() - Date.parse(mine?.startTime ?? '')).toBeLessThan(120_000);
    expect(r.data.some((p) => p.pid === 1)).toBe(true);
    expect(stats.forks).toBe(0);
  });

  it.skipIf(process.platform !== 'linux')('cycle after cycle (memory): an exec in the same pid is read afresh', async () => {
    const memory = new Map<string, unknown>();
    const ctx = createContext({ log: pino({ level: 'silent' }), signal: new AbortController().signal, options: { probeAnchors: [], redactCommandLines: false }, memory });
    const shell = spawn('/bin/sh', ['-c', 'read line; exec /bin/sleep 61'], { stdio: ['pipe', 'ignore', 'ignore'] });
    try {
      await new Promise((resolve) => shell.once('spawn', resolve));
      const find = async () => {
        const r = await collect(ctx);
        if (r.status !== 'ok') throw new Error(JSON.stringify(r));
        return r.data.find((p) => p.pid === shell.pid);
      };
      const before = await find();
      expect(before?.cmdline).toEqual(['/bin/sh', '-c', 'read line; exec /bin/sleep 61']);
      expect(await find()).toEqual(before);
      shell.stdin!.end('go\n');
      let after = await find();
      for (let i = 0; i < 50 && after?.comm !== 'sleep'; i++) {
        await new Promise((r) => setTimeout(r, 20));
        after = await find();
      }
      expect(after).toMatchObject({ pid: shell.pid, comm: 'sleep', name: 'sleep', cmdline: ['/bin/sleep', '61'], startTime: before?.startTime });
    } finally {
      shell.kill();
    }
  });
});

describe('processes over a fake /proc', () => {
  const base = {
    dirs: { '/proc': ['1', '2', '9399', '777', 'self', 'stat', 'net'] },
    files: {
      '/proc/stat': fixture('linux', 'proc-stat.txt'),
      '/etc/passwd': 'root:x:0:0:root:/root:/bin/bash\n',
      '/proc/1/stat': fixture('linux', 'proc-stat-pid1.txt'),
      '/proc/1/status': fixture('linux', 'proc-status-pid1.txt'),
      '/proc/1/cmdline': '/sbin/init\0splash\0',
      // kthreadd: only its stat exists here, so reading anything else would fail the test.
      '/proc/2/stat': fixture('linux', 'proc-stat-kthreadd.txt'),
      '/proc/9399/stat': fixture('linux', 'proc-stat-odd-name.txt'),
      '/proc/9399/status': fixture('linux', 'proc-status-odd-name.txt'),
      '/proc/9399/cmdline': './my (odd) proc\x00300\x00',
      // 777 vanished after readdir: no files at all.
    },
  };

  it('skips a vanished process silently, keeps one whose exe is unreadable, redacts argv', async () => {
    const r = await collect(fakeContext({ ...base, options: { redactCommandLines: true } }));
    if (r.status !== 'ok') throw new Error(JSON.stringify(r));
    expect(r.data.map((p) => p.pid)).toEqual([1, 2, 9399]);
    expect(r.notes).toBeUndefined();
    expect(r.data[1]).toMatchObject({ name: 'kthreadd', uid: 0, user: 'root' });
    expect(r.data[1]?.cmdline).toBeUndefined();
    const odd = r.data[2];
    expect(odd).toMatchObject({ name: 'my (odd) proc', user: 'root', uid: 0, cmdline: ['./my (odd) proc'] });
    expect(odd?.exe).toBeUndefined();
    // btime 1795627526 + 78588 ticks / 100
    expect(odd?.startTime).toBe(new Date((1795627526 + 785.88) * 1000).toISOString());
  });

  it('says what is missing instead of failing when /proc/stat and /etc/passwd are unreadable', async () => {
    const files: Record<string, string> = { ...base.files };
    delete files['/proc/stat'];
    delete files['/etc/passwd'];
    const r = await collect(fakeContext({ ...base, files }));
    if (r.status !== 'ok') throw new Error(JSON.stringify(r));
    expect(r.data[0]?.startTime).toBeUndefined();
    expect(r.data[0]?.user).toBeUndefined();
    expect(r.notes?.join(' ')).toMatch(/start times left out.*user names left out/);
  });

  describe('memory between cycles', () => {
    /** The fake /proc of `base`, counting reads of status and cmdline. */
    function counting(files: Record<string, string>, links: Record<string, string> = {}, memory = new Map<string, unknown>()) {
      const reads: string[] = [];
      const ctx = fakeContext({ ...base, files, links, memory });
      const readFile = ctx.readFile.bind(ctx);
      ctx.readFile = (path) => {
        if (/\/(status|cmdline)$/.test(path)) reads.push(path);
        return readFile(path);
      };
      return { ctx, reads, memory };
    }
    const run = async (ctx: ReturnType<typeof fakeContext>) => {
      const r = await collect(ctx);
      if (r.status !== 'ok') throw new Error(JSON.stringify(r));
      return r.data;
    };

    it('reuses status and cmdline while stat and exe show the same program', async () => {
      const links = { '/proc/1/exe': '/usr/lib/systemd/systemd' };
      const first = counting(base.files, links);
      const one = await run(first.ctx);
      expect(first.reads).toHaveLength(4);
      const second = counting(base.files, links, first.memory);
      expect(await run(second.ctx)).toEqual(one);
      expect(second.reads).toEqual([]);
    });

    it('reads again after an exec (exe or comm changed) and when the pid was reused (start time changed)', async () => {
      const { memory } = counting(base.files);
      await run(counting(base.files, { '/proc/1/exe': '/usr/lib/systemd/systemd' }, memory).ctx);
      const exec = counting({ ...base.files, '/proc/1/cmdline': '/usr/bin/anydesk\0--service\0' }, { '/proc/1/exe': '/usr/bin/anydesk' }, memory);
      const afterExec = await run(exec.ctx);
      expect(afterExec[0]).toMatchObject({ pid: 1, name: 'anydesk', cmdline: ['/usr/bin/anydesk', '--service'] });
      expect(exec.reads).toEqual(['/proc/1/status', '/proc/1/cmdline']);

      const stat = base.files['/proc/9399/stat'];
      const reusedStat = stat.replace(/^(\d+ \(.*\) (?:\S+ ){19})(\d+)/, (_, head: string, start: string) => `${head}${Number(start) + 500}`);
      expect(reusedStat).not.toBe(stat);
      const reused = counting({ ...base.files, '/proc/9399/stat': reusedStat, '/proc/9399/cmdline': 'rustdesk\0' }, { '/proc/1/exe': '/usr/bin/anydesk' }, memory);
      const afterReuse = await run(reused.ctx);
      expect(afterReuse.find((p) => p.pid === 9399)?.cmdline).toEqual(['rustdesk']);
      expect(reused.reads).toEqual(['/proc/9399/status', '/proc/9399/cmdline']);
    });

    it('reads each process again once every 12 cycles, a share per cycle', async () => {
      const memory = new Map<string, unknown>();
      await run(counting(base.files, {}, memory).ctx);
      const readsPerCycle: number[] = [];
      for (let cycle = 2; cycle <= 25; cycle++) {
        const c = counting(base.files, {}, memory);
        await run(c.ctx);
        readsPerCycle.push(c.reads.length / 2);
      }
      // two user processes (1 and 9399), each refreshed on its own turn: twice in 24 cycles, never together
      expect(readsPerCycle.reduce((a, b) => a + b, 0)).toBe(4);
      expect(Math.max(...readsPerCycle)).toBe(1);
    });
  });

  it('returns an error when /proc itself cannot be listed', async () => {
    const r = await collect(fakeContext({}));
    expect(r).toMatchObject({ status: 'error', code: 'command-missing' });
  });
});
