// The choices the command line offers for export and backfill, apart from the jobs themselves: `adoption --help`
// lists them without loading DuckDB.

/** Each exportable table and the column its period is chosen by. */
export const EXPORTABLE_TABLES = {
  adoption_daily: 'snapshot_date',
  adoption_workload_daily: 'snapshot_date',
  adoption_customer_daily: 'snapshot_date',
  adoption_portfolio_daily: 'snapshot_date',
  adoption_weekly: 'week_ending',
  adoption_workload_weekly: 'week_ending',
  adoption_customer_weekly: 'week_ending',
  adoption_portfolio_weekly: 'week_ending',
  licence_spend_daily: 'snapshot_date',
  licence_spend_customer_daily: 'snapshot_date',
  licence_spend_owner_daily: 'snapshot_date',
  licence_spend_portfolio_daily: 'snapshot_date',
} as const;

export type ExportTable = keyof typeof EXPORTABLE_TABLES;
export const EXPORT_FORMATS = ['csv', 'parquet', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const REPROCESS = ['missing', 'changed', 'all'] as const;
export type Reprocess = (typeof REPROCESS)[number];
