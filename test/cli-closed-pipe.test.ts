import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const cli = new URL('../dist/cli/cli.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'farmwatch-pipe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * `farmwatch diagnose --json | head -c 50`: the command's stdout is a real pipe (a FIFO: Node's own 'pipe' is a
 * socket pair whose buffer takes the whole output) whose reader closes after the first bytes.
 */
async function readFirstBytesThenClose(args: string[]): Promise<{ code: number | null; stderr: string; first: string }> {
  const fifo = join(dir, `out-${Date.now()}`);
  execFileSync('/usr/bin/mkfifo', [fifo], { timeout: 5_000 });
  const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const writer = openSync(fifo, constants.O_WRONLY);
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', writer, 'pipe'] });
  closeSync(writer);
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const buffer = Buffer.alloc(50);
  let read = 0;
  while (read === 0) {
    try {
      read = readSync(reader, buffer, 0, buffer.length, null);
    } catch (err) {
      if ((err as { code?: string }).code !== 'EAGAIN') throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  closeSync(reader);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stderr, first: buffer.subarray(0, read).toString() };
}

describe('a reader that closes the pipe early', { timeout: 120_000 }, () => {
  it('diagnose --json ends with its own exit code, without an EPIPE stack trace', async () => {
    const { code, stderr, first } = await readFirstBytesThenClose(['diagnose', '--json']);
    expect(first.startsWith('{')).toBe(true);
    expect(stderr).not.toMatch(/EPIPE|Unhandled 'error' event/);
    expect(code).toBe(0);
  });
});
