// Renders a digest .eml the way a mail client would (the inline chart in place) and screenshots it with headless
// Chromium at a phone's and/or a desktop's width, with the project's own fonts (so Chinese shows on any machine):
//   npx tsx scripts/digest-screenshot.ts demo-output/outbox/<week>/<recipient>.eml docs/digest-en.png 390 800
// writes docs/digest-en-390.png and docs/digest-en-800.png (one width: exactly the file named). Needs Debian's
// chromium (apt-get install chromium), driven by playwright-core.
import { readFileSync } from 'node:fs';
import { simpleParser } from 'mailparser';
import { openBrowser } from '../test/helpers/browser.js';

const [eml, png, ...widthArgs] = process.argv.slice(2);
if (!eml || !png) throw new Error('usage: digest-screenshot.ts <message.eml> <out.png> [width...]');
const widths = widthArgs.length ? widthArgs.map(Number) : [700];
const mail = await simpleParser(readFileSync(eml)); // cid: images become data: URIs
const browser = await openBrowser();
try {
  for (const width of widths) {
    const file = widths.length === 1 ? png : png.replace(/\.png$/, `-${width}.png`);
    await browser.screenshot(String(mail.html), width, file);
    console.log(`wrote ${file} (${width} px; subject: ${mail.subject})`);
  }
} finally {
  await browser.close();
}
