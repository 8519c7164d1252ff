// Graph's Microsoft 365 Copilot usage report (getMicrosoft365CopilotUsageUserDetail), v1 and v2, column by column.
// Headers are matched by name (case, spaces and punctuation ignored), in any order; v2's columns are documented only
// in prose, so the spellings seen or likely are all listed. Which app each date column is, for the app rows.
import type { CopilotApp } from '../config/schema.js';
import type { CsvSpec } from './csvRead.js';

const date = (key: string, ...headers: string[]) => ({ key, headers, type: 'DATE' as const });

export const COPILOT_USER_REPORT: CsvSpec = {
  columns: [
    { key: 'report_refresh_date', headers: ['Report Refresh Date'], type: 'DATE', required: true },
    { key: 'user_key', headers: ['User Principal Name'], type: 'VARCHAR', required: true },
    date('last_activity', 'Last Activity Date'),
    date('chat_last', 'Copilot Chat Last Activity Date'),
    date('teams_last', 'Microsoft Teams Copilot Last Activity Date', 'Teams Copilot Last Activity Date'),
    date('word_last', 'Word Copilot Last Activity Date'),
    date('excel_last', 'Excel Copilot Last Activity Date'),
    date('powerpoint_last', 'PowerPoint Copilot Last Activity Date'),
    date('outlook_last', 'Outlook Copilot Last Activity Date'),
    date('onenote_last', 'OneNote Copilot Last Activity Date'),
    date('loop_last', 'Loop Copilot Last Activity Date'),
    date('chat_work_last', 'Copilot Chat (work) Last Activity Date', 'Copilot Chat Work Last Activity Date'),
    date('chat_web_last', 'Copilot Chat (web) Last Activity Date', 'Copilot Chat Web Last Activity Date'),
    date(
      'm365_app_last',
      'Microsoft 365 Copilot Last Activity Date',
      'Microsoft 365 Copilot App Last Activity Date',
      'Microsoft 365 Copilot (app) Last Activity Date',
    ),
    date(
      'edge_last',
      'Edge Last Activity Date',
      'Edge Copilot Last Activity Date',
      'Microsoft Edge Last Activity Date',
    ),
    date(
      'agent_last',
      'Copilot Agent Last Activity Date',
      'Copilot Agents Last Activity Date',
      'Agent Last Activity Date',
    ),
    {
      key: 'prompts_all',
      headers: [
        'Prompts submitted for all apps',
        'Prompts Submitted For All Apps',
        'Total Prompts Submitted',
      ],
      type: 'BIGINT',
    },
    {
      key: 'active_days',
      headers: ['Active Usage Days for all apps', 'Active Usage Days', 'Active Days'],
      type: 'BIGINT',
    },
    { key: 'report_period', headers: ['Report Period'], type: 'VARCHAR' },
  ],
  // Known and not needed: display names are personal data; per-app prompt counts add nothing to "active".
  ignored: [
    'Display Name',
    'Prompts submitted for Copilot Chat (work)',
    'Prompts submitted for Copilot Chat (web)',
  ],
};

/** The app each date column stands for: the app rows of the workload tables. */
export const COPILOT_APP_COLUMNS: Record<CopilotApp, string> = {
  copilot_chat: 'chat_last',
  copilot_teams: 'teams_last',
  copilot_word: 'word_last',
  copilot_excel: 'excel_last',
  copilot_powerpoint: 'powerpoint_last',
  copilot_outlook: 'outlook_last',
  copilot_onenote: 'onenote_last',
  copilot_loop: 'loop_last',
  copilot_chat_work: 'chat_work_last',
  copilot_chat_web: 'chat_web_last',
  copilot_m365_app: 'm365_app_last',
  copilot_edge: 'edge_last',
  copilot_agent: 'agent_last',
};
