// Workbooks: the portfolio view (all customers, or one account manager's) and a customer's insights view, for the
// week ending on a date. Queries feed the sheets (src/report/), the renderer makes the bytes, and the file is
// written to a temporary name and renamed into place.
import path from 'node:path';
import { chartFonts } from '../src/config/fonts.js';
import type { JobContext, JobRequest } from '../src/context.js';
import { writeFileAtomic, safeFileName } from '../src/deliver/files.js';
import { UserError } from '../src/errors.js';
import { trendChartPng } from '../src/render/chart.js';
import type { Locale } from '../src/render/email.js';
import { renderWorkbook, type RowInput, type SheetModel } from '../src/render/workbook.js';
import { copilotSheet } from '../src/report/copilotSheet.js';
import {
  customerRow,
  customersSheet,
  dataQualityRow,
  dataQualitySheet,
  definitionsSheet,
  inactiveUsersSheet,
  trendSheet,
  workloadRow,
  workloadsSheet,
} from '../src/report/portfolioSheets.js';
import { continuationWords, localiseSheets } from '../src/report/sheetWords.js';
import { spendSheet } from '../src/report/spendSheet.js';
import { reportTitle, summarySheet, type ReportScope } from '../src/report/summarySheet.js';
import { weekEndDow } from '../src/warehouse/metrics.js';
import type { Params, Row } from '../src/warehouse/warehouse.js';

/** A report's own options; its `asOf` is the week-ending date it covers (see resolveWeek). */
export interface ReportOptions {
  owner?: string;
  customer?: string;
  /** the language of the workbook: its reader's (config recipients), default config.defaults.locale */
  locale?: Locale;
  /** the directory the workbook is written to */
  outDir: string;
  /** the rows a sheet may hold: Excel's limit, unless a test or a benchmark lowers it to see a list split */
  maxRowsPerSheet?: number;
  /**
   * a digest run has set the week's inactive licence holders and load issues aside by account manager
   * (prepareDigestWeek): an `owner`'s workbook reads its Inactive users and Data quality sheets from there
   */
  weekSetAside?: boolean;
}

/**
 * Sets the week's inactive licence holders and load issues aside, by account manager, for the workbooks of a digest
 * run: read once, not once per manager (at 400 managers the per-manager reads grew with the square of the portfolio).
 */
export async function prepareDigestWeek(ctx: JobContext, week: string): Promise<void> {
  await ctx.wh.runFile('reports/digest_inactive_holders', { week });
  await ctx.wh.runFile('reports/digest_week_issues', { week });
}

/** Frees what prepareDigestWeek set aside (a scheduler's connection outlives the run). */
export async function releaseDigestWeek(ctx: JobContext): Promise<void> {
  await ctx.wh.run('DROP TABLE IF EXISTS digest_inactive_holders');
  await ctx.wh.run('DROP TABLE IF EXISTS digest_week_issues');
}

export interface ReportResult {
  file: string;
  week: string;
  customers: number;
  rows: Record<string, number>;
  seconds: number;
}

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

async function* mapped(rows: AsyncIterable<Row>, map: (r: Row) => RowInput): AsyncGenerator<RowInput> {
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

/** The scope's summary weeks, checked to hold the report's week, and the customer's name for a customer's book. */
async function reportScope(
  ctx: JobContext,
  req: ReportOptions & { asOf: string },
  params: Params,
): Promise<{ scope: ReportScope; summary: Row[]; thisWeek: Row }> {
  const summary = await ctx.wh.allFile('reports/summary', params);
  const thisWeek = summary.find((r) => r.week_ending === req.asOf);
  if (!thisWeek) {
    const who = req.customer
      ? `customer ${req.customer}`
      : req.owner
        ? `account manager ${req.owner}`
        : 'the portfolio';
    throw new UserError(`no data for ${who} in the week ending ${req.asOf}`);
  }
  let customerName: string | undefined;
  if (req.customer) {
    const [c] = await ctx.wh.all(
      'SELECT customer_name FROM adoption_customer_weekly WHERE week_ending = $week::DATE AND customer_id = $customer',
      params,
    );
    customerName = String(c?.customer_name ?? req.customer);
  }
  const scope: ReportScope = {
    week: req.asOf,
    owner: req.owner,
    customer: req.customer,
    customerName,
    partnerName: ctx.config.partner.name,
    locale: req.locale ?? ctx.config.defaults.locale,
  };
  return { scope, summary, thisWeek };
}

/** The trend's first eight series, drawn. */
async function trendChart(trend: Row[], locale: Locale): Promise<Buffer> {
  const zh = locale === 'zh-CN';
  const chartSeries = [...new Set(trend.map((t) => String(t.series)))].slice(0, 8);
  return trendChartPng(
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
      fonts: chartFonts(),
    },
  );
}

/** Every sheet of the workbook; the long lists stay streams, read as the renderer writes them. */
async function reportSheets(
  ctx: JobContext,
  params: Params,
  head: { scope: ReportScope; summary: Row[]; thisWeek: Row },
  counts: Record<string, number>,
  weekSetAside: boolean,
): Promise<SheetModel[]> {
  const { wh, config } = ctx;
  const { locale } = head.scope;
  const attention = await wh.allFile('reports/attention', {
    ...params,
    low_usage: config.thresholds.lowUsage,
    low_deployment: config.thresholds.lowDeployment,
    limit: 25,
  });
  const trend = await wh.allFile('reports/trend', params);
  const copilot = await wh.allFile('reports/copilot', params);
  counts.copilot = copilot.length;
  const spend = {
    rows: await wh.allFile('reports/spend', params),
    totals: await wh.allFile('reports/spend_totals', params),
    actions: await wh.allFile('findings/spend_findings', {
      ...params,
      horizon_days: config.spend.renewalHorizonDays,
    }),
  };
  counts.spend = spend.rows.length;
  const stream = (key: string, query: string, map: (r: Row) => RowInput = (r) => r) =>
    counted(counts, key, mapped(wh.streamFile(query, params), map));
  return [
    summarySheet(head.scope, head.summary, head.thisWeek, attention),
    customersSheet(stream('customers', 'reports/customers', (r) => customerRow(r, locale))),
    workloadsSheet(stream('workloads', 'reports/workloads', (r) => workloadRow(r, locale))),
    trendSheet(trend, await trendChart(trend, locale), Boolean(head.scope.customer), locale),
    inactiveUsersSheet(
      stream('inactiveUsers', weekSetAside ? 'reports/digest_inactive_users' : 'reports/inactive_users'),
    ),
    copilotSheet(copilot, await wh.allFile('reports/copilot_trend', params)),
    spendSheet(spend, config.spend.renewalHorizonDays),
    dataQualitySheet(
      stream(
        'dataQuality',
        weekSetAside ? 'reports/digest_data_quality' : 'reports/data_quality_grouped',
        dataQualityRow,
      ),
    ),
    definitionsSheet(locale),
  ];
}

function fileName(scope: ReportScope): string {
  if (scope.customer)
    return `customer-${safeFileName(scope.customerName!, 50)}-${scope.customer.slice(0, 8)}-${scope.week}.xlsx`;
  if (scope.owner) return `portfolio-${scope.week}-${safeFileName(scope.owner, 60)}.xlsx`;
  return `portfolio-${scope.week}.xlsx`;
}

/** The workbook of a scope (everyone's, a manager's or a customer's) for the week ending `asOf`. */
export async function buildReport(ctx: JobContext, req: JobRequest & ReportOptions): Promise<ReportResult> {
  const started = process.hrtime.bigint();
  const params: Params = { week: req.asOf, owner: req.owner ?? null, customer: req.customer ?? null };
  const head = await reportScope(ctx, req, params);
  const { scope } = head;
  const zh = scope.locale === 'zh-CN';
  const rows: Record<string, number> = {};
  const setAside = Boolean(req.weekSetAside && req.owner !== undefined && !req.customer);
  const sheets = await reportSheets(ctx, params, head, rows, setAside);
  const bytes = await renderWorkbook({
    title: reportTitle(scope),
    subject: zh ? `截至 ${scope.week} 的一周` : `Week ending ${scope.week}`,
    created: new Date(`${scope.week}T00:00:00Z`),
    sheets: localiseSheets(sheets, scope.locale),
    pointsLabel: zh ? ' 个百分点' : ' pts',
    maxRowsPerSheet: req.maxRowsPerSheet,
    continuation: continuationWords(scope.locale),
  });
  const file = path.resolve(req.outDir, fileName(scope));
  writeFileAtomic(file, bytes);
  ctx.log.info({ file, week: scope.week, rows }, 'workbook written');
  return {
    file,
    week: scope.week,
    customers: Number(head.thisWeek.customers),
    rows,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
  };
}
