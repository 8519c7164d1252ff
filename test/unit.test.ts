// Covers src/config/load.ts, src/dates.ts, src/ingest/csvSniff.ts, src/ingest/values.ts. The pure parts: no I/O.
import { CsvRecordCounter, countCsvRows } from '../src/ingest/manifest.js';
import { describe, expect, it } from 'vitest';
import { deepMerge, parseConfig, loadConfig } from '../src/config/load.js';
import { UserError } from '../src/errors.js';
import { addDays, dateRange, isIsoDate, dateInZone } from '../src/dates.js';
import { buildAliasIndex, resolveAssignedProducts } from '../src/ingest/assignedProducts.js';
import { sniffCsv, splitCsvLine } from '../src/ingest/csvSniff.js';
import { normaliseGraphStatus, normalisePartnerCenterStatus } from '../src/ingest/statuses.js';
import { jsonErrorLine } from '../src/ingest/jsonSources.js';
import { normaliseWorkload } from '../src/ingest/sources/partnerCenter.js';
import { isoDatePart, normaliseGuid } from '../src/ingest/values.js';
import { parameterNames } from '../src/warehouse/sqlFiles.js';
import { coveringSpans, datePasses, rowsPerPass, sizeBytes, weekChunks } from '../src/warehouse/metrics.js';
import { loadCatalog } from '../src/config/load.js';

describe('configuration', () => {
  it('accepts a file holding only the partner tenant, merged over the defaults', () => {
    const merged = deepMerge(JSON.parse(JSON.stringify(loadConfig())), {
      partner: { tenantId: 'ABCDEF00-0000-4000-8000-000000000001' },
    });
    const config = parseConfig(merged, 'test');
    expect(config.partner.tenantId).toBe('abcdef00-0000-4000-8000-000000000001');
    expect(config.partner.name).toBe('Contoso Cloud Partner');
  });

  it('reports every problem at once, each by key', () => {
    const bad = deepMerge(JSON.parse(JSON.stringify(loadConfig())), {
      partner: { tenantId: 'not-a-guid' },
      defaults: { locale: 'fr', timeZone: 'Mars/Olympus' },
      warehouse: { threads: 0, pth: 'x' },
      exportRoot: 'typo',
    });
    let err: unknown;
    try {
      parseConfig(bad, 'my.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    const msg = (err as Error).message;
    expect(msg).toContain('invalid configuration (my.json)');
    for (const key of [
      'partner.tenantId: must be a GUID',
      'defaults.locale',
      'defaults.timeZone: must be an IANA time zone',
      'warehouse.threads',
      'warehouse.pth: unknown key',
      'exportRoot: unknown key',
    ]) {
      expect(msg).toContain(key);
    }
  });

  it('ships a catalogue with every SKU of formats.md §6 and the free SKUs excluded', () => {
    const catalog = loadCatalog(loadConfig());
    const parts = new Set(catalog.products.map((p) => p.partNumber));
    for (const part of [
      'STANDARDPACK',
      'ENTERPRISEPACK',
      'ENTERPRISEPREMIUM',
      'SPE_E3',
      'SPE_E5',
      'O365_BUSINESS_ESSENTIALS',
      'SMB_BUSINESS_ESSENTIALS',
      'O365_BUSINESS_PREMIUM',
      'SMB_BUSINESS_PREMIUM',
      'SPB',
      'O365_BUSINESS',
      'OFFICESUBSCRIPTION',
      'EXCHANGESTANDARD',
      'EXCHANGEENTERPRISE',
      'EXCHANGEARCHIVE_ADDON',
      'EMS',
      'EMSPREMIUM',
      'POWER_BI_PRO',
      'DYN365_ENTERPRISE_SALES',
      'DYN365_ENTERPRISE_PLAN1',
      'DYN365_ENTERPRISE_CUSTOMER_SERVICE',
      'DYN365_ENTERPRISE_SALES_CUSTOMERSERVICE',
      'DYN365_ENTERPRISE_TEAM_MEMBERS',
      'DYN365_TEAM_MEMBERS',
      'DYN365_SCM',
      'DYN365_FINANCIALS_BUSINESS_SKU',
    ]) {
      expect(parts.has(part), part).toBe(true);
    }
    const excluded = catalog.products.filter((p) => p.excluded).map((p) => p.partNumber);
    expect(excluded).toEqual(expect.arrayContaining(['POWER_BI_STANDARD', 'FLOW_FREE', 'TEAMS_EXPLORATORY']));
    const bstd = catalog.products.find((p) => p.partNumber === 'O365_BUSINESS_PREMIUM')!;
    expect(bstd.aliases).toContain('MICROSOFT 365 BUSINESS STANDARD');
  });
});

describe('Assigned Products', () => {
  const index = buildAliasIndex(loadCatalog(loadConfig()).products);
  it('splits on "+" but keeps names that hold a "+" whole', () => {
    const r = resolveAssignedProducts(
      'MICROSOFT 365 E3+ENTERPRISE MOBILITY + SECURITY E3+POWER BI (FREE)+SOMETHING NEW',
      index,
    );
    expect(r.map((x) => x.name)).toEqual([
      'MICROSOFT 365 E3',
      'ENTERPRISE MOBILITY+SECURITY E3',
      'POWER BI (FREE)',
      'SOMETHING NEW',
    ]);
    expect(r[0]!.skuIds).toEqual(['05e9a617-0261-4cee-bb44-138d3ef5d965']);
    expect(r[1]!.skuIds).toEqual(['efccb6f7-5641-4e0e-bd10-b4976e1bf68e']);
    expect(r[3]!.skuIds).toEqual([]);
  });
  it('lists every SKU a shared name can be, in catalogue order', () => {
    expect(resolveAssignedProducts('MICROSOFT 365 BUSINESS BASIC', index)[0]!.skuIds).toEqual([
      '3b555118-da6a-4418-894f-7df1e2096870',
      'dab7782a-93b1-4074-8bb1-0e61318bea0b',
    ]);
  });
  it('ignores case and spacing, and an empty list', () => {
    expect(resolveAssignedProducts(' microsoft 365  e3 ', index)[0]!.skuIds).toHaveLength(1);
    expect(resolveAssignedProducts('', index)).toEqual([]);
  });
});

describe('subscription statuses (DESIGN.md §1.4)', () => {
  it.each([
    ['active', 'active'],
    ['expired', 'grace'],
    ['suspended', 'suspended'],
    ['disabled', 'disabled'],
    ['deleted', 'deprovisioned'],
    ['pending', 'pending'],
    ['none', 'pending'],
    ['ACTIVE', 'active'],
    ['SUSPENDED', 'suspended'],
    ['DEPROVISIONED', 'deprovisioned'],
  ])('Partner Center %s → %s', (raw, want) => expect(normalisePartnerCenterStatus(raw)).toBe(want));
  it.each([
    ['Enabled', 'active'],
    ['Warning', 'grace'],
    ['Suspended', 'disabled'],
    ['Deleted', 'deprovisioned'],
    ['LockedOut', 'deprovisioned'],
  ])('Graph %s → %s', (raw, want) => expect(normaliseGraphStatus(raw)).toBe(want));
  it('knows no other status', () => expect(normaliseGraphStatus('Frozen')).toBeUndefined());
});

describe('CSV sniffing', () => {
  it('reads a header with a BOM, quotes and CRLF', () => {
    const s = sniffCsv(
      Buffer.from('\uFEFF"Report Refresh Date","User Principal Name",Is Deleted\r\n2026-01-01,a,False\r\n'),
    );
    expect(s).toEqual({
      encoding: 'utf-8',
      delimiter: ',',
      header: ['Report Refresh Date', 'User Principal Name', 'Is Deleted'],
    });
  });
  it('detects UTF-16 and another delimiter', () => {
    const buf = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a\tb\tc\r\n1\t2\t3', 'utf16le')]);
    expect(sniffCsv(buf)).toEqual({ encoding: 'utf-16', delimiter: '\t', header: ['a', 'b', 'c'] });
  });
  it('refuses an empty file', () => expect(() => sniffCsv(Buffer.alloc(0))).toThrow(/empty/));
  it('splits quoted fields with commas and doubled quotes', () => {
    expect(splitCsvLine('a,"b, c","d ""e"""', ',')).toEqual(['a', 'b, c', 'd "e"']);
  });
});

describe('small parsers', () => {
  it('normalises GUIDs to lower case and refuses others', () => {
    expect(normaliseGuid('0112A436-B14E-4888-967B-CA4BB2CF1234')).toBe(
      '0112a436-b14e-4888-967b-ca4bb2cf1234',
    );
    expect(normaliseGuid('{0112A436-B14E-4888-967B-CA4BB2CF1234}')).toBe(
      '0112a436-b14e-4888-967b-ca4bb2cf1234',
    );
    expect(normaliseGuid('not-a-guid')).toBeUndefined();
  });
  it('reads the date part of Partner Center date-times and refuses impossible dates', () => {
    expect(isoDatePart('2018-10-14T00:00:00')).toBe('2018-10-14');
    expect(isoDatePart('2017-03-14T03:25:16.36+00:00')).toBe('2017-03-14');
    expect(isoDatePart('2026-02-30')).toBeUndefined();
    expect(isoDatePart('11/23/2026')).toBeUndefined();
  });
  it('maps Partner Center workload codes, OneDrive with SharePoint', () => {
    expect(normaliseWorkload('EXO', 'Exchange')).toBe('exchange');
    expect(normaliseWorkload('SPO', undefined)).toBe('sharepoint');
    expect(normaliseWorkload(undefined, 'OneDrive for Business')).toBe('sharepoint');
    expect(normaliseWorkload('SFB', 'Skype For Business')).toBe('skype');
    expect(normaliseWorkload(undefined, 'Microsoft Dynamics CRM')).toBe('dynamics');
  });
  it('finds the line of a JSON error in both V8 message styles', () => {
    const text = '{\n "a": 1,\n "b": }';
    expect(jsonErrorLine(text, 'Unexpected token } in JSON at position 16')).toBe(3);
    expect(jsonErrorLine(text, `Unexpected token '}', ..."1,\n "b": }" is not valid JSON`)).toBe(3);
    expect(jsonErrorLine(text, 'Unexpected token (line 3 column 7)')).toBe(3);
  });
  it('lists the $parameters of a statement, ignoring comments and strings', () => {
    expect([...parameterNames("-- $nope\nSELECT $from::DATE, '$lit', $to")]).toEqual(['from', 'to']);
  });
});

describe('dates', () => {
  it('knows real calendar dates', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2026-1-01')).toBe(false);
  });
  it('adds days across months and DST changes', () => {
    expect(addDays('2026-10-26', 27)).toBe('2026-11-22');
    expect(addDays('2026-03-29', -1)).toBe('2026-03-28');
    expect(dateRange('2026-02-27', '2026-03-02')).toEqual([
      '2026-02-27',
      '2026-02-28',
      '2026-03-01',
      '2026-03-02',
    ]);
  });
  it('gives the calendar date in a time zone', () => {
    expect(dateInZone(new Date('2026-11-23T23:30:00Z'), 'Asia/Shanghai')).toBe('2026-11-24');
    expect(dateInZone(new Date('2026-11-23T23:30:00Z'), 'America/New_York')).toBe('2026-11-23');
  });
});

describe('CSV row counting for the manifest check', () => {
  it('counts records outside quotes, skipping empty lines, the same whatever the chunk boundaries', () => {
    const text = 'h1,h2\r\na,b\r\n"x\ny","q""z"\r\n\r\nc,d';
    expect(countCsvRows(Buffer.from(text))).toBe(3);
    for (let cut = 1; cut < text.length; cut++) {
      const c = new CsvRecordCounter();
      c.push(Buffer.from(text.slice(0, cut)));
      c.push(Buffer.from(text.slice(cut)));
      expect(c.dataRows(), `cut at ${cut}`).toBe(3);
    }
    expect(countCsvRows(Buffer.from('header only\n'))).toBe(0);
    expect(countCsvRows(Buffer.alloc(0))).toBe(0);
  });
});

describe('the daily counts, a span of nights at a time', () => {
  it('reads sizes as the configuration and DuckDB write them', () => {
    expect(sizeBytes('768MB')).toBe(768e6);
    expect(sizeBytes('1.5GiB')).toBe(1.5 * 1024 ** 3);
    expect(sizeBytes('512 kib')).toBe(512 * 1024);
    expect(() => sizeBytes('lots')).toThrow(/not a size: lots/);
    expect(rowsPerPass('768MB')).toBe(6_000_000);
  });
  it('groups consecutive nights up to the row budget, a bigger night alone', () => {
    const nights = [
      { date: '2026-11-01', rows: 4 },
      { date: '2026-11-02', rows: 5 },
      { date: '2026-11-04', rows: 12 },
      { date: '2026-11-05', rows: 3 },
      { date: '2026-11-06', rows: 7 },
    ];
    expect(datePasses(nights, 10)).toEqual([
      { from: '2026-11-01', to: '2026-11-02' },
      { from: '2026-11-04', to: '2026-11-04' },
      { from: '2026-11-05', to: '2026-11-06' },
    ]);
    expect(datePasses(nights, 100)).toEqual([{ from: '2026-11-01', to: '2026-11-06' }]);
    expect(datePasses([], 10)).toEqual([]);
  });
  it('stretches the spans over the whole range, a night without a user report included, none twice', () => {
    const range = { from: '2026-10-31', to: '2026-11-08' };
    expect(
      coveringSpans(
        [
          { from: '2026-11-01', to: '2026-11-02' },
          { from: '2026-11-04', to: '2026-11-04' },
          { from: '2026-11-05', to: '2026-11-06' },
        ],
        range,
      ),
    ).toEqual([
      { from: '2026-10-31', to: '2026-11-02' },
      { from: '2026-11-03', to: '2026-11-04' },
      { from: '2026-11-05', to: '2026-11-08' },
    ]);
    expect(coveringSpans([], range)).toEqual([range]);
    expect(coveringSpans([{ from: '2026-11-02', to: '2026-11-03' }], range)).toEqual([range]);
  });
  it('cuts a backfill range at the ends of weeks, on the configured weekday', () => {
    const range = { from: '2026-11-08', to: '2026-11-23' }; // a Sunday to a Monday
    expect(weekChunks(range, 1)).toEqual([
      { from: '2026-11-08', to: '2026-11-09' },
      { from: '2026-11-10', to: '2026-11-16' },
      { from: '2026-11-17', to: '2026-11-23' },
    ]);
    expect(weekChunks(range, 0)).toEqual([
      { from: '2026-11-08', to: '2026-11-08' },
      { from: '2026-11-09', to: '2026-11-15' },
      { from: '2026-11-16', to: '2026-11-22' },
      { from: '2026-11-23', to: '2026-11-23' },
    ]);
    expect(weekChunks({ from: '2026-11-11', to: '2026-11-11' }, 1)).toEqual([
      { from: '2026-11-11', to: '2026-11-11' },
    ]);
    // Across a year's end (2026-12-28 is a Monday).
    expect(weekChunks({ from: '2026-12-27', to: '2027-01-05' }, 1)).toEqual([
      { from: '2026-12-27', to: '2026-12-28' },
      { from: '2026-12-29', to: '2027-01-04' },
      { from: '2027-01-05', to: '2027-01-05' },
    ]);
  });
});
