// The workbooks' Summary sheet: the title, how fresh the data is, this week's licences and rates against last
// week's, and the customers needing attention. Pure: the query rows in, the sheet's model out.
import type { Locale } from '../render/email.js';
import type { Block, Column, SheetModel } from '../render/workbook.js';
import { NOT_MEASURABLE } from '../render/words.js';
import type { Row } from '../warehouse/warehouse.js';
import { tr } from './sheetWords.js';

export const col = (
  header: string,
  key: string,
  format: Column['format'],
  extra: Partial<Column> = {},
): Column => ({
  header,
  key,
  format,
  ...extra,
});

/** Whose workbook it is, and of which week. */
export interface ReportScope {
  week: string;
  owner?: string;
  customer?: string;
  /** the customer's name, when the workbook is a customer's */
  customerName?: string;
  partnerName: string;
  locale: Locale;
}

/** The workbook's title: a customer's insights, or the portfolio of a manager or of the whole partner. */
export function reportTitle(scope: ReportScope): string {
  const zh = scope.locale === 'zh-CN';
  if (scope.customer) return `${zh ? '客户洞察：' : 'Customer insights: '}${scope.customerName}`;
  const who = scope.owner
    ? zh
      ? `${scope.owner} 的客户`
      : `${scope.owner}'s customers`
    : zh
      ? `${scope.partnerName}：所有客户`
      : `${scope.partnerName}: all customers`;
  return `${zh ? '采用情况概览：' : 'Adoption portfolio: '}${who}`;
}

/** How fresh the data of the week is: the newest customer data, and the oldest when they differ. */
function freshness(thisWeek: Row, scope: ReportScope): string {
  const newest = String(thisWeek.newest_as_of);
  const oldest = String(thisWeek.oldest_as_of);
  return scope.locale === 'zh-CN'
    ? `数据截至 ${newest}${oldest !== newest ? `（最早的客户数据：${oldest}）` : ''}；截至 ${scope.week} 的一周。`
    : `Data as of ${newest}${oldest !== newest ? ` (oldest customer data: ${oldest})` : ''}; week ending ${scope.week}.`;
}

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

/** `summary`: the scope's weeks, newest first; `thisWeek`, the report's; `attention`, the customers below a threshold. */
export function summarySheet(
  scope: ReportScope,
  summary: Row[],
  thisWeek: Row,
  attention: Row[],
): SheetModel {
  const { locale } = scope;
  return {
    name: 'Summary',
    notes: [
      reportTitle(scope),
      freshness(thisWeek, scope),
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
  };
}
