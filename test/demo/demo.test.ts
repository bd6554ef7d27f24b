import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chromiumMissing, launchChromium } from '../helpers/chromium.js';

const cli = resolve('dist/cli/cli.js');
// .ci/run installs Chromium and sets FARMWATCH_REQUIRE_CHROMIUM: there a missing browser fails instead of skipping.
const missing = (process.env.FARMWATCH_REQUIRE_CHROMIUM ? undefined : chromiumMissing()) ?? (existsSync(cli) ? undefined : `${cli} is missing: run npm run build first (npm test does)`);

/** Reads the child's stdout until `pattern` matches; fails with what was printed on timeout or exit. */
function waitFor(child: ChildProcess, out: { text: string }, pattern: RegExp, ms: number): Promise<RegExpExecArray> {
  return new Promise((resolvePromise, reject) => {
    const check = () => {
      const m = pattern.exec(out.text);
      if (m) {
        cleanup();
        resolvePromise(m);
      }
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no ${pattern} within ${ms} ms; stdout:\n${out.text}`));
    }, ms);
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`demo exited (${code}) before ${pattern}; stdout:\n${out.text}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.off('exit', onExit);
    };
    child.stdout?.on('data', check);
    child.on('exit', onExit);
    check();
  });
}

describe.skipIf(missing !== undefined)(`farmwatch demo in a real browser${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const tmp = mkdtempSync(join(tmpdir(), 'fw-demo-test-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('brings up a dashboard with this machine in it; SIGINT stops it and removes its directory', { timeout: 120_000 }, async () => {
    // TMPDIR: the demo makes its directory here, so the test sees exactly what it leaves behind.
    const child = spawn(process.execPath, [cli, 'demo'], { env: { ...process.env, TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = { text: '' };
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (out.text += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const browser = await launchChromium();
    try {
      const [, link] = await waitFor(child, out, /Sign in: +(http:\/\/127\.0\.0\.1:\d+\/dashboard\/login\/once\?t=\S+)/, 90_000);
      const dirs = readdirSync(tmp).filter((d) => d.startsWith('farmwatch-demo-'));
      expect(dirs).toHaveLength(1);
      expect(out.text).toContain(join(tmp, dirs[0]!));

      const { page } = browser;
      await page.goto(link!);
      await page.click('button:text("Open the dashboard")');
      await page.waitForURL(/\/dashboard\/$/);
      const devices = await page.locator('#devices').innerText();
      expect(devices).toContain(hostname());
      expect(devices).toContain('SIMULATED-laptop-01');
      await page.click(`#devices a:text("${hostname()}")`);
      expect(await page.locator('svg[aria-label="Score over time"] circle').count()).toBe(3);
      await page.click('nav a:text("Co-location")');
      expect(await page.locator('.cluster').count()).toBe(1);
      // The link was single-use.
      await page.goto(link!);
      await page.click('button:text("Open the dashboard")');
      expect(await page.textContent('.error')).toContain('used already');
      // Chromium logs the refused link's 401 as a failed resource: that one is expected, nothing else.
      expect(browser.problems.filter((p) => !/login\/once.*401/.test(p))).toEqual([]);

      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(out.text).toMatch(/stopped; removed /);
      expect(readdirSync(tmp)).toEqual([]);
    } catch (err) {
      child.kill('SIGKILL');
      throw new Error(`${(err as Error).message}\nstderr:\n${stderr.slice(-2000)}`);
    } finally {
      await browser.close();
    }
  });
});

describe('farmwatch demo arguments', () => {
  const run = async (args: string[]) => {
    const { main } = await import('../../cli/main.js');
    const { PassThrough } = await import('node:stream');
    let stdout = '';
    let stderr = '';
    const out = new PassThrough().on('data', (c: Buffer) => (stdout += c.toString()));
    const err = new PassThrough().on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await main(['demo', ...args], { stdout: out, stderr: err, env: process.env });
    return { code, stdout, stderr };
  };

  it('explains itself with --help and refuses a bad --port or --cycles with exit 2, starting nothing', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: farmwatch demo/);
    const port = await run(['--port', '70000']);
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('--port must be 0-65535');
    expect((await run(['--cycles', '0'])).stderr).toContain('--cycles must be 1-20');
    expect((await run(['--bogus'])).code).toBe(2);
  });
});
