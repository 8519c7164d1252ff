import { chromium } from 'playwright-core';
import { simpleParser } from 'mailparser';
import { readFileSync } from 'node:fs';
const mail = await simpleParser(readFileSync(process.argv[2]));
const browser = await chromium.launch({ env: { ...process.env, FONTCONFIG_FILE: '/tmp/p20/fc/fonts.conf' }, executablePath: '/usr/bin/chromium', args: ['--headless','--no-sandbox','--disable-gpu','--disable-quic','--no-first-run','--disable-background-networking','--disable-component-update','--disable-sync'] });
for (const w of [390, 800]) {
  const page = await browser.newPage({ viewport: { width: w, height: 800 } });
  await page.setContent(String(mail.html));
  const r = await page.evaluate(() => {
    const iw = window.innerWidth;
    const bad = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > iw + 0.5).map(e => e.tagName + ':' + (e.textContent||'').slice(0,40) + ':' + Math.round(e.getBoundingClientRect().right));
    return { sw: document.documentElement.scrollWidth, iw, bad: bad.slice(0,10), n: bad.length };
  });
  console.log(w, mail.subject, JSON.stringify(r));
  await page.screenshot({ path: `/tmp/p20/shot-${w}.png`, fullPage: true });
}
await browser.close();
