// The CSV exports this job reads, column by column. Headers are matched by name (case, spaces and punctuation
// ignored); the first name listed is the one error messages use.
import type { CsvSpec } from './csvRead.js';

const d = (key: string, header: string) => ({ key, headers: [header], type: 'DATE' as const });

/** Graph getOffice365ActiveUserDetail (formats.md §3.1). */
export const GRAPH_USER_REPORT: CsvSpec = {
  columns: [
    { key: 'report_refresh_date', headers: ['Report Refresh Date'], type: 'DATE', required: true },
    { key: 'user_key', headers: ['User Principal Name'], type: 'VARCHAR', required: true },
    { key: 'is_deleted', headers: ['Is Deleted'], type: 'BOOLEAN', required: true },
    d('deleted_date', 'Deleted Date'),
    d('exchange_last', 'Exchange Last Activity Date'),
    d('onedrive_last', 'OneDrive Last Activity Date'),
    d('sharepoint_last', 'SharePoint Last Activity Date'),
    d('skype_last', 'Skype For Business Last Activity Date'),
    d('yammer_last', 'Yammer Last Activity Date'),
    d('teams_last', 'Teams Last Activity Date'),
    { key: 'assigned_products', headers: ['Assigned Products'], type: 'VARCHAR', required: true },
  ],
  // Known and not needed: display names are personal data, licence flags and assign dates add nothing here.
  ignored: [
    'Display Name',
    ...['Exchange', 'OneDrive', 'SharePoint', 'Skype For Business', 'Yammer', 'Teams'].flatMap((w) => [
      `Has ${w} License`,
      `${w} License Assign Date`,
    ]),
  ],
};

export const ACTIVITY_KEYS = [
  'exchange_last',
  'onedrive_last',
  'sharepoint_last',
  'skype_last',
  'yammer_last',
  'teams_last',
];

/** The partner's customers.csv (DESIGN.md §2). */
export const CUSTOMERS: CsvSpec = {
  columns: [
    {
      key: 'customer_id',
      headers: ['customer_id', 'tenant_id', 'customerTenantId'],
      type: 'UUID',
      required: true,
    },
    { key: 'customer_name', headers: ['customer_name', 'name'], type: 'VARCHAR', required: true },
    {
      key: 'owner_email',
      headers: ['owner_email', 'account_manager_email'],
      type: 'VARCHAR',
      required: true,
    },
    { key: 'locale', headers: ['locale'], type: 'VARCHAR' },
    { key: 'segment', headers: ['segment'], type: 'VARCHAR' },
  ],
};

/** The help desk's tickets.csv (DESIGN.md §2). */
export const TICKETS: CsvSpec = {
  columns: [
    { key: 'ticket_id', headers: ['ticket_id'], type: 'VARCHAR', required: true },
    { key: 'customer_id', headers: ['customer_id', 'tenant_id'], type: 'UUID', required: true },
    // Read as text and parsed by parseOpenedAt: DuckDB's own cast turns a value it cannot read into NULL in silence.
    { key: 'opened_at', headers: ['opened_at'], type: 'VARCHAR', required: true },
    { key: 'category', headers: ['category'], type: 'VARCHAR', required: true },
    { key: 'product', headers: ['product'], type: 'VARCHAR' },
  ],
};
