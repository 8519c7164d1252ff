// Covers src/digest/spend.ts, jobs/digest.ts. The digest's licence spend through its real parts: two weekly drops in a
// real DuckDB file, handlebars, nodemailer and a real SMTP server on 127.0.0.1 (test/helpers/smtp.ts). Figures are
// those of test/spend.test.ts.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedMail } from 'mailparser';
import { sendDigests } from '../jobs/digest.js';
import { ingest } from '../jobs/ingest.js';
import type { JobContext } from '../src/context.js';
import { writeDrop } from '../src/demo/writeDrop.js';
import { tempDir, testContext } from './helpers/context.js';
import { SMTP_PASSWORD, SMTP_USER, startSmtp, type TestSmtp } from './helpers/smtp.js';
import { SPEND_DROP_DATE, spendDrop } from './fixtures/spendDrop.js';

const PREVIOUS = '2026-11-16';
let ctx: JobContext;
let cleanup: () => void;
let smtp: TestSmtp;
let am1: ParsedMail;
let am2: ParsedMail;

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  // The week before, Alpha had one more E3 holder: 6 unassigned E3 seats instead of 7.
  const before = spendDrop();
  before.tenants[0]!.refreshDate = '2026-11-15';
  before.tenants[0]!.users!.push({
    upn: 'e3x@x.example',
    products: ['MICROSOFT 365 E3'],
    exchange: '2026-11-14',
  });
  for (const tenant of before.tenants) {
    tenant.refreshDate = '2026-11-15';
    for (const u of tenant.users ?? []) if (u.exchange) u.exchange = '2026-11-14';
  }
  writeDrop(path.join(t.dir, 'exports', PREVIOUS), before);
  writeDrop(path.join(t.dir, 'exports', SPEND_DROP_DATE), spendDrop());
  ctx = await testContext(t.dir);
  ctx.config.spend.market = null;
  ctx.config.spend.currency = null;
  ctx.config.thresholds.lowUsage = 0.99; // every customer needs attention
  ctx.config.outputDir = path.join(t.dir, 'reports');
  ctx.config.digest.outbox = path.join(t.dir, 'outbox');
  ctx.config.digest.attachWorkbook = false;
  await ingest(ctx, { asOf: PREVIOUS, trigger: 'manual' });
  await ingest(ctx, { asOf: SPEND_DROP_DATE, trigger: 'manual' });
  smtp = await startSmtp();
  Object.assign(ctx.config.smtp, {
    host: '127.0.0.1',
    port: smtp.port,
    secure: false,
    requireTLS: true,
    user: SMTP_USER,
    rejectUnauthorized: false,
    retries: 0,
    retryDelayMs: 1,
  });
  await sendDigests(ctx, {
    trigger: 'manual',
    asOf: SPEND_DROP_DATE,
    env: { ADOPTION_SMTP_PASSWORD: SMTP_PASSWORD },
    sleep: () => Promise.resolve(),
  });
  const to = (m: ParsedMail) => (m.to as { value: { address: string }[] }).value[0]!.address;
  am1 = smtp.messages.find((m) => to(m) === 'am1@partner.example')!;
  am2 = smtp.messages.find((m) => to(m) === 'am2@partner.example')!;
}, 180_000);

afterAll(async () => {
  ctx?.wh.close();
  await smtp?.close();
  cleanup?.();
});

describe('the digest shows money', () => {
  it("gives the owner's monthly cost of unassigned and inactive seats with the change on last week", () => {
    // am1, USD: unassigned E3 7 × 46.80 + Business Basic 6 × 6 + Gamma 4 × 22 = 451.60; last week E3 had 6 → 404.80.
    // Inactive: E3 3 × 46.80 + Gamma 1 × 22 = 162.40, unchanged.
    expect(am1.text).toContain('Unassigned seats cost $451.60 a month (17 seats; +$46.80 on last week)');
    expect(am1.text).toContain(
      'Inactive seats: $162.40 a month (4 seats; ±$0.00 on last week): reassign or cut at renewal',
    );
    expect(am1.html).toContain('Unassigned seats cost $451.60 a month');
  });

  it('lists the renewal actions due in the next 30 days, with dates, deadlines (on the reader’s clock: the default zone, Europe/London) and savings', () => {
    expect(am1.text).toContain(
      'Alpha Dollars Inc., Microsoft 365 E3: cut 5 unassigned seats at renewal on Dec 10, 2026; schedule it by Dec 9, 2026, 23:59 GMT; saving $234.00 a month',
    );
    expect(am1.text).toContain(
      'Alpha Dollars Inc., Microsoft 365 E3: 2 unassigned seats added in the last 7 days can be cut now with a refund, until Nov 25, 2026, 10:00 GMT; saving $93.60 a month',
    );
    expect(am1.text).toContain(
      'Alpha Dollars Inc., Microsoft 365 Business Basic: cut 2 unassigned seats at renewal on Dec 1, 2026; schedule it by Nov 30, 2026, 23:59 GMT; saving $14.00 a month',
    );
    // "Saving" is never said of seats still assigned.
    for (const line of am1.text!.split('\n').filter((l) => /inactive/i.test(l)))
      expect(line).not.toMatch(/saving/i);
  });

  it('orders customers needing attention by money at stake', () => {
    // Alpha: 363.60 + 140.40 = 504.00 a month at stake; Gamma: 88 + 22 = 110.
    const text = am1.text!;
    const attention = text.slice(text.indexOf('Customers needing attention'));
    expect(attention.indexOf('Alpha Dollars Inc.')).toBeGreaterThan(0);
    expect(attention.indexOf('Alpha Dollars Inc.')).toBeLessThan(attention.indexOf('Gamma Graph LLC'));
    expect(text).toContain(
      'Alpha Dollars Inc.: $363.60 a month cost for 13 unassigned seats; $140.40 a month in 3 inactive seats: reassign or cut at renewal',
    );
    // one seat is a seat (plural rules, not "seat(s)")
    expect(text).toContain(
      'Gamma Graph LLC: $88.00 a month cost for 4 unassigned seats; $22.00 a month in 1 inactive seat: reassign or cut at renewal',
    );
  });

  it('keeps currencies apart and says when no action is due', () => {
    // am2 (Beta): 50 EUR and 60 GBP, never added; renewals in 2027, outside 30 days.
    expect(am2.text).toContain('Unassigned seats cost €50.00 a month (4 seats;');
    expect(am2.text).toContain('Unassigned seats cost £60.00 a month (3 seats;');
    expect(am2.text).not.toContain('110');
    expect(am2.text).toContain('No seat cuts are due in the next 30 days.');
  });
});
