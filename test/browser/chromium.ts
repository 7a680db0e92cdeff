/**
 * Headless Chromium for the browser tests, driven by playwright-core through `executablePath`: Debian's
 * `chromium` package (`apt-get install -y chromium`), or `$CHROMIUM_PATH`. Nothing is downloaded.
 */
import { existsSync } from 'node:fs';

import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The Chromium executable, or an Error saying how to install one. */
export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH ?? CANDIDATES.find((p) => existsSync(p));
  if (path === undefined || !existsSync(path)) {
    throw new Error('no Chromium found: install it (`apt-get update && apt-get install -y chromium`) or set CHROMIUM_PATH');
  }
  return path;
}

/** Launches headless Chromium (no sandbox when running as root, as in CI containers). */
export async function launchChromium(): Promise<Browser> {
  const args = ['--enable-features=SharedArrayBuffer'];
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args });
}

/** A new page whose console errors and uncaught exceptions are collected (tests assert none happened). */
export async function openPage(browser: Browser, url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  // tsx compiles this suite with esbuild's keepNames, which wraps named functions in `__name(...)`;
  // functions handed to page.evaluate carry that call into the page, so the page gets the helper.
  await page.addInitScript('globalThis.__name = (f) => f;');
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) errors.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console.error: ${message.text()}`);
  });
  await page.goto(url);
  return { page, errors };
}
