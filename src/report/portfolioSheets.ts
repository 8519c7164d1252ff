// The workbooks' list sheets: customers × products, workloads, the trend, inactive users, data quality, and the
// definitions. Pure: the query rows (or their stream) in, the sheets' models out; the rows are read only when the
// renderer writes them.
import type { Locale } from '../render/email.js';
import type { RowInput, SheetModel } from '../render/workbook.js';
import {
  DEFINITIONS,
  DEFINITIONS_ZH,
  NOT_MEASURABLE,
  USAGE_BASIS_WORDS,
  overCapacityCauses,
  workloadName,
} from '../render/words.js';
import type { Row } from '../warehouse/warehouse.js';
import { tr } from './sheetWords.js';
import { col } from './summarySheet.js';

type Rows = Iterable<RowInput> | AsyncIterable<RowInput>;

const SOURCE_LINK =
  'https://learn.microsoft.com/partner-center/customers/increasing-adoption-and-satisfaction';

/** A customer × product row as the Customers sheet shows it: what cannot be measured says so, never 0. */
export function customerRow(r: Row, locale: Locale): RowInput {
  const unmeasured = r.usage_basis === 'not_measurable';
  const unmeasurable = tr(locale, NOT_MEASURABLE);
  return {
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

export function workloadRow(r: Row, locale: Locale): RowInput {
  return {
    ...r,
    workload: workloadName(String(r.workload), locale),
    weakest_text: r.weakest ? tr(locale, 'weakest') : '',
  };
}

export function dataQualityRow(r: Row): RowInput {
  // an issue about a customer not (or no longer) in the warehouse: its tenant id is all there is
  return { ...r, customer_name: r.customer_name ?? (r.customer_id ? String(r.customer_id) : '') };
}

export function customersSheet(rows: Rows): SheetModel {
  return {
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
        rows,
      },
    ],
  };
}

export function workloadsSheet(rows: Rows): SheetModel {
  return {
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
        rows,
      },
    ],
  };
}

/** The last 12 weeks per series (account manager, or the customer), with their chart beside them. */
export function trendSheet(trend: Row[], png: Buffer, perCustomer: boolean, locale: Locale): SheetModel {
  return {
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
          col(perCustomer ? 'Customer' : 'Account manager', 'series', 'text', { width: 32 }),
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
  };
}

/** The list that grows with the users: past a sheet's rows it goes on on further sheets (workbook.ts). */
export function inactiveUsersSheet(rows: Rows): SheetModel {
  return {
    name: 'Inactive users',
    freeze: true,
    freezeColumns: 1,
    notes: [
      'Licence holders with no activity in the 28 days up to the data\'s as-of date: candidates to reclaim, or to train. A list longer than a sheet holds (1,048,576 rows) goes on on the next sheets: "Inactive users (2)", "Inactive users (3)", …',
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
        rows,
      },
    ],
  };
}

export function dataQualitySheet(rows: Rows): SheetModel {
  return {
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
        rows,
      },
    ],
  };
}

export function definitionsSheet(locale: Locale): SheetModel {
  const zh = locale === 'zh-CN';
  return {
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
        rows: (zh ? DEFINITIONS_ZH : DEFINITIONS).map((definition, i) => ({
          ...definition,
          link: i === 0 ? { text: tr(locale, 'Partner Center documentation'), url: SOURCE_LINK } : null,
        })),
      },
    ],
  };
}
