// ingest, export, backfill, compact and status: loading drops into the warehouse, and what it holds.
import { Option, type Command } from 'commander';
import { EXPORTABLE_TABLES, EXPORT_FORMATS, REPROCESS } from '../../jobs/choices.js';
import { dateOption } from '../../src/cli/options.js';
import { common, lazy } from '../common.js';

const actions = () => import('../actions/data.js');

export function registerDataCommands(program: Command): void {
  common(
    program
      .command('ingest')
      .description(
        "Load the drop <exports>/<date>/ into the warehouse and compute that date's metrics. Loading a date again replaces it.",
      )
      .requiredOption('--date <YYYY-MM-DD>', 'the drop to load (its folder name)', dateOption)
      .option('--strict', 'exit with code 3 when anything was set aside'),
    { exports: true },
  ).action(lazy(actions, 'ingestCommand'));
  registerExport(program);
  registerBackfill(program);
  common(
    program
      .command('compact')
      .description(
        "Merge the row groups the warehouse's commits leave as they write (each night's rows in row groups of their " +
          'own) and reuse the space of deleted rows. The scheduler does this after the weekly digests; run it weekly ' +
          'yourself when another scheduler runs the jobs, and after a large backfill.',
      ),
  ).action(lazy(actions, 'compactCommand'));
  common(
    program
      .command('status')
      .description('Show the dates loaded, gaps, how fresh each source is, and the latest runs.'),
  ).action(lazy(() => import('../actions/status.js'), 'statusCommand'));
}

function registerExport(program: Command): void {
  common(
    program
      .command('export')
      .description(
        'Write one day of a daily metric table, or one week of a weekly one, to a file: the customer and product ' +
          'names beside their ids. The format follows the file name (.csv, .parquet, .json) unless --format is given. ' +
          'With --lake DIR instead: every metric table as Parquet partitioned by date (Hive layout), rewriting only ' +
          'the partitions that changed since the last time.',
      )
      .option(
        '--date <YYYY-MM-DD>',
        'the snapshot date (daily tables), or a date in the week (weekly tables: the week holding it)',
        dateOption,
      )
      .addOption(
        new Option('--table <name>', 'table to export')
          .choices(Object.keys(EXPORTABLE_TABLES))
          .default('adoption_daily'),
      )
      .addOption(
        new Option('--format <format>', 'file format (default: from the --out file name)').choices([
          ...EXPORT_FORMATS,
        ]),
      )
      .option('--out <file>', 'file to write (replaced atomically)')
      .option(
        '--lake <dir>',
        'write every metric table to DIR as <table>/snapshot_date=YYYY-MM-DD/data.parquet (weekly tables by week_ending), incrementally',
      )
      .option(
        '--raw',
        'CSV/JSON for machines: text exactly as stored (by default text starting with = + - @ is quoted so that a spreadsheet shows it as text)',
      ),
  ).action(lazy(actions, 'exportCommand'));
}

function registerBackfill(program: Command): void {
  common(
    program
      .command('backfill')
      .description(
        'Reload the drops of a date range and recompute the daily and weekly metrics of the whole range in one ' +
          'pass. Use it after late or corrected exports. Never sends e-mail.',
      )
      .requiredOption('--from <YYYY-MM-DD>', 'first date of the range', dateOption)
      .requiredOption('--to <YYYY-MM-DD>', 'last date of the range (included)', dateOption)
      .addOption(
        new Option(
          '--reprocess <which>',
          'missing: dates never loaded; changed: also dates whose files changed since (sha256); all: every date',
        )
          .choices([...REPROCESS])
          .default('missing'),
      )
      .option('--dry-run', 'print what would be done, change nothing'),
    { exports: true },
  ).action(lazy(actions, 'backfillCommand'));
}
