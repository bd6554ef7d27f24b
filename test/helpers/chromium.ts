import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';

/** Debian's chromium package (CI installs it in .ci/run); FARMWATCH_CHROMIUM points elsewhere. */
export const chromiumPath = process.env.FARMWATCH_CHROMIUM ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here, or undefined when they can. */
export function chromiumMissing(): string | undefined {
  return existsSync(chromiumPath)
    ? undefined
    : `no Chromium at ${chromiumPath}: install it (Debian/Ubuntu: apt-get install chromium) or set FARMWATCH_CHROMIUM; .ci/run installs it in CI`;
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Console errors, page errors and dialogs seen so far: a dashboard page must produce none. */
  problems: string[];
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile in a temp dir (removed on close), watching every page for errors. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'fw-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true, // passes --headless
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1280, height: 860 },
  });
  const problems: string[] = [];
  const watch = (page: Page) => {
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console error on ${page.url()}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`page error on ${page.url()}: ${err.message}`));
    page.on('dialog', (dialog) => {
      problems.push(`dialog on ${page.url()}: ${dialog.type()} ${dialog.message()}`);
      void dialog.dismiss();
    });
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    problems,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
