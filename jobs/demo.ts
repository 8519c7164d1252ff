// `adoption demo`: writes the bundled demo portfolio as nightly drops in Microsoft's formats, ingests every one of
// them through the same job the scheduler runs, and prints a portfolio summary.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { loadCatalog, loadConfig } from '../src/config/load.js';
import type { JobContext } from '../src/context.js';
import {
  DEMO_DEFAULTS,
  DEMO_PARTNER_TENANT,
  demoAccountManagers,
  generateDemoDrops,
  type DemoOptions,
} from '../src/demo/generate.js';
import { csvLines, ticketsCsv, writeDrop, type DropSpec } from '../src/demo/writeDrop.js';
import { writeFileSync } from 'node:fs';
import type { Config } from '../src/config/schema.js';
import { importToken } from '../src/collect/auth.js';
import { collect, retryPolicy, writeCollectManifest } from '../src/collect/collect.js';
import { authSettings } from '../src/collect/auth.js';
import { portfolioFromSpec } from '../src/fake-microsoft/portfolio.js';
import { FakeMicrosoft } from '../src/fake-microsoft/server.js';
import { pct, textTable } from '../src/format.js';
import { createLogger } from '../src/log.js';
import { Warehouse } from '../src/warehouse/warehouse.js';
import { backfill } from './backfill.js';
import { sendDigests } from './digest.js';
import { buildReport, resolveWeek } from './report.js';

export interface DemoRun {
  outDir: string;
  seed?: number;
  /** smaller or larger portfolios than the bundled one (tests use a small one) */
  size?: Partial<Pick<DemoOptions, 'customers' | 'owners' | 'drops' | 'usersPerCustomer'>>;
  logLevel?: string;
  print?: (line: string) => void;
}

export async function portfolioSummary(ctx: JobContext, date: string): Promise<string> {
  const owners = await ctx.wh.all(
    `SELECT owner_email, customers, licenses_sold, licenses_assigned, deployment_pct, usage_pct, usage_pct_adjusted, unassigned, inactive
     FROM adoption_portfolio_daily WHERE snapshot_date = $date::DATE ORDER BY owner_email`,
    { date },
  );
  const low = await ctx.wh.all(
    `SELECT customer_name, owner_email, licenses_sold, deployment_pct, usage_pct, usage_pct_adjusted, unassigned + coalesce(inactive, 0) AS unused
     FROM adoption_customer_daily WHERE snapshot_date = $date::DATE ORDER BY unused DESC, customer_name LIMIT 5`,
    { date },
  );
  return [
    `Portfolio on ${date}, by account manager:`,
    textTable(
      [
        'account manager',
        'customers',
        'sold',
        'assigned',
        'deployment',
        'usage',
        'usage (adj.)',
        'unassigned',
        'inactive',
      ],
      owners.map((r) => [
        String(r.owner_email || '(no owner)'),
        Number(r.customers),
        Number(r.licenses_sold),
        Number(r.licenses_assigned),
        pct(r.deployment_pct),
        pct(r.usage_pct),
        pct(r.usage_pct_adjusted),
        Number(r.unassigned),
        Number(r.inactive ?? 0),
      ]),
    ),
    '',
    'Most unused licences (unassigned + inactive):',
    textTable(
      ['customer', 'account manager', 'sold', 'deployment', 'usage', 'unused'],
      low.map((r) => [
        String(r.customer_name),
        String(r.owner_email ?? ''),
        Number(r.licenses_sold),
        pct(r.deployment_pct),
        pct(r.usage_pct),
        Number(r.unused),
      ]),
    ),
  ].join('\n');
}

/** The demo's drops, oldest first: every night but the last written directly; the last returned to be collected. */
function writeHistory(
  exportsRoot: string,
  opts: DemoRun,
): { dates: string[]; last: { date: string; spec: DropSpec } } {
  const dates: string[] = [];
  let last: { date: string; spec: DropSpec } | undefined;
  for (const drop of generateDemoDrops({ seed: opts.seed ?? 7, ...opts.size })) {
    // History is written directly (Graph cannot re-serve old days); the last night is collected.
    if (last) writeDrop(path.join(exportsRoot, last.date), last.spec);
    last = drop;
    dates.push(drop.date);
  }
  return { dates, last: last! };
}

/** The configuration the demo runs with: its own folders, the demo partner, and its account managers. */
function demoConfiguration(outDir: string, owners: number): Config {
  const config = loadConfig();
  config.exportsRoot = path.join(outDir, 'exports');
  config.warehouse.path = path.join(outDir, 'warehouse.duckdb');
  config.partner.tenantId = DEMO_PARTNER_TENANT;
  config.digest.outbox = path.join(outDir, 'outbox');
  config.outputDir = path.join(outDir, 'reports');
  // The account managers as a partner describes them in config (DESIGN.md §2): each reads in their own language.
  for (const m of demoAccountManagers(owners))
    config.recipients[m.email] = { name: m.name, locale: m.locale, timeZone: m.timeZone };
  return config;
}

/**
 * A configuration file for the demo's data, so that every command of the README runs on it as written with
 * `--config demo-output/config.json` (its own warehouse, exports, outputs and account managers; no SMTP).
 */
function writeDemoConfigFile(outDir: string, config: Config): string {
  const file = path.join(outDir, 'config.json');
  const written = {
    $comment: 'Written by `adoption demo`: the demo data. Add --config <this file> to any command.',
    exportsRoot: config.exportsRoot,
    warehouse: { path: config.warehouse.path },
    outputDir: path.join(outDir, 'reports'),
    partner: { tenantId: DEMO_PARTNER_TENANT },
    digest: { outbox: path.join(outDir, 'outbox') },
    recipients: config.recipients,
  };
  writeFileSync(file, `${JSON.stringify(written, null, 2)}\n`);
  return file;
}

/** The history loaded, the portfolio summarised, the two workbooks built and the digests written. */
async function loadAndReport(
  ctx: JobContext,
  dates: string[],
  outDir: string,
  print: (line: string) => void,
): Promise<string[]> {
  // History goes in the way an operator would load it: one backfill, then one set-based pass of the metrics.
  const result = await backfill(ctx, { from: dates[0]!, asOf: dates.at(-1)!, trigger: 'backfill' });
  print(
    `loaded ${result.loaded.length} drops into ${ctx.config.warehouse.path} in ${result.seconds.toFixed(1)} s (${result.rowsLoaded} rows, ${result.errors} errors)`,
  );
  print('');
  print(await portfolioSummary(ctx, dates.at(-1)!));
  const week = await resolveWeek(ctx, dates.at(-1)!);
  const reports = path.join(outDir, 'reports');
  const portfolio = await buildReport(ctx, { asOf: week, trigger: 'manual', outDir: reports });
  const [first] = await ctx.wh.all(
    `SELECT customer_id FROM adoption_customer_weekly WHERE week_ending = $w::DATE AND has_data ORDER BY unused DESC, customer_name LIMIT 1`,
    { w: week },
  );
  const customer = await buildReport(ctx, {
    asOf: week,
    customer: String(first!.customer_id),
    trigger: 'manual',
    outDir: reports,
  });
  print('');
  print(`portfolio workbook: ${portfolio.file}`);
  print(`customer workbook:  ${customer.file}`);
  const digests = await sendDigests(ctx, { asOf: week, trigger: 'manual' });
  print(
    `digests: ${digests.outcomes.length} e-mails written to ${path.join(outDir, 'outbox', week)} (no SMTP server configured)`,
  );
  return [portfolio.file, customer.file];
}

export async function runDemo(
  opts: DemoRun,
): Promise<{ dates: string[]; warehouse: string; workbooks: string[] }> {
  const print = opts.print ?? (() => undefined);
  const outDir = path.resolve(opts.outDir);
  rmSync(outDir, { recursive: true, force: true });
  const exportsRoot = path.join(outDir, 'exports');
  const warehouse = path.join(outDir, 'warehouse.duckdb');
  const { dates, last } = writeHistory(exportsRoot, opts);
  print(`wrote ${dates.length - 1} nightly drops (${dates[0]} … ${dates.at(-2)}) to ${exportsRoot}`);
  const config = demoConfiguration(outDir, opts.size?.owners ?? DEMO_DEFAULTS.owners);
  await collectLastNight(config, last, outDir, opts.logLevel ?? 'warn', print);
  const demoConfig = writeDemoConfigFile(outDir, config);
  const ctx: JobContext = {
    config,
    catalog: loadCatalog(config),
    log: createLogger({ level: opts.logLevel ?? 'warn' }),
    wh: await Warehouse.open(warehouse, {
      threads: config.warehouse.threads,
      memoryLimit: config.warehouse.memoryLimit,
    }),
  };
  let workbooks: string[];
  try {
    workbooks = await loadAndReport(ctx, dates, outDir, print);
  } finally {
    ctx.wh.close();
  }
  print(
    `to try the README's commands on the demo's data, add: --config ${path.relative(process.cwd(), demoConfig) || demoConfig}`,
  );
  return { dates, warehouse, workbooks };
}

/**
 * The last night comes the way a partner gets it: `collect` fetches it from a local fake of Microsoft (token
 * exchange per tenant, Graph with its 302 download, Partner Center with paging) serving the same portfolio.
 * The help-desk export (tickets.csv) is the partner's own: it is dropped beside what was collected.
 */
async function collectLastNight(
  config: Config,
  night: { date: string; spec: DropSpec },
  outDir: string,
  logLevel: string,
  print: (line: string) => void,
): Promise<void> {
  const { tickets, ...fromMicrosoft } = night.spec;
  const fake = new FakeMicrosoft({
    portfolio: portfolioFromSpec(fromMicrosoft),
    partnerTenantId: config.partner.tenantId!,
  });
  await fake.start();
  try {
    const assignments = path.join(outDir, 'assignments.csv');
    writeFileSync(
      assignments,
      csvLines(
        ['customer_id', 'owner_email', 'locale', 'segment'],
        (night.spec.customers ?? []).map((c) => [
          c.customer_id,
          c.owner_email,
          c.locale ?? '',
          c.segment ?? '',
        ]),
        '\n',
      ),
    );
    config.microsoft.endpoints = fake.endpoints();
    config.microsoft.clientId = fake.clientId;
    config.microsoft.tokenFile = path.join(outDir, 'microsoft-token.json');
    config.collect.assignments = assignments;
    config.collect.downloadHosts = ['127.0.0.1'];
    // The operator's first sign-in, as `adoption auth login` would store it.
    importToken(config.microsoft.tokenFile, fake.issueRefreshToken());
    const result = await collect({
      config,
      auth: authSettings(config, {}, retryPolicy(config)),
      // Customers not collected are printed below; the log would say it twice.
      log: createLogger({ level: logLevel === 'warn' ? 'error' : logLevel }),
      date: night.date,
      exportsRoot: config.exportsRoot,
    });
    const drop = path.join(config.exportsRoot, night.date);
    if (tickets) {
      writeFileSync(path.join(drop, 'tickets.csv'), ticketsCsv(tickets));
      writeCollectManifest(drop);
    }
    print(
      `collected ${night.date} from a local fake of Microsoft (${fake.origin}): ${result.customers} customers, ${result.calls} calls, ${fake.downloads.length} report downloads (none carried a token: ${fake.downloads.every((d) => !d.carriedToken)})`,
    );
    for (const f of result.failures)
      print(`  not collected: ${f.customerName} [${f.unit}]: ${f.reason}; to do: ${f.action}`);
  } finally {
    await fake.stop();
  }
}
