// The actions of report portfolio|customer, digest and mail-test (cli/commands/report.ts).
import { sendDigests } from '../../jobs/digest.js';
import { buildReport, resolveWeek } from '../../jobs/report.js';
import { resolveConfig, withContext, type CommonOptions } from '../../src/cli/runtime.js';
import { mailTest } from '../../src/deliver/mailTest.js';
import { UserError } from '../../src/errors.js';
import { normaliseGuid } from '../../src/ingest/values.js';
import { stopOnSignals } from './signals.js';

export async function portfolioCommand(
  opts: CommonOptions & { date: string; owner?: string; out?: string },
): Promise<void> {
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
}

export async function customerCommand(
  opts: CommonOptions & { customer: string; date: string; out?: string },
): Promise<void> {
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
}

export async function digestCommand(
  opts: CommonOptions & {
    weekEnding: string;
    owner?: string;
    dryRun?: boolean;
    out?: string;
    resend?: boolean;
    resendUncertain?: boolean;
  },
): Promise<void> {
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
}

export async function mailTestCommand(opts: { to: string; config?: string }): Promise<void> {
  const res = await mailTest(resolveConfig(opts), opts.to);
  console.log(`sent a test message to ${res.to} through ${res.server} (${res.messageId})`);
}
