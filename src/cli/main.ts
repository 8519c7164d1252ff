#!/usr/bin/env node
// The `adoption` command line. Reads the clock (for "today") so that jobs never have to.
import { Command, Option } from 'commander';
import {
  EXPORTABLE_TABLES,
  EXPORT_FORMATS,
  exportTable,
  type ExportFormat,
  type ExportTable,
} from '../../jobs/export.js';
import { REPROCESS, backfill, type Reprocess } from '../../jobs/backfill.js';
import { exportLake } from '../../jobs/lake.js';
import { ingest } from '../../jobs/ingest.js';
import { sendDigests } from '../../jobs/digest.js';
import { buildReport, resolveWeek } from '../../jobs/report.js';
import { formatStatus, status } from '../../jobs/status.js';
import { SCHEDULED_JOBS, runJob, type ScheduledJob } from '../../jobs/run.js';
import { startScheduler } from '../../jobs/schedule.js';
import { loadCatalog } from '../config/load.js';
import { createLogger } from '../log.js';
import { normaliseGuid } from '../ingest/jsonSources.js';
import { progressReporter } from './progress.js';
import { runDemo } from '../../jobs/demo.js';
import { registerCollectCommands } from './collectCommands.js';
import { dateInZone } from '../dates.js';
import { UserError, errorMessage } from '../errors.js';
import { redact, registerSecretsFromEnv } from '../secrets.js';
import { environmentProblem } from '../warehouse/warehouse.js';
import { formatIngestReport } from '../ingest/report.js';
import { dateOption } from './options.js';
import { resolveConfig, withContext, type CommonOptions } from './runtime.js';
import { mailTest } from '../deliver/mailTest.js';

function common(cmd: Command, { exports = false } = {}): Command {
  cmd
    .option('--config <file>', 'configuration file, merged over the built-in defaults (config/default.json)')
    .option('--db <file>', 'the DuckDB warehouse file (default: warehouse.path in the configuration)');
  if (exports)
    cmd.option(
      '--exports <dir>',
      'folder holding one drop folder per date (default: exportsRoot in the configuration)',
    );
  return cmd.addOption(
    new Option('--log-level <level>', 'log level')
      .choices(['debug', 'info', 'warn', 'error', 'silent'])
      .default('warn'),
  );
}

/**
 * SIGTERM/SIGINT stop a long command at its next safe point (a digest between two messages) instead of killing it,
 * so that systemd's TimeoutStopSec never has to; a second signal exits at once.
 */
function stopOnSignals(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(`adoption: ${sig}: stopping after the message in progress\n`);
    controller.abort(sig);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    },
  };
}

export function buildProgram(): Command {
  const program = new Command('adoption')
    .description(
      'Adoption insights for Microsoft cloud partners: loads nightly exports into DuckDB, computes Deployment % and Usage % per customer and product, and reports on them.',
    )
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (str, write) => write(str) });

  common(
    program
      .command('ingest')
      .description(
        "Load the drop <exports>/<date>/ into the warehouse and compute that date's metrics. Loading a date again replaces it.",
      )
      .requiredOption('--date <YYYY-MM-DD>', 'the drop to load (its folder name)', dateOption)
      .option('--strict', 'exit with code 3 when anything was set aside'),
    { exports: true },
  ).action(async (opts: CommonOptions & { date: string; strict?: boolean }) => {
    const config = resolveConfig(opts);
    const today = dateInZone(new Date(), config.defaults.timeZone);
    if (opts.date > today)
      throw new UserError(
        `--date ${opts.date} is in the future (today is ${today} in ${config.defaults.timeZone})`,
      );
    const summary = await withContext(opts, (ctx) => ingest(ctx, { date: opts.date }), undefined, {
      create: true,
    });
    console.log(formatIngestReport(summary));
    if (opts.strict && summary.outcome !== 'loaded') process.exitCode = 3;
  });

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
  ).action(
    async (
      opts: CommonOptions & {
        date?: string;
        table: ExportTable;
        format?: ExportFormat;
        out?: string;
        raw?: boolean;
        lake?: string;
      },
    ) => {
      if (opts.lake) {
        const lake = await withContext(opts, (ctx) => exportLake(ctx, { dir: opts.lake! }));
        console.log(
          `lake ${lake.dir}: ${lake.written} partition(s) written, ${lake.removed} removed, ${lake.unchanged} unchanged`,
        );
        return;
      }
      if (!opts.date || !opts.out)
        throw new UserError('export needs --date and --out (or --lake DIR for the whole history as Parquet)');
      const { date, out } = opts;
      const res = await withContext(opts, (ctx) => exportTable(ctx, { ...opts, date, out }));
      const what = EXPORTABLE_TABLES[opts.table] === 'week_ending' ? `the week ending ${res.period}` : date;
      console.log(`wrote ${res.rows} rows of ${opts.table} for ${what} to ${res.file} (${res.format})`);
    },
  );

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
  ).action(
    async (opts: CommonOptions & { from: string; to: string; reprocess: Reprocess; dryRun?: boolean }) => {
      const config = resolveConfig(opts);
      const today = dateInZone(new Date(), config.defaults.timeZone);
      if (opts.from > opts.to) throw new UserError(`--from ${opts.from} is after --to ${opts.to}`);
      if (opts.to > today)
        throw new UserError(
          `--to ${opts.to} is in the future (today is ${today} in ${config.defaults.timeZone})`,
        );
      const progress = progressReporter('backfill');
      const result = await withContext(
        opts,
        (ctx) => backfill(ctx, { ...opts, onProgress: progress.update }),
        undefined,
        { create: true },
      ).finally(() => progress.stop());
      const counts = (a: string) => result.plan.filter((p) => p.action === a).length;
      if (opts.dryRun) {
        console.log(
          `dry run: nothing changed. For ${opts.from} … ${opts.to} (--reprocess ${opts.reprocess}):`,
        );
        for (const p of result.plan) console.log(`  ${p.date}  ${p.action.padEnd(7)} ${p.reason}`);
      }
      console.log(
        `${opts.dryRun ? 'would load' : 'loaded'} ${counts('load')} new and ${opts.dryRun ? 'reload' : 'reloaded'} ${counts('reload')} changed drop(s); kept ${counts('keep')}; ${counts('no_drop')} date(s) have no drop`,
      );
      if (!opts.dryRun) {
        console.log(
          `rows loaded ${result.rowsLoaded}, set aside ${result.rowsRejected}, errors ${result.errors}`,
        );
        console.log(
          result.recomputed
            ? `metrics recomputed for ${result.recomputed.from} … ${result.recomputed.to} in ${result.seconds.toFixed(1)} s`
            : 'no loaded date in the range: nothing to recompute',
        );
      }
    },
  );

  common(
    program
      .command('status')
      .description('Show the dates loaded, gaps, how fresh each source is, and the latest runs.'),
  ).action(async (opts: CommonOptions) => {
    console.log(formatStatus(await withContext(opts, (ctx) => status(ctx, { nowMs: Date.now() }))));
  });

  common(
    program
      .command('schedule')
      .description(
        'Run in the foreground as the scheduler: the nightly ingest and the weekly digest on their cron schedules ' +
          '(schedule.* in the configuration), in schedule.timeZone. One per warehouse. The warehouse is open only ' +
          'while a job runs, so other commands work meanwhile. Stops cleanly on SIGINT/SIGTERM (a second one exits at once).',
      ),
    { exports: true },
  ).action(async (opts: CommonOptions, cmd: Command) => {
    const config = resolveConfig(opts);
    // A worker logs its next runs at info: that is its default, where one-off commands default to warn.
    const log = createLogger({
      level: cmd.getOptionValueSource('logLevel') === 'default' ? 'info' : opts.logLevel,
    });
    const handle = await startScheduler({ config, catalog: loadCatalog(config), log, env: process.env });
    await new Promise<void>((resolve) => {
      let stopping = false;
      const onSignal = (sig: NodeJS.Signals) => {
        if (stopping) {
          log.warn({ signal: sig }, 'second signal: exiting now');
          process.exit(130);
        }
        stopping = true;
        const running = handle.worker.running();
        log.info(
          { signal: sig, running: running?.job ?? null },
          running ? 'stopping: letting the running job reach a safe point' : 'stopping',
        );
        handle
          .stop()
          .then(() => {
            log.info('scheduler stopped');
            resolve();
          })
          .catch((err: unknown) => {
            log.error({ err }, 'error while stopping');
            process.exitCode = 1;
            resolve();
          });
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    });
  });

  common(
    program
      .command('run')
      .description(
        'Run a scheduled job now, as the scheduler would (job lock, run log, failure alert): to make up a missed ' +
          'or failed run. ingest loads the drop of --date (default: as the schedule would, the day before today); ' +
          'digest sends the week holding --date.',
      )
      .argument('<job>', `the job: ${SCHEDULED_JOBS.join(' or ')}`)
      .option(
        '--date <YYYY-MM-DD>',
        'the as-of date (default: derived from now, as the schedule does)',
        dateOption,
      )
      .option(
        '--no-wait',
        'ingest: do not wait for the drop or its manifest; fail at once if it is not ready',
      ),
    { exports: true },
  ).action(async (job: string, opts: CommonOptions & { date?: string; wait: boolean }) => {
    if (!(SCHEDULED_JOBS as readonly string[]).includes(job))
      throw new UserError(`unknown job "${job}": use ${SCHEDULED_JOBS.join(' or ')}`);
    const config = resolveConfig(opts);
    if (!opts.wait) config.schedule.ingest.waitForDropMinutes = 0;
    const log = createLogger({ level: opts.logLevel });
    const stop = stopOnSignals();
    const report = await runJob(
      { config, catalog: loadCatalog(config), log, env: process.env },
      {
        job: job as ScheduledJob,
        dueMs: Date.now(),
        trigger: 'manual',
        date: opts.date,
        signal: stop.signal,
      },
    ).finally(() => stop.dispose());
    console.log(
      `${report.job} as of ${report.asOf}: ${report.state}${report.error ? `: ${report.error}` : ''}${report.alert ? ` (alert: ${report.alert})` : ''}`,
    );
    if (report.state !== 'succeeded') process.exitCode = report.state === 'skipped' ? 4 : 2;
  });

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
  ).action(async (opts: CommonOptions & { date: string; owner?: string; out?: string }) => {
    const res = await withContext(opts, async (ctx) => {
      const week = await resolveWeek(ctx, opts.date);
      return buildReport(ctx, {
        asOf: week,
        owner: opts.owner?.toLowerCase(),
        trigger: 'manual',
        outDir: opts.out ?? ctx.config.outputDir,
      });
    });
    console.log(
      `wrote ${res.file} (${res.customers} customers, week ending ${res.week}, ${res.seconds.toFixed(1)} s)`,
    );
  });
  common(
    report
      .command('customer')
      .description("One customer's insights workbook.")
      .requiredOption('--customer <tenant-id>', "the customer's tenant GUID")
      .requiredOption('--date <YYYY-MM-DD>', 'a date in the week to report', dateOption)
      .option('--out <dir>', 'folder for the workbook (default: outputDir in the configuration)'),
  ).action(async (opts: CommonOptions & { customer: string; date: string; out?: string }) => {
    const customer = normaliseGuid(opts.customer);
    if (!customer) throw new UserError(`--customer "${opts.customer}" is not a tenant GUID`);
    const res = await withContext(opts, async (ctx) => {
      const week = await resolveWeek(ctx, opts.date);
      return buildReport(ctx, {
        asOf: week,
        customer,
        trigger: 'manual',
        outDir: opts.out ?? ctx.config.outputDir,
      });
    });
    console.log(`wrote ${res.file} (week ending ${res.week}, ${res.seconds.toFixed(1)} s)`);
  });

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
  ).action(
    async (
      opts: CommonOptions & {
        weekEnding: string;
        owner?: string;
        dryRun?: boolean;
        out?: string;
        resend?: boolean;
        resendUncertain?: boolean;
      },
    ) => {
      const stop = stopOnSignals();
      const res = await withContext(opts, (ctx) =>
        sendDigests(ctx, {
          asOf: opts.weekEnding,
          trigger: 'manual',
          owner: opts.owner,
          dryRun: opts.dryRun,
          outDir: opts.out,
          resend: opts.resend,
          resendUncertain: opts.resendUncertain,
          signal: stop.signal,
        }),
      ).finally(() => stop.dispose());
      for (const o of res.outcomes) {
        console.log(
          `${o.state.padEnd(8)} ${o.recipient} (${o.customers} ${o.customers === 1 ? 'customer' : 'customers'})${o.location ? ` → ${o.location}` : ''}${o.error ? `: ${o.error}` : ''}${o.reason ? `: ${o.reason}` : ''}`,
        );
      }
      for (const note of res.notes) console.log(note);
      const failed = res.outcomes.filter((o) => o.state === 'failed').length;
      const uncertain = res.outcomes.filter((o) => o.state === 'uncertain').length;
      console.log(
        `week ending ${res.week} via ${res.channel}: ${res.outcomes.length} recipient(s), ${failed} failed${uncertain ? `, ${uncertain} uncertain` : ''}, in ${res.seconds.toFixed(1)} s`,
      );
      if (res.stopped) console.log(res.stopped);
      if (failed > 0 || uncertain > 0 || res.stopped) process.exitCode = 2;
    },
  );

  program
    .command('mail-test')
    .description(
      'Send one test message through the configured SMTP server, and explain a failure in plain words (before the first Monday).',
    )
    .requiredOption('--to <address>', 'where to send the test message')
    .option('--config <file>', 'configuration file, merged over the built-in defaults (config/default.json)')
    .action(async (opts: { to: string; config?: string }) => {
      const res = await mailTest(resolveConfig(opts), opts.to);
      console.log(`sent a test message to ${res.to} through ${res.server} (${res.messageId})`);
    });

  registerCollectCommands(program, common);

  program
    .command('demo')
    .description(
      "Generate demo drops in Microsoft's export formats, ingest them, and print a portfolio summary.",
    )
    .option('--out <dir>', 'folder for the demo exports, warehouse and reports', 'demo-output')
    .option('--seed <n>', 'random seed for the demo data', '7')
    .addOption(
      new Option('--log-level <level>', 'log level')
        .choices(['debug', 'info', 'warn', 'error', 'silent'])
        .default('warn'),
    )
    .action(async (opts: { out: string; seed: string; logLevel: string }) => {
      await runDemo({
        outDir: opts.out,
        seed: Number(opts.seed),
        logLevel: opts.logLevel,
        print: (s) => console.log(s),
      });
    });

  return program;
}

export async function main(argv: string[]): Promise<void> {
  // Every secret in the environment is known before anything can print it (src/secrets.ts).
  registerSecretsFromEnv(process.env, ['ADOPTION_SMTP_PASSWORD']);
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof UserError) {
      process.stderr.write(`adoption: ${redact(err.message)}\n`);
      process.exitCode = err.exitCode;
      return;
    }
    // A DuckDB failure of the machine (a full disk, a read-only file system) reached here without passing the
    // warehouse's own translation (an appender, a migration): still one plain line, never a stack trace.
    const plain = environmentProblem(null, errorMessage(err));
    if (plain) {
      process.stderr.write(`adoption: ${redact(plain)}\n`);
      process.exitCode = 1;
      return;
    }
    process.stderr.write(
      redact(`adoption: internal error: ${errorMessage(err)}\n${(err as Error).stack ?? ''}\n`),
    );
    process.exitCode = 70;
  }
}

await main(process.argv);
