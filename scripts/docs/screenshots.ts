/**
 * `npm run screenshots`: the dashboard's pages as PNGs in docs/screenshots/, from a real server on a temp SQLite
 * file seeded with the simulated fleet of `farmwatch demo`, in headless Chromium. The README shows them.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { seedSimulatedFleet } from '../../cli/demo/simulated-fleet.js';
import { createServer } from '../../server/app.js';
import { parseServerConfig } from '../../server/config.js';
import { chromiumMissing, launchChromium } from '../../test/helpers/chromium.js';

const out = resolve(process.argv[2] ?? 'docs/screenshots');

async function main(): Promise<void> {
  const missing = chromiumMissing();
  if (missing) throw new Error(missing);
  const dir = mkdtempSync(join(tmpdir(), 'fw-screenshots-'));
  const secrets = { enrollSecret: 'screenshots-enroll-secret-0123456789', adminToken: 'screenshots-admin-token-0123456789' };
  let offsetMs = 0;
  const server = await createServer({
    config: parseServerConfig({ host: '127.0.0.1', port: 0, db: join(dir, 'farmwatch.db'), egressNetworks: ['127.0.0.0/8', '::1/128'], silentGraceHours: 1 }),
    secrets,
    logger: pino({ level: 'warn' }),
    now: () => new Date(Date.now() - offsetMs),
    timers: false,
  });
  const browser = await launchChromium();
  try {
    const url = await server.listen();
    await seedSimulatedFleet({ serverUrl: url, enrollSecret: secrets.enrollSecret, setClockOffset: (ms) => (offsetMs = ms) });
    await server.runSilenceCheck();
    mkdirSync(out, { recursive: true });
    const { page } = browser;
    const shot = async (name: string) => {
      await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
      process.stdout.write(`${join(out, `${name}.png`)}\n`);
    };
    await page.goto(`${url}/dashboard/login`);
    await shot('login');
    await page.fill('#token', secrets.adminToken);
    await page.click('button[type=submit]');
    await page.waitForURL(`${url}/dashboard/`);
    await shot('fleet');
    await page.goto(`${url}/dashboard/alerts`);
    // One acknowledged alert, so the page shows both states.
    await page.locator('table.alerts tr', { hasText: 'ipkvm.usb' }).first().locator('button:text("Acknowledge")').click();
    await page.waitForURL(/\/dashboard\/alerts/);
    await shot('alerts');
    await page.goto(`${url}/dashboard/devices/simulated-01`);
    await shot('device');
    await page.goto(`${url}/dashboard/clusters`);
    await shot('clusters');
    // The most urgent open case, as the fleet page leads with it, and the fleet at phone width.
    await page.goto(`${url}/dashboard/`);
    await page.locator('table.cases tr').nth(1).locator('a').first().click();
    await page.waitForURL(/\/dashboard\/cases\/\d+$/);
    await shot('case');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${url}/dashboard/`);
    await shot('fleet-phone');
    await page.setViewportSize({ width: 1280, height: 860 });
    if (browser.problems.length) throw new Error(`browser problems:\n${browser.problems.join('\n')}`);
  } finally {
    await browser.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`screenshots: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
