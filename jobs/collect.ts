// `adoption collect`: the night's drop fetched from Microsoft (src/collect/collect.ts), with its run report: every
// customer not collected, with the reason and what the operator must do.
import type { Config } from '../src/config/schema.js';
import { authSettings, readToken, tokenStatus } from '../src/collect/auth.js';
import type { Mailer } from '../src/deliver/mailer.js';
import { UserError, errorMessage } from '../src/errors.js';
import { alertFailure, type AlertOutcome } from '../src/schedule/alerts.js';
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

/** The scheduled collect: never throws; a customer not collected is in the run log, the night failing alerts. */
export async function collectForSchedule(
  deps: { config: Config; log: Logger; env: NodeJS.ProcessEnv },
  date: string,
): Promise<{ state: 'succeeded' | 'failed'; error?: string; counts: Record<string, unknown> }> {
  try {
    const r = await runCollect(deps.config, deps.log, deps.env, { date });
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
        `${r.failures.length} customer part(s) not collected (${shown.join('; ')}${r.failures.length > 5 ? '; …' : ''}); \`adoption collect --date ${date} --retry-failed\``,
      ),
    };
  } catch (err) {
    if (!(err instanceof UserError))
      deps.log.error({ err: redact(String(err)) }, 'collect failed unexpectedly');
    return { state: 'failed', error: redact(errorMessage(err)), counts: {} };
  }
}

/** Alerts the operator while there is still time to sign in again before the refresh token expires unused. */
export async function alertTokenExpiry(deps: {
  config: Config;
  log: Logger;
  env: NodeJS.ProcessEnv;
  now?: () => number;
  alertMailer?: Mailer;
}): Promise<AlertOutcome | undefined> {
  const { config } = deps;
  let token;
  try {
    token = readToken(config.microsoft.tokenFile);
  } catch (err) {
    token = undefined;
    deps.log.error({ error: errorMessage(err) }, 'cannot read the Microsoft token file');
  }
  const now = (deps.now ?? Date.now)();
  const st = token ? tokenStatus(token, now) : undefined;
  if (st && st.daysLeft >= config.microsoft.tokenAlertDays) return undefined;
  const error = st
    ? `the partner's Microsoft refresh token (${st.account ?? 'unknown account'}) expires on ${st.expiresAt.slice(0, 10)}, in ${st.daysLeft} day(s), unless it is used (it was last used ${st.lastUsedAt}); collect cannot run after that. Run \`adoption auth login\` now.`
    : `no Microsoft token at ${config.microsoft.tokenFile} (microsoft.tokenFile): run \`adoption auth login\``;
  deps.log.warn({ daysLeft: st?.daysLeft }, error);
  return alertFailure(
    config,
    {
      job: 'microsoft-token',
      dueMs: now,
      asOf: new Date(now).toISOString().slice(0, 10),
      error,
      trigger: 'schedule',
      rerun: 'adoption auth login',
    },
    { env: deps.env, log: deps.log, now: deps.now, mailer: deps.alertMailer },
  );
}
