// Headless Chromium (Debian's `chromium` package) driven by playwright-core, for checking how the digest's HTML
// lays out at a phone's and a desktop's width. The bundled fonts are offered to Chromium through a fontconfig file,
// so that Chinese text is measured and drawn with real glyphs on a machine without CJK fonts.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { bundledFonts } from '../../src/config/fonts.js';

export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

export interface Overflow {
  scrollWidth: number;
  innerWidth: number;
  /** elements whose right edge is beyond the viewport: tag, a bit of their text, their right edge */
  over: { tag: string; text: string; right: number }[];
}

export interface DigestBrowser {
  /** lays the HTML out at this width and reports what sticks out */
  overflow(html: string, width: number): Promise<Overflow>;
  /** runs fn in the page laid out at this width (fn is serialised: it sees only the page) */
  inPage<T>(html: string, width: number, fn: () => T): Promise<T>;
  screenshot(html: string, width: number, file: string): Promise<void>;
  close(): Promise<void>;
}

export async function openBrowser(): Promise<DigestBrowser> {
  if (!CHROMIUM) throw new Error('chromium is not installed (apt-get install chromium)');
  const dir = mkdtempSync(path.join(tmpdir(), 'digest-browser-'));
  const fontDirs = [...new Set(bundledFonts().files.map((f) => path.dirname(f)))];
  writeFileSync(
    path.join(dir, 'fonts.conf'),
    `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n` +
      `<include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n` +
      fontDirs.map((d) => `<dir>${d}</dir>\n`).join('') +
      `<cachedir>${path.join(dir, 'cache')}</cachedir>\n</fontconfig>\n`,
  );
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--hide-scrollbars',
    ],
    env: { ...process.env, FONTCONFIG_FILE: path.join(dir, 'fonts.conf') },
  });
  const page = async (html: string, width: number) => {
    const p = await browser.newPage({ viewport: { width, height: 900 }, deviceScaleFactor: 1 });
    await p.setContent(html, { waitUntil: 'load' });
    return p;
  };
  return {
    async inPage(html, width, fn) {
      const p = await page(html, width);
      try {
        return (await p.evaluate(fn)) as never;
      } finally {
        await p.close();
      }
    },
    async overflow(html, width) {
      const p = await page(html, width);
      try {
        return await p.evaluate(() => {
          const innerWidth = window.innerWidth;
          const over = [...document.querySelectorAll('body *')]
            .map((e) => ({ e, right: e.getBoundingClientRect().right }))
            .filter((x) => x.right > innerWidth)
            .map((x) => ({
              tag: x.e.tagName,
              text: (x.e.textContent ?? '').trim().slice(0, 60),
              right: x.right,
            }));
          return { scrollWidth: document.documentElement.scrollWidth, innerWidth, over };
        });
      } finally {
        await p.close();
      }
    },
    async screenshot(html, width, file) {
      const p = await page(html, width);
      try {
        await p.screenshot({ path: file, fullPage: true });
      } finally {
        await p.close();
      }
    },
    async close() {
      await browser.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
