import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../../collectors/context.js';
import { collect } from '../../../collectors/processes/linux.js';
import { processesSchema } from '../../../collectors/processes/schema.js';
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

  it('returns an error when /proc itself cannot be listed', async () => {
    const r = await collect(fakeContext({}));
    expect(r).toMatchObject({ status: 'error', code: 'command-missing' });
  });
});
