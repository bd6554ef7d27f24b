import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { chromiumMissing, launchChromium, type Browser } from '../helpers/chromium.js';
import { cleanup, enroll, makeReport, postReport, secrets } from '../server/helpers.js';
import { hostile, seedFleet, startDashboardServer, type Seeded } from './helpers.js';

// .ci/run installs Chromium and sets FARMWATCH_REQUIRE_CHROMIUM: there a missing browser fails instead of skipping.
const missing = process.env.FARMWATCH_REQUIRE_CHROMIUM ? undefined : chromiumMissing();

/** A laptop whose USB, display and input collectors ran and saw nothing: no USB bus, no display driver, no inputs. */
async function seedBlindLaptop(s: Seeded): Promise<string> {
  const id = 'blind-laptop';
  const { token } = await enroll(s.url, id);
  const at = new Date().toISOString();
  const snapshot = {
    schemaVersion: 1, collectedAt: at, agentVersion: '0.1.0', platform: 'linux',
    host: null, processes: null, software: null, network: null, locale: null, sessions: null, activity: null,
    usb: { devices: [] }, displays: { connectors: [], adapters: [] }, inputs: { devices: [] },
    collectors: {
      usb: { status: 'ok', notes: ['no USB devices under /sys/bus/usb/devices'] },
      displays: { status: 'ok', notes: ['no DRM card under /sys/class/drm: no display driver'] },
      inputs: { status: 'ok' },
    },
    errors: [],
  };
  const posted = await postReport(s.url, token, makeReport(id, { score: 0, level: 'none', findings: [], snapshot }));
  if (posted.status !== 202) throw new Error(`blind report: ${posted.status}`);
  return id;
}

describe.skipIf(missing !== undefined)(`cases in a real browser${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let s: Seeded;
  let b: Browser;
  let blindId: string;
  beforeAll(async () => {
    s = await startDashboardServer();
    await seedFleet(s);
    blindId = await seedBlindLaptop(s);
    b = await launchChromium();
    const { page } = b;
    await page.goto(`${s.url}/dashboard/login`);
    await page.fill('#token', secrets.adminToken);
    await page.click('button[type=submit]');
    await page.waitForURL(`${s.url}/dashboard/`);
  });
  afterAll(async () => {
    await b?.close();
    await s?.close();
    if (s) cleanup(s.dir);
  });

  const noOverflow = async () => {
    const { page } = b;
    const [scroll, inner] = (await page.evaluate('[document.documentElement.scrollWidth, window.innerWidth]')) as [number, number];
    if (scroll > inner) {
      const wide = await page.evaluate(`[...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.scroll')).slice(0, 5).map((e) => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))`);
      console.log('too wide:', wide);
    }
    expect(scroll, `page ${page.url()} overflows: ${scroll} px wide in a ${inner} px window`).toBeLessThanOrEqual(inner);
  };

  for (const [name, width] of [['desktop', 1280], ['phone', 390]] as const) {
    it(`walks fleet → case → evidence → export → resolve at ${name} width (${width} px) with no console error`, async () => {
      const { page } = b;
      await page.setViewportSize({ width, height: 860 });
      await page.goto(`${s.url}/dashboard/`);
      // The fleet leads with the open cases, most severe first, each with its one line of why.
      expect(await page.locator('main h2').first().innerText()).toBe('Open cases');
      const first = page.locator('table.cases tr').nth(1);
      expect((await first.locator('td').nth(4).innerText()).length).toBeGreaterThan(5);
      await noOverflow();
      await first.locator('a').first().click();
      await page.waitForURL(/\/dashboard\/cases\/\d+$/);
      const caseUrl = page.url();
      // Evidence in words, the breakdown of the server's and the agent's score, the timeline.
      expect(await page.locator('p.sentence').count()).toBeGreaterThan(0);
      expect(await page.locator('.sides .side').count()).toBeGreaterThanOrEqual(2);
      expect(await page.locator('ol.timeline li').count()).toBeGreaterThan(0);
      await noOverflow();

      // Export: one HTML file, which opens on its own with nothing fetched and no error.
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10_000 }), page.click('#export', { timeout: 10_000 })]);
      expect(download.suggestedFilename()).toMatch(/^farmwatch-case-\d+\.html$/);
      const scratch = mkdtempSync(join(tmpdir(), 'fw-export-'));
      onTestFinished(() => rmSync(scratch, { recursive: true, force: true }));
      const path = join(scratch, download.suggestedFilename());
      await download.saveAs(path);
      const file = readFileSync(path, 'utf8');
      expect(file).toContain('<h2>Timeline</h2>');
      expect(file).not.toContain(hostile);
      const viewer = await b.context.newPage();
      await viewer.goto(pathToFileURL(path).href, { timeout: 10_000 });
      expect(await viewer.locator('h1').innerText()).toMatch(/^Case \d+/);
      await viewer.close();

      // Resolve with a reason: the case says so, and its export is on its timeline.
      await page.goto(caseUrl);
      await page.selectOption('#reason', 'false-positive');
      await page.click('#case-actions button:text("Resolve")');
      await page.waitForURL(caseUrl);
      expect(await page.locator('h1 .badge.state-resolved').innerText()).toBe('resolved: false positive');
      expect(await page.locator('ol.timeline').innerText()).toContain('exported for HR/legal');
      // The other pages fit this width too.
      for (const path of ['/dashboard/alerts', '/dashboard/devices/simulated-01', '/dashboard/cases', '/dashboard/clusters', '/dashboard/enrollments']) {
        await page.goto(`${s.url}${path}`);
        await noOverflow();
      }
      expect(b.problems).toEqual([]);
    }, 90_000);
  }

  it('shows a laptop whose USB, display and input collectors saw nothing as blind there, on its page and in the fleet filter', async () => {
    const { page } = b;
    await page.setViewportSize({ width: 1280, height: 860 });
    await page.goto(`${s.url}/dashboard/devices/${blindId}`);
    const panel = await page.locator('#blind-spots').innerText();
    expect(panel).toContain('The hardware rules (IP-KVM, jiggler) could not look at: usb, inputs, displays.');
    for (const c of ['usb', 'inputs', 'displays']) expect(await page.locator('#blind-spots tr.blind', { hasText: c }).innerText()).toContain('nothing');
    expect(await page.locator('#blind-spots tr.blind', { hasText: 'usb' }).innerText()).toContain('no bus visible');
    expect(panel).not.toMatch(/every collector/i);
    await page.goto(`${s.url}/dashboard/?blind=usb`);
    const devices = await page.locator('#devices').innerText();
    expect(devices).toContain(`${blindId}.local`);
    expect(devices).not.toContain('SIMULATED-laptop-01');
    expect(b.problems).toEqual([]);
  });
});
