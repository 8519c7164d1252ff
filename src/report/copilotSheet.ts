// The workbooks' Copilot sheet (DESIGN.md §1.6): per customer the Microsoft 365 Copilot seats sold, assigned and
// active, usage and its change, and the usage of each Copilot app (the weakest named); and the scope's Copilot
// seats and usage over the last 12 weeks. Pure: the query rows in, the sheet's model out.
import { COPILOT_APPS, type CopilotApp } from '../config/schema.js';
import type { RowInput, SheetModel } from '../render/workbook.js';
import { NOT_MEASURABLE } from '../render/words.js';
import type { Row } from '../warehouse/warehouse.js';
import { col } from './summarySheet.js';

/** The apps' names as Microsoft's Copilot usage report titles them. */
export const COPILOT_APP_NAMES: Record<CopilotApp, string> = {
  copilot_chat: 'Copilot Chat',
  copilot_teams: 'Teams',
  copilot_word: 'Word',
  copilot_excel: 'Excel',
  copilot_powerpoint: 'PowerPoint',
  copilot_outlook: 'Outlook',
  copilot_onenote: 'OneNote',
  copilot_loop: 'Loop',
  copilot_chat_work: 'Copilot Chat (work)',
  copilot_chat_web: 'Copilot Chat (web)',
  copilot_m365_app: 'Microsoft 365 Copilot app',
  copilot_edge: 'Edge',
  copilot_agent: 'Agents',
};

/** The app with the lowest usage among those the report has, when there are at least two: '' otherwise. Pure. */
export function weakestApp(r: Row): string {
  const present = COPILOT_APPS.filter((a) => typeof r[a] === 'number');
  if (present.length < 2) return '';
  const weakest = present.reduce((w, a) => ((r[a] as number) < (r[w] as number) ? a : w));
  return COPILOT_APP_NAMES[weakest];
}

/** `rows`: the Copilot products per customer (reports/copilot.sql); `trend`, the scope's last 12 weeks. */
export function copilotSheet(rows: Row[], trend: Row[]): SheetModel {
  // Only the apps some customer's report has: v2's apps stay out of a book whose tenants all report v1.
  const apps = COPILOT_APPS.filter((a) => rows.some((r) => r[a] !== null && r[a] !== undefined));
  const unmeasured = (r: Row) => r.usage_basis === 'not_measurable';
  return {
    name: 'Copilot',
    freeze: false,
    notes: [
      'Microsoft 365 Copilot: are the seats used? Active = used Copilot in any app in the 28 days up to the Copilot report’s own date (its data lags up to 72 hours).',
      'A Copilot seat whose tenant sent no Copilot usage report is "not measurable", never 0%. Per-app figures are the share of holders active in that app.',
    ],
    blocks: [
      {
        title: 'Per customer',
        tableName: 'Copilot',
        empty: 'No customer in scope holds Microsoft 365 Copilot this week.',
        columns: [
          col('Customer', 'customer_name', 'text', { width: 30 }),
          col('Product', 'product', 'text', { width: 30 }),
          col('Seats sold', 'licenses_sold', 'int'),
          col('Assigned', 'licenses_assigned', 'int'),
          col('Active', 'active_entitlements', 'int'),
          col('Usage %', 'usage_pct', 'pct', { flag: 'usage' }),
          col('Δ usage (points)', 'usage_pct_change', 'change', { flag: 'change' }),
          col('Unassigned', 'unassigned', 'int'),
          col('Inactive', 'inactive', 'int'),
          col('Weakest app', 'weakest', 'text', { width: 22 }),
          ...apps.map((a) => col(COPILOT_APP_NAMES[a], a, 'pct', { flag: 'usage' as const })),
          col('Account manager', 'owner_email', 'text', { width: 28 }),
          col('Data as of', 'as_of_date', 'date', { width: 12 }),
        ],
        rows: rows.map((r): RowInput => ({
          ...r,
          ...(unmeasured(r)
            ? { active_entitlements: NOT_MEASURABLE, usage_pct: NOT_MEASURABLE, inactive: NOT_MEASURABLE }
            : {}),
          weakest: weakestApp(r),
        })),
      },
      {
        title: 'Copilot seats and usage, last 12 weeks',
        tableName: 'CopilotTrend',
        empty: 'No Copilot seats in the last 12 weeks.',
        columns: [
          col('Week ending', 'week_ending', 'date', { width: 12 }),
          col('Customers', 'customers', 'int'),
          col('Seats sold', 'licenses_sold', 'int'),
          col('Assigned', 'licenses_assigned', 'int'),
          col('Active', 'active_entitlements', 'int'),
          col('Deployment %', 'deployment_pct', 'pct', { flag: 'usage' }),
          col('Usage %', 'usage_pct', 'pct', { flag: 'usage' }),
        ],
        rows: trend,
      },
    ],
  };
}
