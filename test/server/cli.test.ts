import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cleanup } from './helpers.js';

// Runs the built CLI: `npm run build` first.
const cli = new URL('../../dist/cli/cli.js', import.meta.url).pathname;
const run = promisify(execFile);

async function farmwatch(...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 20_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('farmwatch server (CLI)', () => {
  it('prints help; bad flags and a bad config are one line and exit 2', async () => {
    const help = await farmwatch('server', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--db FILE');
    const port = await farmwatch('server', '--port', 'eighty');
    expect(port.code).toBe(2);
    expect(port.stderr.trim().split('\n')).toHaveLength(1);
    const dir = mkdtempSync(join(tmpdir(), 'fw-cli-'));
    try {
      writeFileSync(join(dir, 'bad.json'), JSON.stringify({ colocation: { minDevices: 1 } }));
      const bad = await farmwatch('server', '--config', join(dir, 'bad.json'));
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('colocation.minDevices');
    } finally {
      cleanup(dir);
    }
  });

  it('starts with no set-up, writes generated secrets 0600 beside the db, exits 0 on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-cli-'));
    const db = join(dir, 'fleet.db');
    try {
      const child = spawn(process.execPath, [cli, 'server', '--port', '0', '--db', db], { stdio: ['ignore', 'pipe', 'pipe'] });
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (c: Buffer) => {
          const m = /listening on (http:\/\/\S+)/.exec(c.toString());
          if (m?.[1]) resolve(m[1]);
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      const secrets = JSON.parse(readFileSync(`${db}.secrets.json`, 'utf8')) as { adminToken: string; enrollSecret: string };
      expect(statSync(`${db}.secrets.json`).mode & 0o777).toBe(0o600);
      const devices = await fetch(`${url}/api/v1/devices`, { headers: { authorization: `Bearer ${secrets.adminToken}` } });
      expect(devices.status).toBe(200);
      const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
    } finally {
      cleanup(dir);
    }
  });
});
