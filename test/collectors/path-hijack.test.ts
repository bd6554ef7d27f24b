import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { farmwatch } from '../agent/cli-run.js';

// The attack: the laptop's user puts a folder of their own first in PATH with a fake `who`, `ss`, `loginctl`, ...
// that print what they like (no remote session, no connection). The agent runs its helpers by absolute path, so
// the fakes never run. Real processes: the built CLI (npm run build first) collects this machine.
const linux = process.platform === 'linux';
const tools = ['who', 'ss', 'loginctl', 'lsusb', 'iw', 'iwconfig', 'rpm'];
let dir: string;
let evil: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fw-path-hijack-'));
  evil = join(dir, 'bin');
  execFileSync('/bin/mkdir', [evil]);
  for (const tool of tools) {
    const fake = join(evil, tool);
    // Leaves a mark that it ran, and prints a session `who` would list: a remote login the real machine does not have.
    writeFileSync(fake, `#!/bin/sh\necho ran >> "${join(dir, 'ran')}-${tool}"\necho 'mallory  pts/9        2026-01-01 00:00 (203.0.113.9)'\n`);
    chmodSync(fake, 0o755);
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!linux)('a PATH with fake helper programs first (Linux: the fakes are shell scripts)', () => {
  it('a PATH lookup would pick the fakes (the attack is real)', () => {
    const env = { PATH: `${evil}:${process.env.PATH ?? '/usr/bin:/bin'}` };
    expect(execFileSync('who', [], { env, encoding: 'utf8' })).toContain('mallory');
    rmSync(join(dir, 'ran-who'), { force: true });
  });

  it('farmwatch diagnose runs none of them: no mark, no invented session', async () => {
    const r = await farmwatch(['diagnose', '--json'], { PATH: `${evil}:${process.env.PATH ?? '/usr/bin:/bin'}`, XDG_STATE_HOME: join(dir, 'state') });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { snapshot: { sessions?: { sessions: { user?: string; remoteHost?: string }[] }; collectors: Record<string, { notes?: string[] }> } };
    for (const tool of tools) expect(existsSync(join(dir, `ran-${tool}`)), `${tool} from PATH ran`).toBe(false);
    expect(JSON.stringify(report.snapshot.sessions ?? {})).not.toContain('mallory');
    // Where this machine has no utmp the sessions collector asks `who` (its note says so): then a hijacked PATH
    // would have shown up above; with utmp present `who` is not run at all and the marks above are the check.
    const notes = report.snapshot.collectors.sessions?.notes ?? [];
    if (notes.some((n) => n.includes('read `who` instead'))) expect(notes.join(' ')).not.toContain('mallory');
  }, 60_000);
});
