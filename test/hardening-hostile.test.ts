// Covers jobs/ingest.ts, jobs/report.ts, jobs/digest.ts, src/deliver/files.ts. Issue #7, hostile data: customer names
// and user keys that someone else typed, through ingest, the workbooks, the file names and the digest e-mail.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendDigests } from '../jobs/digest.js';
import { ingest } from '../jobs/ingest.js';
import { buildReport } from '../jobs/report.js';
import type { JobContext } from '../src/context.js';
import { writeDrop } from '../src/demo/writeDrop.js';
import { DROP_DATE, T, rulesDrop } from './fixtures/rulesDrop.js';
import { tempDir, testContext } from './helpers/context.js';

const NAMES = {
  [T.main]: '=HYPERLINK("http://evil.example","x") <script>alert(1)</script>\r\nBcc: victim@evil.example',
  [T.nothingSold]: '+cmd|" /C calc"!A0',
  [T.aggregate]: '@SUM(1+1)\t\u202Egnp.exe ../../etc/passwd',
  [T.pcSubs]: `CON'); DROP TABLE loads; --${'A'.repeat(10_000)}`,
};
const USER_KEY = '=1+2@main.example';

let dir: string;
let cleanup: () => void;
let ctx: JobContext;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  const spec = rulesDrop();
  for (const c of spec.customers!) c.customer_name = NAMES[c.customer_id.toLowerCase()]!;
  spec.customers!.push({
    customer_id: 'c0000000-0000-4000-8000-000000000009',
    customer_name: '\t=cmd|tab',
    owner_email: 'am1@partner.example',
  });
  spec.tenants!.find((t) => t.tenantId === T.main)!.users![1]!.upn = USER_KEY; // u2: inactive, so listed
  writeDrop(path.join(dir, 'exports', DROP_DATE), spec);
  ctx = await testContext(dir);
  ctx.config.outputDir = path.join(dir, 'reports');
  ctx.config.digest.outbox = path.join(dir, 'outbox');
  ctx.config.thresholds.lowUsage = 0.99; // everyone needs attention: every name reaches the digest
  await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
});
afterAll(() => {
  ctx.wh.close();
  cleanup();
});

describe('hostile data', () => {
  it('SQL-looking text is stored as it was typed, and the tables are all there', async () => {
    const rows = await ctx.wh.all(
      `SELECT customer_id, customer_name FROM stg_customers ORDER BY customer_id`,
    );
    for (const [id, name] of Object.entries(NAMES))
      expect(rows.find((r) => r.customer_id === id)?.customer_name).toBe(name);
    expect(rows.find((r) => r.customer_id === 'c0000000-0000-4000-8000-000000000009')?.customer_name).toBe(
      '\t=cmd|tab',
    );
    expect((await ctx.wh.all(`SELECT count(*)::INTEGER AS n FROM loads`))[0]!.n).toBe(1);
  });

  it('formula-looking names and user keys (=, +, @, leading tab) stay text in the workbook, never formulas', async () => {
    const res = await buildReport(ctx, {
      asOf: DROP_DATE,
      trigger: 'manual',
      outDir: path.join(dir, 'reports'),
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(res.file);
    const texts: string[] = [];
    wb.eachSheet((ws) =>
      ws.eachRow((row) =>
        row.eachCell((cell) => {
          expect(cell.formula, `${ws.name}!${cell.address}`).toBeUndefined();
          if (typeof cell.value === 'string') texts.push(cell.value);
        }),
      ),
    );
    for (const name of Object.values(NAMES))
      // (XML reads a CR LF inside text back as LF: the name is still the same text)
      expect(texts, JSON.stringify(name.slice(0, 40))).toContain(name.replace(/\r\n/g, '\n'));
    expect(texts).toContain(USER_KEY.toLowerCase());
    // and no part of the package holds a <f> (formula) element made from our data
    const JSZip = (await import('jszip')).default;
    const zip = await JSZip.loadAsync(readFileSync(res.file));
    for (const name of Object.keys(zip.files).filter((n) => /^xl\/worksheets\/[^/]+\.xml$/.test(n)))
      expect(await zip.file(name)!.async('string'), name).not.toMatch(/<f>.*(HYPERLINK|SUM|cmd)/);
  });

  it('names that reach a file name cannot leave the output folder or take a reserved name', async () => {
    const out = path.join(dir, 'customer-reports');
    for (const id of Object.keys(NAMES))
      await buildReport(ctx, { asOf: DROP_DATE, customer: id, trigger: 'manual', outDir: out });
    const files = readdirSync(out);
    expect(files).toHaveLength(4);
    for (const f of files) {
      expect(f).toMatch(/^customer-[\p{L}\p{N}._@-]+\.xlsx$/u);
      expect(f).not.toMatch(/\.\.|\u202e|^customer-(con|nul)\./i);
      expect(f.length).toBeLessThan(120);
    }
  });

  it('the digest escapes HTML, and CR/LF + "Bcc:" in a name never becomes a header', async () => {
    const res = await sendDigests(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    expect(res.outcomes.length).toBeGreaterThan(0);
    expect(res.outcomes.every((o) => o.state === 'sent')).toBe(true);
    const box = path.join(dir, 'outbox', DROP_DATE);
    const emls = readdirSync(box).filter((f) => f.endsWith('.eml'));
    expect(emls.length).toBeGreaterThanOrEqual(2);
    for (const f of emls) {
      const raw = readFileSync(path.join(box, f), 'utf8');
      const headers = raw.slice(0, raw.search(/\r?\n\r?\n/));
      expect(headers, f).not.toMatch(/^bcc:/im);
      const mail = await simpleParser(raw);
      expect(mail.bcc, f).toBeUndefined();
      expect(mail.subject, f).not.toMatch(/[\r\n]/);
      expect(String(mail.html), f).not.toMatch(/<script/i);
      expect(String(mail.html), f).not.toMatch(/<a [^>]*href="http:\/\/evil/i);
    }
    const am1 = await simpleParser(readFileSync(path.join(box, 'am1@partner.example.eml'), 'utf8'));
    expect(String(am1.html)).toMatch(/&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    expect(am1.text).toContain('=HYPERLINK("http://evil.example","x") <script>alert(1)</script>');
  });
});
