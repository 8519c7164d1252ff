// Covers src/ingest/jsonSources.ts. Bad input, the JSON exports (src/ingest/jsonSources.ts, with the parsers of
// src/ingest/sources/graphTenant.ts and partnerCenter.ts): a bad file set aside naming its line, a bad item by its
// JSON path. Each case: a clear message naming the file (and the line and column where there is one), the rest of the
// drop still loaded, and what was set aside listed in the run report.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest } from '../jobs/ingest.js';
import { DROP_DATE, SKU, T } from './fixtures/rulesDrop.js';
import { expectReported, othersIntact, read, useBadInputDrop } from './helpers/badInput.js';

const env = useBadInputDrop();

describe('src/ingest/jsonSources.ts: bad input', () => {
  it('a malformed JSON file sets aside that source only, naming the file and the line', async () => {
    const { ctx, drop } = env;
    writeFileSync(
      path.join(drop, 'tenants', T.main, 'subscriptions.json'),
      '{"value": [ {"skuId": "05e9a617-0261-4cee-bb44-138d3ef5d965",\n  "status": }',
    );
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    const issue = s.issues.find((i) => i.code === 'bad_json')!;
    expect(issue).toMatchObject({ severity: 'error', file: `tenants/${T.main}/subscriptions.json`, line: 2 });
    expect(issue.message).toMatch(/not valid JSON/);
    // The tenant's users still load: without subscriptions it has nothing sold.
    const [e3] = await ctx.wh.all(
      `SELECT licenses_sold, licenses_assigned FROM adoption_daily WHERE customer_id = $c AND sku_id = $s`,
      { c: T.main, s: SKU.E3 },
    );
    expect(e3).toEqual({ licenses_sold: 0, licenses_assigned: 7 });
  });

  it('JSON of the wrong shape, and an item with a bad value, are reported by JSON path', async () => {
    const { ctx, drop } = env;
    writeFileSync(path.join(drop, 'partner-center', 'licenses-usage.json'), JSON.stringify({ rows: [] }));
    const subs = JSON.parse(readFileSync(path.join(drop, 'tenants', T.main, 'subscriptions.json'), 'utf8'));
    subs.value[2].totalLicenses = -3;
    writeFileSync(path.join(drop, 'tenants', T.main, 'subscriptions.json'), JSON.stringify(subs));
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    expect(s.issues.find((i) => i.code === 'json_shape')).toMatchObject({
      file: 'partner-center/licenses-usage.json',
    });
    expect(s.issues.find((i) => i.code === 'bad_value')).toMatchObject({
      file: `tenants/${T.main}/subscriptions.json`,
      column: 'value[2].totalLicenses',
    });
  });

  it('negative or non-numeric licence counts are set aside by JSON path; the rest loads', async () => {
    const { ctx, drop } = env;
    const f = path.join(drop, 'tenants', T.main, 'subscriptions.json');
    const doc = JSON.parse(read(f)) as { value: Record<string, unknown>[] };
    doc.value[0]!.totalLicenses = -5;
    if (doc.value[1]) doc.value[1].totalLicenses = 'lots';
    writeFileSync(f, JSON.stringify(doc));
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    const issues = s.issues.filter((i) => i.file === `tenants/${T.main}/subscriptions.json`);
    expect(issues.length).toBeGreaterThanOrEqual(1);
    expect(issues.map((i) => i.column)).toContain('value[0].totalLicenses');
    await othersIntact(ctx);
  });

  it('{"Value": []} with @nextLink set (paging not finished) is flagged, naming the file', async () => {
    const { ctx, drop } = env;
    const f = path.join(drop, 'partner-center', 'licenses-deployment.json');
    const doc = JSON.parse(read(f)) as Record<string, unknown>;
    doc['@nextLink'] =
      'https://api.partnercenter.microsoft.com/partner/v1/analytics/commercial/deployment/license?$skip=100';
    writeFileSync(f, JSON.stringify(doc));
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    const issue = expectReported(s, 'paging_unfinished', {
      file: 'partner-center/licenses-deployment.json',
      column: '@nextLink',
    });
    expect(issue.message).toMatch(/next-page link: .* incomplete/);
  });

  it('JSON that is not JSON names the file and line; the rest loads', async () => {
    const { ctx, drop } = env;
    writeFileSync(path.join(drop, 'tenants', T.main, 'subscribedSkus.json'), '{"value": [ {"skuId": ');
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    expect(s.issues.find((i) => i.file === `tenants/${T.main}/subscribedSkus.json`)?.severity).toBe('error');
    await othersIntact(ctx);
  });
});
