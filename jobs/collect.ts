// `adoption collect`: the night's drop fetched from Microsoft (src/collect/collect.ts), with its run report: every
// customer not collected, with the reason and what the operator must do.
import type { Config } from '../src/config/schema.js';
import { authSettings } from '../src/collect/auth.js';
import { collect, retryPolicy, type CollectResult } from '../src/collect/collect.js';
import { redact } from '../src/collect/redact.js';
import type { Logger } from '../src/log.js';

export interface CollectJobOptions {
  date: string;
  retryFailed?: boolean;
  force?: boolean;
}

export async function runCollect(
  config: Config,
  log: Logger,
  env: NodeJS.ProcessEnv,
  opts: CollectJobOptions,
): Promise<CollectResult> {
  return collect({
    config,
    auth: authSettings(config, env, retryPolicy(config)),
    log,
    date: opts.date,
    exportsRoot: config.exportsRoot,
    retryFailed: opts.retryFailed,
    force: opts.force,
  });
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
    lines.push(
      `not collected (${r.failures.length}); \`adoption collect --date ${r.date} --retry-failed\` fetches only these:`,
    );
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
