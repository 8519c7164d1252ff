// Graph's report downloads as Microsoft writes them: the Microsoft 365 active user report with its 24-column
// header and the Copilot usage report in its v1 or v2 layout, each with a byte-order mark and CRLF line ends.
import type { CopilotApp } from '../config/schema.js';
import { csvLines } from '../csvText.js';
import type { CopilotReport, GraphUser } from './dropSpec.js';

const GRAPH_USER_HEADER = [
  'Report Refresh Date',
  'User Principal Name',
  'Display Name',
  'Is Deleted',
  'Deleted Date',
  'Has Exchange License',
  'Has OneDrive License',
  'Has SharePoint License',
  'Has Skype For Business License',
  'Has Yammer License',
  'Has Teams License',
  'Exchange Last Activity Date',
  'OneDrive Last Activity Date',
  'SharePoint Last Activity Date',
  'Skype For Business Last Activity Date',
  'Yammer Last Activity Date',
  'Teams Last Activity Date',
  'Exchange License Assign Date',
  'OneDrive License Assign Date',
  'SharePoint License Assign Date',
  'Skype For Business License Assign Date',
  'Yammer License Assign Date',
  'Teams License Assign Date',
  'Assigned Products',
];

export const COPILOT_V1_APPS: [CopilotApp, string][] = [
  ['copilot_chat', 'Copilot Chat Last Activity Date'],
  ['copilot_teams', 'Microsoft Teams Copilot Last Activity Date'],
  ['copilot_word', 'Word Copilot Last Activity Date'],
  ['copilot_excel', 'Excel Copilot Last Activity Date'],
  ['copilot_powerpoint', 'PowerPoint Copilot Last Activity Date'],
  ['copilot_outlook', 'Outlook Copilot Last Activity Date'],
  ['copilot_onenote', 'OneNote Copilot Last Activity Date'],
  ['copilot_loop', 'Loop Copilot Last Activity Date'],
];
export const COPILOT_V2_APPS: [CopilotApp, string][] = [
  ['copilot_chat_work', 'Copilot Chat (work) Last Activity Date'],
  ['copilot_chat_web', 'Copilot Chat (web) Last Activity Date'],
  ['copilot_m365_app', 'Microsoft 365 Copilot Last Activity Date'],
  ['copilot_edge', 'Edge Last Activity Date'],
  ['copilot_agent', 'Copilot Agent Last Activity Date'],
];

/**
 * getMicrosoft365CopilotUsageUserDetail as downloaded: v1 as in the v1.0 examples (Report Period last); v2 with
 * its added columns and Report Period second, as the older beta page has it (the order has changed over time).
 */
export function copilotUsageCsv(report: CopilotReport): string {
  const apps = report.layout === 'v2' ? [...COPILOT_V1_APPS, ...COPILOT_V2_APPS] : COPILOT_V1_APPS;
  const period = report.layout === 'v2' ? '28' : '30';
  const header =
    report.layout === 'v2'
      ? [
          'Report Refresh Date',
          'Report Period',
          'User Principal Name',
          'Display Name',
          'Last Activity Date',
          ...apps.map(([, h]) => h),
          'Prompts submitted for all apps',
          'Prompts submitted for Copilot Chat (work)',
          'Prompts submitted for Copilot Chat (web)',
          'Active Usage Days for all apps',
        ]
      : [
          'Report Refresh Date',
          'User Principal Name',
          'Display Name',
          'Last Activity Date',
          ...apps.map(([, h]) => h),
          'Report Period',
        ];
  const rows = report.users.map((u) => {
    const dates = apps.map(([a]) => u.apps?.[a] ?? '');
    const name = /^[0-9A-F]{32}$/.test(u.upn) ? u.upn : u.upn.split('@')[0]!;
    return report.layout === 'v2'
      ? [
          report.refreshDate,
          period,
          u.upn,
          name,
          u.last ?? '',
          ...dates,
          u.prompts ?? 0,
          0,
          0,
          u.last ? 3 : 0,
        ]
      : [report.refreshDate, u.upn, name, u.last ?? '', ...dates, period];
  });
  return csvLines(header, rows);
}

/** Graph prints booleans capitalised. */
const trueFalse = (b: boolean) => (b ? 'True' : 'False');

export function graphUserCsv(refreshDate: string, users: GraphUser[]): string {
  const rows = users.map((u) => {
    // The report's per-workload licence flags: the demo's users hold every workload of a licence or none.
    const licensed = trueFalse(u.products.length > 0);
    return [
      refreshDate,
      u.upn,
      u.displayName ?? u.upn,
      trueFalse(u.isDeleted ?? false),
      u.deletedDate ?? '',
      licensed,
      licensed,
      licensed,
      licensed,
      licensed,
      licensed,
      u.exchange ?? '',
      u.onedrive ?? '',
      u.sharepoint ?? '',
      u.skype ?? '',
      u.yammer ?? '',
      u.teams ?? '',
      u.assignDate ?? '',
      u.assignDate ?? '',
      u.assignDate ?? '',
      u.assignDate ?? '',
      u.assignDate ?? '',
      u.assignDate ?? '',
      u.products.join('+'),
    ];
  });
  // Graph's download starts with a UTF-8 byte-order mark and uses CRLF line ends.
  return `\uFEFF${csvLines(GRAPH_USER_HEADER, rows)}`;
}
