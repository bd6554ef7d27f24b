import { execFileSync } from 'node:child_process';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readTail } from '../../../collectors/remoteSessions/tail-reader.js';

const me = typeof process.getuid === 'function' ? process.getuid() : 0;
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-tail-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(process.platform === 'win32')('readTail', () => {
  it('reads only complete lines, then only what was appended; a partial last line waits', async () => {
    const f = join(dir, 'a.log');
    await writeFile(f, 'one\ntwo\nthr');
    const first = await readTail(f, undefined, { owners: [me], maxBytes: 1024 });
    expect(first).toMatchObject({ state: 'read', text: 'one\ntwo\n', mark: { offset: 8 } });
    await appendFile(f, 'ee\nfour\n');
    const second = await readTail(f, first.state === 'read' ? first.mark : undefined, { owners: [me], maxBytes: 1024 });
    expect(second).toMatchObject({ state: 'read', text: 'three\nfour\n', rotated: false, shrunk: false });
  });

  it('bounds the tail: older bytes are skipped up to the next line start, and counted', async () => {
    const f = join(dir, 'b.log');
    await writeFile(f, `${'x'.repeat(100)}\n${'y'.repeat(10)}\nlast\n`);
    const r = await readTail(f, undefined, { owners: [me], maxBytes: 20 });
    // the window starts inside the x line: that fragment is cut, the whole y line is kept
    expect(r).toMatchObject({ state: 'read', text: `${'y'.repeat(10)}\nlast\n` });
    expect(r.state === 'read' && r.skippedBytes).toBe(101);
  });

  it('a FIFO is refused without being opened (no hang), a world-writable or foreign-owned file is refused', async () => {
    const fifo = join(dir, 'p.log');
    execFileSync('/usr/bin/mkfifo', [fifo]);
    const t0 = Date.now();
    expect(await readTail(fifo, undefined, { owners: [me], maxBytes: 1024 })).toEqual({ state: 'refused', reason: 'not a regular file (FIFO)' });
    expect(Date.now() - t0).toBeLessThan(1000);
    const open = join(dir, 'w.log');
    await writeFile(open, 'x\n', { mode: 0o666 });
    execFileSync('/bin/chmod', ['0666', open]);
    expect(await readTail(open, undefined, { owners: [me], maxBytes: 1024 })).toEqual({ state: 'refused', reason: 'writable by every user' });
    expect(await readTail(open, undefined, { owners: [me + 1], maxBytes: 1024 })).toMatchObject({ state: 'refused', reason: expect.stringMatching(/^owned by uid/) });
  });

  it('a replaced file (new inode) is read from its start; an absent one is absent, or vanished if it held sessions', async () => {
    const f = join(dir, 'c.log');
    await writeFile(f, 'a\nb\n');
    const first = await readTail(f, undefined, { owners: [me], maxBytes: 1024 });
    if (first.state !== 'read') throw new Error('unread');
    await rm(f);
    expect(await readTail(f, first.mark, { owners: [me], maxBytes: 1024 })).toMatchObject({ state: 'absent' });
    expect(await readTail(f, { ...first.mark, sessions: 2 }, { owners: [me], maxBytes: 1024 })).toMatchObject({ state: 'vanished' });
    await writeFile(f, 'new\n');
    expect(await readTail(f, { ...first.mark, ino: first.mark.ino + 1 }, { owners: [me], maxBytes: 1024 })).toMatchObject({ state: 'read', text: 'new\n', rotated: true });
  });
});
