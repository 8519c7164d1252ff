// Covers src/locales.ts, src/ingest/sources/customers.ts. Locales as people write them (src/locales.ts and
// src/ingest/sources/customers.ts): BCP 47 tags matched to the supported languages, and one warning per distinct
// unsupported value, not one per customer.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ingest } from '../jobs/ingest.js';
import { writeDrop } from '../src/demo/writeDrop.js';
import { matchLocale } from '../src/locales.js';
import { tempDir, testContext } from './helpers/context.js';

describe('matchLocale', () => {
  it('matches English and Simplified Chinese however the tag is written', () => {
    for (const tag of ['en', 'en-US', 'en-GB', 'EN-gb', 'en_AU']) expect(matchLocale(tag)).toBe('en');
    for (const tag of ['zh', 'zh-Hans', 'zh-Hans-CN', 'zh-CN', 'zh-cn', 'zh_CN', 'zh-SG'])
      expect(matchLocale(tag)).toBe('zh-CN');
  });

  it('matches nothing for other languages, Traditional Chinese and what is not a tag', () => {
    for (const tag of [
      'fr',
      'de-DE',
      'zh-TW',
      'zh-Hant',
      'zh-HK',
      'english',
      '',
      '  ',
      null,
      undefined,
      'x-y-z-',
    ])
      expect(matchLocale(tag)).toBeNull();
  });
});

describe('customers.csv locales through ingest', () => {
  const { dir, cleanup } = tempDir();
  afterAll(cleanup);

  it('stores the matched locale, and warns once per distinct unsupported value', async () => {
    const id = (n: number) => `e2000000-0000-4000-8000-00000000000${n}`;
    const locales = ['en-GB', 'zh-Hans-CN', 'zh', 'fr-FR', 'fr-FR', 'fr-FR', 'zh-TW', ''];
    const date = '2026-11-23';
    writeDrop(path.join(dir, 'exports', date), {
      customers: locales.map((locale, i) => ({
        customer_id: id(i),
        customer_name: `C${i}`,
        owner_email: 'am@partner.example',
        locale,
      })),
      tenants: [
        { tenantId: id(0), refreshDate: '2026-11-22', users: [{ upn: 'u@x.example', products: [] }] },
      ],
    });
    const ctx = await testContext(dir);
    try {
      const summary = await ingest(ctx, { asOf: date, trigger: 'manual' });
      const stored = await ctx.wh.all(
        'SELECT customer_name, locale FROM stg_customers WHERE snapshot_date = $d::DATE ORDER BY customer_name',
        { d: date },
      );
      expect(stored.map((r) => r.locale)).toEqual(['en', 'zh-CN', 'zh-CN', 'en', 'en', 'en', 'en', 'en']);
      const warnings = summary.issues.filter((i) => i.code === 'unknown_locale');
      expect(warnings.map((w) => w.message)).toEqual([
        'locale "fr-FR" (3 customer(s)) is not a supported language (en, zh-CN); en is used',
        'locale "zh-TW" (1 customer(s)) is not a supported language (en, zh-CN); en is used',
      ]);
    } finally {
      ctx.wh.close();
    }
  });
});
