// Renders a digest .eml the way a mail client would (the inline chart in place) and screenshots it with headless
// Chromium: `npx tsx scripts/digest-screenshot.ts demo-output/outbox/<week>/<recipient>.eml docs/digest.png`.
// Needs Debian's chromium (apt-get install chromium).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';

const [eml, png] = process.argv.slice(2);
if (!eml || !png) throw new Error('usage: digest-screenshot.ts <message.eml> <out.png>');
const mail = await simpleParser(readFileSync(eml)); // cid: images become data: URIs
const dir = mkdtempSync(path.join(tmpdir(), 'digest-shot-'));
const html = path.join(dir, 'digest.html');
writeFileSync(html, String(mail.html));
execFileSync(
  'chromium',
  [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--hide-scrollbars',
    `--user-data-dir=${path.join(dir, 'profile')}`,
    '--window-size=700,1900',
    `--screenshot=${path.resolve(png)}`,
    `file://${html}`,
  ],
  { stdio: 'ignore' },
);
console.log(`wrote ${png} (subject: ${mail.subject})`);
