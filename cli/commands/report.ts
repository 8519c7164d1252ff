// report portfolio|customer, digest and mail-test: the workbooks and the weekly e-mail.
import type { Command } from 'commander';
import { dateOption } from '../../src/cli/options.js';
import { common, lazy } from '../common.js';

const actions = () => import('../actions/report.js');

export function registerReportCommands(program: Command): void {
  const report = program
    .command('report')
    .description('Write Excel workbooks for the week ending on a date.');
  common(
    report
      .command('portfolio')
      .description("The portfolio workbook: every customer, or one account manager's (--owner).")
      .requiredOption(
        '--date <YYYY-MM-DD>',
        'a date in the week to report (weeks end on weekly.weekEndsOn)',
        dateOption,
      )
      .option('--owner <email>', "only this account manager's customers")
      .option('--out <dir>', 'folder for the workbook (default: outputDir in the configuration)'),
  ).action(lazy(actions, 'portfolioCommand'));
  common(
    report
      .command('customer')
      .description("One customer's insights workbook.")
      .requiredOption('--customer <tenant-id>', "the customer's tenant GUID")
      .requiredOption('--date <YYYY-MM-DD>', 'a date in the week to report', dateOption)
      .option('--out <dir>', 'folder for the workbook (default: outputDir in the configuration)'),
  ).action(lazy(actions, 'customerCommand'));
  registerDigest(program);
  program
    .command('mail-test')
    .description(
      'Send one test message through the configured SMTP server, and explain a failure in plain words (before the first Monday).',
    )
    .requiredOption('--to <address>', 'where to send the test message')
    .option('--config <file>', 'configuration file, merged over the built-in defaults (config/default.json)')
    .action(lazy(actions, 'mailTestCommand'));
}

function registerDigest(program: Command): void {
  common(
    program
      .command('digest')
      .description(
        'E-mail each account manager the weekly digest of their own customers, with their workbook attached. ' +
          'Sent once per week and recipient (a delivery ledger); without SMTP settings, written to the outbox folder.',
      )
      .requiredOption('--week-ending <YYYY-MM-DD>', 'the week to report (a date in it)', dateOption)
      .option(
        '--owner <email>',
        'only this account manager (customers without one: the fallback address, as "")',
      )
      .option('--dry-run', 'render every digest, send and record nothing')
      .option(
        '--out <dir>',
        'write the messages as .eml files into this folder instead of sending (a preview: not recorded)',
      )
      .option('--resend', 'send again to recipients already sent this week')
      .option(
        '--resend-uncertain',
        'send again what an earlier run left uncertain (handed to the server, no reply: maybe delivered)',
      ),
  ).action(lazy(actions, 'digestCommand'));
}
