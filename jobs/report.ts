// Workbooks: the portfolio view (all customers, or one account manager's) and a customer's insights view, for the
// week ending on a date. Queries feed the renderer; the file is written to a temporary name and renamed into place.
import path from 'node:path';
import type { JobContext } from '../src/context.js';
import { writeFileAtomic, safeFileName } from '../src/deliver/files.js';
import { UserError } from '../src/errors.js';
import type { Locale } from '../src/render/email.js';
import { trendChartPng } from '../src/render/chart.js';
import {
  renderWorkbook,
  type Block,
  type Column,
  type RowInput,
  type SheetModel,
} from '../src/render/workbook.js';
import {
  DEFINITIONS,
  DEFINITIONS_ZH,
  NOT_MEASURABLE,
  USAGE_BASIS_WORDS,
  overCapacityCauses,
  workloadName,
} from '../src/render/words.js';
import { localiseSheets, tr } from '../src/report/sheetWords.js';
import { copilotSheet } from '../src/report/copilotSheet.js';
import { spendSheet } from '../src/report/spendSheet.js';
import { weekEndDow } from '../src/warehouse/metrics.js';
import type { Params, Row } from '../src/warehouse/warehouse.js';

export interface ReportScope {
  week: string;
  owner?: string;
  customer?: string;
  /** the language of the workbook: its reader's (config recipients), default config.defaults.locale */
  locale?: Locale;
}

export interface ReportResult {
  file: string;
  week: string;
  customers: number;
  rows: Record<string, number>;
  seconds: number;
}

const SOURCE_LINK =
  'https://learn.microsoft.com/partner-center/customers/increasing-adoption-and-satisfaction';

/** The week (ending on the configured weekday) that holds `date`, checked to have data. */
export async function resolveWeek(ctx: JobContext, date: string): Promise<string> {
  const [w] = await ctx.wh.all('SELECT week_ending($d::DATE, $dow) AS w', {
    d: date,
    dow: weekEndDow(ctx.config),
  });
  const week = String(w!.w);
  const [n] = await ctx.wh.all(
    'SELECT count(*)::INTEGER AS n FROM adoption_customer_weekly WHERE week_ending = $w::DATE AND has_data',
    { w: week },
  );
  if (!n || Number(n.n) === 0) {
    throw new UserError(
      `no data for the week ending ${week}${week !== date ? ` (the week holding ${date})` : ''}: ingest or backfill its drops first (see \`adoption status\`)`,
    );
  }
  return week;
}

function scopeParams(scope: ReportScope): Params {
  return { week: scope.week, owner: scope.owner ?? null, customer: scope.customer ?? null };
}

const col = (header: string, key: string, format: Column['format'], extra: Partial<Column> = {}): Column => ({
  header,
  key,
  format,
  ...extra,
});

function kpiBlocks(summary: Row[], locale: Locale): Block[] {
  const [now, prev] = [summary.find((r, i) => i === 0), summary[1]];
  const n = (r: Row | undefined, k: string) => (r && typeof r[k] === 'number' ? (r[k] as number) : null);
  const diff = (k: string) => (n(now, k) !== null && n(prev, k) !== null ? n(now, k)! - n(prev, k)! : null);
  const counts: [string, string][] = [
    ['Customers', 'customers'],
    ['Licences sold', 'licenses_sold'],
    ['Licences assigned', 'licenses_assigned'],
    ['Active entitlements', 'active_entitlements'],
    ['Unused licences (unassigned + inactive)', 'unused'],
  ];
  const rates: [string, string][] = [
    ['Deployment %', 'deployment_pct'],
    ['Usage %', 'usage_pct'],
    ['Usage % (adjusted, ≤ 100%)', 'usage_pct_adjusted'],
  ];
  return [
    {
      title: 'Licences',
      tableName: 'Licences',
      columns: [
        col('Measure', 'm', 'text', { width: 40 }),
        col('This week', 'now', 'int', { width: 14 }),
        col('Last week', 'prev', 'int', { width: 14 }),
        col('Change', 'chg', 'int', { width: 12 }),
      ],
      rows: counts.map(([m, k]) => ({ m: tr(locale, m), now: n(now, k), prev: n(prev, k), chg: diff(k) })),
    },
    {
      title: 'Rates',
      tableName: 'Rates',
      columns: [
        col('Measure', 'm', 'text'),
        col('This week', 'now', 'pct', { flag: 'usage' }),
        col('Last week', 'prev', 'pct'),
        col('Change (points)', 'chg', 'change', { flag: 'change' }),
      ],
      rows: rates.map(([m, k]) => ({ m: tr(locale, m), now: n(now, k), prev: n(prev, k), chg: diff(k) })),
    },
  ];
}

async function* customerRows(ctx: JobContext, params: Params, locale: Locale): AsyncGenerator<RowInput> {
  const unmeasurable = tr(locale, NOT_MEASURABLE);
  for await (const r of ctx.wh.streamFile('reports/customers', params)) {
    const unmeasured = r.usage_basis === 'not_measurable';
    yield {
      ...r,
      // the licences paid for and not used: unassigned, plus assigned to someone inactive (where it is measured)
      unused: Number(r.unassigned ?? 0) + (unmeasured ? 0 : Number(r.inactive ?? 0)),
      ...(unmeasured
        ? {
            active_entitlements: unmeasurable,
            usage_pct: unmeasurable,
            usage_pct_adjusted: unmeasurable,
            inactive: unmeasurable,
          }
        : {}),
      causes: overCapacityCauses(r as never),
      basis: tr(locale, USAGE_BASIS_WORDS[String(r.usage_basis)] ?? String(r.usage_basis)),
      source: tr(locale, r.source === 'graph' ? 'Graph (user level)' : 'Partner Center (aggregates)'),
    };
  }
}

async function* plain(
  rows: AsyncIterable<Row>,
  map: (r: Row) => RowInput = (r) => r,
): AsyncGenerator<RowInput> {
  for await (const r of rows) yield map(r);
}

/** Counts rows as they pass, for the run summary. */
function counted(
  counts: Record<string, number>,
  key: string,
  rows: AsyncIterable<RowInput>,
): AsyncIterable<RowInput> {
  counts[key] = 0;
  return (async function* () {
    for await (const r of rows) {
      counts[key]!++;
      yield r;
    }
  })();
}

export async function buildReport(
  ctx: JobContext,
  scope: ReportScope,
  outDir: string,
): Promise<ReportResult> {
  const started = process.hrtime.bigint();
  const { wh, config } = ctx;
  const params = scopeParams(scope);
  const locale: Locale = scope.locale ?? config.defaults.locale;
  const zh = locale === 'zh-CN';
  const summary = await wh.allFile('reports/summary', params);
  const thisWeek = summary.find((r) => r.week_ending === scope.week);
  if (!thisWeek) {
    const who = scope.customer
      ? `customer ${scope.customer}`
      : scope.owner
        ? `account manager ${scope.owner}`
        : 'the portfolio';
    throw new UserError(`no data for ${who} in the week ending ${scope.week}`);
  }
  let customerName = '';
  if (scope.customer) {
    const [c] = await wh.all(
      'SELECT customer_name FROM adoption_customer_weekly WHERE week_ending = $week::DATE AND customer_id = $customer',
      params,
    );
    customerName = String(c?.customer_name ?? scope.customer);
  }
  const attention = await wh.allFile('reports/attention', {
    ...params,
    low_usage: config.thresholds.lowUsage,
    low_deployment: config.thresholds.lowDeployment,
    limit: 25,
  });
  const trend = await wh.allFile('reports/trend', params);
  const chartSeries = [...new Set(trend.map((t) => String(t.series)))].slice(0, 8);
  const png = await trendChartPng(
    trend
      .filter((t) => chartSeries.includes(String(t.series)))
      .map((t) => ({
        week: String(t.week_ending),
        series: String(t.series),
        value: (t.usage_pct_adjusted ?? t.usage_pct) as number | null,
      })),
    {
      title: zh ? '过去 12 周的使用率（调整后）' : 'Usage % (adjusted), last 12 weeks',
      yTitle: zh ? '使用率' : 'usage',
      locale,
    },
  );

  const who = scope.customer
    ? customerName
    : scope.owner
      ? zh
        ? `${scope.owner} 的客户`
        : `${scope.owner}'s customers`
      : zh
        ? `${config.partner.name}：所有客户`
        : `${config.partner.name}: all customers`;
  const title = scope.customer
    ? `${zh ? '客户洞察：' : 'Customer insights: '}${customerName}`
    : `${zh ? '采用情况概览：' : 'Adoption portfolio: '}${who}`;
  const rows: Record<string, number> = {};
  const newest = String(thisWeek.newest_as_of);
  const oldest = String(thisWeek.oldest_as_of);
  const asOf = zh
    ? `数据截至 ${newest}${oldest !== newest ? `（最早的客户数据：${oldest}）` : ''}；截至 ${scope.week} 的一周。`
    : `Data as of ${newest}${oldest !== newest ? ` (oldest customer data: ${oldest})` : ''}; week ending ${scope.week}.`;

  const sheets: SheetModel[] = [
    {
      name: 'Summary',
      notes: [
        title,
        asOf,
        'Usage % can exceed 100%: see the Definitions sheet. Changes are against the week before, in percentage points for rates.',
      ],
      blocks: [
        ...kpiBlocks(summary, locale),
        {
          title:
            'Customers needing attention (below the usage or deployment threshold), most unused licences first',
          tableName: 'Attention',
          empty: 'No customer is below the thresholds this week.',
          columns: [
            col('Customer', 'customer_name', 'text', { width: 34 }),
            col('Account manager', 'owner_email', 'text', { width: 30 }),
            col('Unused licences', 'unused', 'int'),
            col('Deployment %', 'deployment_pct', 'pct', { flag: 'usage' }),
            col('Usage % (adjusted)', 'usage_pct_adjusted', 'pct', { flag: 'usage' }),
            col('Change (points)', 'usage_pct_adjusted_change', 'change', { flag: 'change' }),
            col('Weeks below threshold', 'low_usage_streak', 'int'),
          ],
          rows: attention.map((a) => ({
            ...a,
            usage_pct_adjusted: a.usage_pct_adjusted ?? a.usage_pct ?? tr(locale, NOT_MEASURABLE),
          })),
        },
      ],
    },
    {
      name: 'Customers',
      freeze: true,
      // The customer and the product stay in view while the figures scroll; the key figures come first, ids last.
      freezeColumns: 2,
      blocks: [
        {
          tableName: 'CustomerProducts',
          columns: [
            col('Customer', 'customer_name', 'text', { width: 40 }),
            col('Product', 'product', 'text', { width: 40 }),
            col('Sold (all partners)', 'licenses_sold', 'int'),
            col('Assigned', 'licenses_assigned', 'int'),
            col('Active', 'active_entitlements', 'int'),
            col('Deployment %', 'deployment_pct', 'pct', { flag: 'usage' }),
            col('Usage %', 'usage_pct', 'pct', { flag: 'usage' }),
            col('Usage % (adjusted)', 'usage_pct_adjusted', 'pct', { flag: 'usage' }),
            col('Unused', 'unused', 'int'),
            col('Δ deployment (points)', 'deployment_pct_change', 'change', { flag: 'change' }),
            col('Δ usage adj. (points)', 'usage_pct_adjusted_change', 'change', { flag: 'change' }),
            col('Sold by you', 'licenses_sold_own', 'int'),
            col('Entitlements', 'entitlements', 'int'),
            col('Unassigned', 'unassigned', 'int'),
            col('Inactive', 'inactive', 'int'),
            col('Weeks below threshold', 'low_usage_streak', 'int'),
            col('Why usage exceeds 100%', 'causes', 'text', { width: 60 }),
            col('Usage measured by', 'basis', 'text', { width: 60 }),
            col('Source', 'source', 'text', { width: 30 }),
            col('Data as of', 'as_of_date', 'date'),
            col('Account manager', 'owner_email', 'text', { width: 40 }),
            col('Tenant ID', 'customer_id', 'text', { width: 38 }),
          ],
          rows: counted(rows, 'customers', customerRows(ctx, params, locale)),
        },
      ],
    },
    {
      name: 'Workloads',
      freeze: true,
      freezeColumns: 2,
      blocks: [
        {
          tableName: 'Workloads',
          columns: [
            col('Customer', 'customer_name', 'text', { width: 34 }),
            col('Product', 'product', 'text', { width: 34 }),
            col('Workload', 'workload', 'text', { width: 30 }),
            col('Qualified', 'licenses_qualified', 'int'),
            col('Active', 'licenses_active', 'int'),
            col('Usage %', 'usage_pct', 'pct', { flag: 'usage' }),
            col('Δ usage (points)', 'usage_pct_change', 'change', { flag: 'change' }),
            col('Weakest workload', 'weakest_text', 'text', { width: 18 }),
          ],
          rows: counted(
            rows,
            'workloads',
            plain(wh.streamFile('reports/workloads', params), (r) => ({
              ...r,
              workload: workloadName(String(r.workload), locale),
              weakest_text: r.weakest ? tr(locale, 'weakest') : '',
            })),
          ),
        },
      ],
    },
    {
      name: 'Trend',
      freeze: true,
      picture: {
        png,
        col: 9,
        row: 1,
        widthPx: 720,
        heightPx: 320,
        description: 'Usage % (adjusted) per week, last 12 weeks',
      },
      blocks: [
        {
          tableName: 'Trend',
          columns: [
            col('Week ending', 'week_ending', 'date', { width: 12 }),
            col(scope.customer ? 'Customer' : 'Account manager', 'series', 'text', { width: 32 }),
            col('Sold', 'licenses_sold', 'int'),
            col('Assigned', 'licenses_assigned', 'int'),
            col('Deployment %', 'deployment_pct', 'pct', { flag: 'usage' }),
            col('Usage %', 'usage_pct', 'pct', { flag: 'usage' }),
            col('Usage % (adjusted)', 'usage_pct_adjusted', 'pct', { flag: 'usage' }),
            col('Data', 'data', 'text', { width: 10 }),
          ],
          rows: trend.map((t) => ({ ...t, data: t.has_data ? '' : tr(locale, 'no data') })),
        },
      ],
    },
    {
      name: 'Inactive users',
      freeze: true,
      freezeColumns: 1,
      notes: [
        "Licence holders with no activity in the 28 days up to the data's as-of date: candidates to reclaim, or to train.",
      ],
      blocks: [
        {
          tableName: 'InactiveUsers',
          empty: 'Every licence holder was active.',
          columns: [
            col('Customer', 'customer_name', 'text', { width: 34 }),
            col('User', 'user_key', 'text', { width: 40 }),
            col('Product', 'product', 'text', { width: 34 }),
            col('Last activity', 'last_activity_date', 'date', { width: 13 }),
            col('Days since', 'days_since', 'int'),
            col('Data as of', 'as_of_date', 'date', { width: 12 }),
          ],
          rows: counted(rows, 'inactiveUsers', plain(wh.streamFile('reports/inactive_users', params))),
        },
      ],
    },
    await copilotSheet(ctx, params, rows),
    await spendSheet(ctx, params, rows),
    {
      name: 'Data quality',
      freeze: true,
      notes: [
        'What the loads of the week set aside (errors), noticed (warnings), and ignored or missed (info). A repeated issue is one line, with how many times and on which nights.',
      ],
      blocks: [
        {
          tableName: 'DataQuality',
          empty: 'Nothing was set aside this week.',
          columns: [
            col('Severity', 'severity', 'text', { width: 10 }),
            col('Issue', 'code', 'text', { width: 30 }),
            col('Customer', 'customer_name', 'text', { width: 40 }),
            col('File', 'file', 'text', { width: 60 }),
            col('Column', 'column_name', 'text', { width: 30 }),
            col('Occurrences', 'occurrences', 'int'),
            col('Nights', 'nights', 'int'),
            col('Dates', 'dates', 'text', { width: 40 }),
            col('First line', 'first_line', 'int'),
            col('What happened', 'message', 'text', { width: 90 }),
            col('Tenant ID', 'customer_id', 'text', { width: 38 }),
          ],
          rows: counted(
            rows,
            'dataQuality',
            plain(wh.streamFile('reports/data_quality_grouped', params), (r) => ({
              ...r,
              // an issue about a customer not (or no longer) in the warehouse: its tenant id is all there is
              customer_name: r.customer_name ?? (r.customer_id ? String(r.customer_id) : ''),
            })),
          ),
        },
      ],
    },
    {
      name: 'Definitions',
      notes: ['How the numbers are defined (Partner Center, "Increase adoption and satisfaction").'],
      blocks: [
        {
          tableName: 'Definitions',
          columns: [
            col(zh ? '术语' : 'Term', 'term', 'text', { width: 28 }),
            col('Definition', 'definition', 'text', { width: 120 }),
            col(zh ? '来源' : 'Source', 'link', 'link', { width: 30 }),
          ],
          rows: (zh ? DEFINITIONS_ZH : DEFINITIONS).map((d, i) => ({
            ...d,
            link: i === 0 ? { text: tr(locale, 'Partner Center documentation'), url: SOURCE_LINK } : null,
          })),
        },
      ],
    },
  ];

  const bytes = await renderWorkbook({
    title,
    subject: zh ? `截至 ${scope.week} 的一周` : `Week ending ${scope.week}`,
    created: new Date(`${scope.week}T00:00:00Z`),
    sheets: localiseSheets(sheets, locale),
    pointsLabel: zh ? ' 个百分点' : ' pts',
  });
  const name = scope.customer
    ? `customer-${safeFileName(customerName, 50)}-${scope.customer.slice(0, 8)}-${scope.week}.xlsx`
    : scope.owner
      ? `portfolio-${scope.week}-${safeFileName(scope.owner, 60)}.xlsx`
      : `portfolio-${scope.week}.xlsx`;
  const file = path.resolve(outDir, name);
  writeFileAtomic(file, bytes);
  ctx.log.info({ file, week: scope.week, rows }, 'workbook written');
  return {
    file,
    week: scope.week,
    customers: Number(thisWeek.customers),
    rows,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
  };
}
