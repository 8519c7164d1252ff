// The workbooks' Spend sheet (DESIGN.md §1.7): per customer × product the price, what unassigned and inactive seats
// cost a month, the renewal and the seats reducible then and now; totals per currency (never added together) and
// the actions due (queries/findings/spend_findings.sql). Pure: the query rows in, the sheet's model out.
import type { Column, SheetModel } from '../render/workbook.js';
import type { Row } from '../warehouse/warehouse.js';

const col = (header: string, key: string, format: Column['format'], width: number): Column => ({
  header,
  key,
  format,
  width,
});

export const SPEND_FINDING_WORDS: Record<string, string> = {
  cut_at_renewal: 'Cut at renewal',
  cut_now: 'Cut now (7-day window)',
};

const BASIS_WORDS: Record<string, string> = {
  own_subscription: 'own subscription (its term and plan)',
  default_term: 'default term (no Partner Center subscription)',
};

/** The spend rows of a scope and week (reports/spend.sql), their totals per currency, and the actions due. */
export interface SpendData {
  rows: Row[];
  totals: Row[];
  actions: Row[];
}

/** What the sheet's figures are, and where the prices come from. */
function spendNotes(rows: Row[]): string[] {
  const notes = [
    'Licence spend: what seats paid for and unused cost each month, and when they can be cut.',
    'Amounts are per month, tax-exclusive, from the Partner Center price list (or your own sheet of the same shape), in the currency of their row: never added across currencies.',
    '"Cost" is for unassigned seats; inactive seats are assigned to someone who used nothing in 28 days: reassign them, or cut them at renewal. Seats can be cut only within 7 days of being added, otherwise at renewal.',
  ];
  if (rows.some((r) => r.demo_price === true))
    notes.push(
      'Prices of products with DEMO… ids are made-up demo values, not Microsoft price list figures.',
    );
  return notes;
}

/** `horizonDays`: how far ahead a renewal is shown as an action. */
export function spendSheet({ rows, totals, actions }: SpendData, horizonDays: number): SheetModel {
  return {
    name: 'Spend',
    freeze: false,
    notes: spendNotes(rows),
    blocks: [
      {
        title: 'Per currency',
        tableName: 'SpendTotals',
        empty: 'No seats of your own with a known price this week.',
        columns: [
          col('Currency', 'currency', 'text', 10),
          col('Customers', 'customers', 'int', 11),
          col('Unassigned seats', 'unassigned', 'int', 12),
          col('Unassigned cost / month', 'unassigned_monthly_cost', 'money', 14),
          col('Unassigned change vs last week', 'unassigned_cost_change', 'money', 14),
          col('Inactive seats', 'inactive', 'int', 12),
          col('Inactive seats / month', 'inactive_monthly_cost', 'money', 14),
          col('Inactive change vs last week', 'inactive_cost_change', 'money', 14),
          col('Reducible at renewal', 'reducible_at_renewal', 'int', 12),
          col('Reducible now', 'reducible_now', 'int', 12),
        ],
        rows: totals.map((t) => ({ ...t, currency: t.currency ?? 'no price' })),
      },
      {
        title: `Seats to cut: renewals in the next ${horizonDays} days, and seats still in their 7-day window`,
        tableName: 'SpendActions',
        empty: 'No seats to cut this week.',
        columns: [
          col('Action', 'action', 'text', 22),
          col('Customer', 'customer_name', 'text', 30),
          col('Product', 'product', 'text', 30),
          col('Seats', 'seats', 'int', 8),
          col('Renewal date', 'renewal_date', 'date', 12),
          col('Decide by', 'deadline', 'text', 22),
          col('Saving / month', 'monthly_saving', 'money', 14),
          col('Currency', 'currency', 'text', 10),
        ],
        rows: actions.map((a) => ({ ...a, action: SPEND_FINDING_WORDS[String(a.finding)] ?? a.finding })),
      },
      {
        title: 'Per customer and product',
        tableName: 'Spend',
        empty: 'No seats of your own this week.',
        columns: [
          col('Customer', 'customer_name', 'text', 30),
          col('Account manager', 'owner_email', 'text', 26),
          col('Product', 'product', 'text', 30),
          col('Priced by', 'basis', 'text', 24),
          col('Term', 'term_duration', 'text', 7),
          col('Billing plan', 'billing_plan', 'text', 10),
          col('Price / month', 'monthly_price', 'money', 12),
          col('Currency', 'currency', 'text', 9),
          col('Own seats', 'own_seats', 'int', 10),
          col('Unassigned', 'unassigned', 'int', 10),
          col('Unassigned cost / month', 'unassigned_monthly_cost', 'money', 14),
          col('Inactive', 'inactive', 'int', 9),
          col('Inactive seats / month', 'inactive_monthly_cost', 'money', 14),
          col('Next renewal', 'next_renewal_date', 'date', 12),
          col('Renewal price / month', 'renewal_monthly_price', 'money', 12),
          col('Already scheduled off', 'scheduled_reduction', 'int', 11),
          col('Reducible at renewal', 'reducible_at_renewal', 'int', 11),
          col('Reducible now', 'reducible_now', 'int', 10),
          col('Reducible now until', 'reducible_now_until', 'text', 20),
          col('Note', 'price_note', 'text', 50),
        ],
        rows: rows.map((r) => ({
          ...r,
          basis: BASIS_WORDS[String(r.price_basis)] ?? r.price_basis,
        })),
      },
    ],
  };
}
