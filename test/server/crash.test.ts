import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanup, enroll, makeReport, postReport, secrets, startServer } from './helpers.js';

// Runs the built CLI: `npm run build` first.
const cli = new URL('../../dist/cli/cli.js', import.meta.url).pathname;

// A process crash, not a power cut (the page cache survives SIGKILL): this checks that 202 follows the commit.
describe('crash safety', () => {
  it('every report answered 202 is in the database after the server is killed with SIGKILL mid-load', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-crash-'));
    try {
      writeFileSync(join(dir, 'server.json'), JSON.stringify({ ...secrets, log: { level: 'silent' } }));
      const child = spawn(process.execPath, [cli, 'server', '--config', join(dir, 'server.json'), '--port', '0', '--db', join(dir, 'farmwatch.db')], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (c: Buffer) => {
          const m = /listening on (http:\/\/\S+)/.exec(c.toString());
          if (m?.[1]) resolve(m[1]);
        });
        child.on('exit', (code) => reject(new Error(`server exited ${code}`)));
      });
      const { token } = await enroll(url, 'crash');
      const acknowledged: Record<string, unknown>[] = [];
      let killed = false;
      const worker = async () => {
        while (!killed) {
          const report = makeReport('crash');
          try {
            if ((await postReport(url, token, report)).status === 202) acknowledged.push(report);
          } catch {
            return; // the connection died with the server: that report was never acknowledged
          }
        }
      };
      const workers = Array.from({ length: 20 }, worker);
      await new Promise((r) => setTimeout(r, 800));
      const exited = new Promise((r) => child.on('exit', r));
      child.kill('SIGKILL');
      killed = true;
      await exited;
      await Promise.all(workers);
      expect(acknowledged.length).toBeGreaterThan(20);

      const restarted = await startServer({}, {}, dir);
      try {
        const outcomes = await Promise.all(acknowledged.map((r) => postReport(restarted.url, token, r).then((x) => x.status)));
        // 200 duplicate: the server already holds it. A 202 here would be a report lost by the crash.
        expect(outcomes.filter((s) => s !== 200)).toEqual([]);
      } finally {
        await restarted.close();
      }
    } finally {
      cleanup(dir);
    }
  });
});
