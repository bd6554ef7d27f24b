import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../agent/commands/diagnose.js';
import type { Io } from '../../agent/usage.js';
import { makeSnapshot } from '../rules/context/make-snapshot.js';

class Capture extends Writable {
  text = '';
  constructor(public isTTY: boolean) {
    super();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

function io(tty: boolean, env: Record<string, string> = {}): Io & { stdout: Capture; stderr: Capture } {
  return { stdout: new Capture(tty), stderr: new Capture(tty), env: { XDG_STATE_HOME: join(dir, 'xdg'), ...env } };
}

let dir: string;
let snapFile: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-diagnose-tty-'));
  snapFile = join(dir, 'snap.json');
  await writeFile(snapFile, JSON.stringify(makeSnapshot()));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('diagnose on a terminal', () => {
  it('colours the level on a TTY', async () => {
    const t = io(true);
    expect(await main(['--from', snapFile], t)).toBe(0);
    expect(t.stdout.text).toContain('\u001b[');
  });

  it('never colours with NO_COLOR set, nor off a TTY', async () => {
    const noColour = io(true, { NO_COLOR: '1' });
    await main(['--from', snapFile], noColour);
    expect(noColour.stdout.text).not.toContain('\u001b[');
    const pipe = io(false);
    await main(['--from', snapFile], pipe);
    expect(pipe.stdout.text).not.toContain('\u001b[');
  });

  it('shows progress per collector on stderr only when stderr is a TTY', async () => {
    const t = io(true);
    expect(await main(['--json'], t)).toBe(0);
    for (const name of ['host', 'processes', 'network', 'usb', 'locale']) expect(t.stderr.text).toMatch(new RegExp(`collected ${name}\\s`));
    expect(JSON.parse(t.stdout.text).level).toMatch(/none|low|medium|high|critical/);
    const pipe = io(false);
    await main(['--json'], pipe);
    expect(pipe.stderr.text).not.toContain('collected ');
  });
});
