// `adoption collect`: the night's drop fetched from Microsoft (src/collect/collect.ts), with its run report: every
// customer not collected, with the reason and what the operator must do.
import { authSettings } from '../src/collect/auth.js';
import { collect, retryPolicy, type CollectResult } from '../src/collect/collect.js';
import { redact } from '../src/collect/redact.js';
import type { JobContext, JobRequest } from '../src/context.js';
import { UserError, errorMessage } from '../src/errors.js';
import type { JobOutcome, ScheduledRequest } from '../src/schedule/scheduledJobs.js';

/**
 * collect needs no warehouse: it runs for a long while, and the warehouse stays free for other commands meanwhile.
 * `env` holds the secrets it signs in with.
 */
export type CollectContext = Pick<JobContext, 'config' | 'log'>;

/** `asOf` is the date of the drop to write (its folder name). */
export interface CollectRequest extends JobRequest {
  env: NodeJS.ProcessEnv;
  retryFailed?: boolean | undefined;
  force?: boolean | undefined;
}

export async function runCollect(ctx: CollectContext, req: CollectRequest): Promise<CollectResult> {
  const { config, log } = ctx;
  return collect({
    config,
    auth: authSettings(config, req.env, retryPolicy(config)),
    log,
    date: req.asOf,
    exportsRoot: config.exportsRoot,
    retryFailed: req.retryFailed,
    force: req.force,
  });
}

/** The command that fetches again only what a collect could not: in the run report and in the run log. */
function retryFailedCommand(date: string): string {
  return `adoption collect --date ${date} --retry-failed`;
}

export function formatCollectReport(r: CollectResult): string {
  const lines: string[] = [];
  if (r.outcome === 'already_complete')
    lines.push(
      `the drop ${r.dropDir} is already complete: nothing fetched (--retry-failed fetches the customers not collected, --force fetches everything again)`,
    );
  else if (r.outcome === 'nothing_to_retry')
    lines.push(`the drop ${r.dropDir} is complete and every customer was collected: nothing to retry`);
  else {
    const perCustomer = r.customers ? (r.calls / r.customers).toFixed(1) : '0';
    lines.push(
      `collected ${r.date} into ${r.dropDir}: ${r.customers} customers listed, ${r.fetchedUnits} parts fetched, ${r.calls} calls (${perCustomer} per customer) in ${r.seconds.toFixed(1)} s`,
    );
  }
  if (r.failures.length) {
    lines.push(`not collected (${r.failures.length}); \`${retryFailedCommand(r.date)}\` fetches only these:`);
    for (const f of r.failures)
      lines.push(`  ${f.customerName} (${f.tenantId}) [${f.unit}]: ${f.reason}\n      to do: ${f.action}`);
  }
  if (r.unassigned.length) {
    lines.push(
      `without an account manager in collect.assignments (${r.unassigned.length}); their digests go to the fallback recipient:`,
    );
    for (const c of r.unassigned) lines.push(`  ${c.name} (${c.tenantId})`);
  }
  return redact(lines.join('\n'));
}

/** The scheduled collect: never throws; a customer not collected is in the run log, the night failing alerts. */
export async function collectForSchedule(ctx: CollectContext, req: ScheduledRequest): Promise<JobOutcome> {
  const date = req.asOf;
  try {
    const r = await runCollect(ctx, req);
    const counts = {
      customers: r.customers,
      fetched: r.fetchedUnits,
      notCollected: r.failures.length,
      unassigned: r.unassigned.length,
      calls: r.calls,
      outcome: r.outcome,
    };
    if (r.failures.length === 0) return { state: 'succeeded', counts };
    const shown = r.failures.slice(0, 5).map((f) => `${f.customerName}: ${f.action}`);
    return {
      state: 'succeeded',
      counts,
      error: redact(
        `${r.failures.length} customer part(s) not collected (${shown.join('; ')}${r.failures.length > 5 ? '; …' : ''}); \`${retryFailedCommand(date)}\``,
      ),
    };
  } catch (err) {
    if (!(err instanceof UserError))
      ctx.log.error({ err: redact(String(err)) }, 'collect failed unexpectedly');
    return { state: 'failed', error: redact(errorMessage(err)), counts: {} };
  }
}
