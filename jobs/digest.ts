// The weekly digest: for each account manager, their customers' findings and suggested content, rendered in their
// locale and delivered exactly once per week (the delivery ledger), with their own workbook attached.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { loadContentCatalog } from '../src/config/load.js';
import { RETIRED_WORKLOADS, workloads as WORKLOADS, type Problem } from '../src/config/schema.js';
import type { JobContext } from '../src/context.js';
import { UserError, errorMessage } from '../src/errors.js';
import {
  DeliveryError,
  describeSmtpError,
  fileMailer,
  sendWithRetry,
  smtpMailer,
  type Mailer,
  type Outgoing,
} from '../src/deliver/mailer.js';
import { matchContent, type FindingForMatch } from '../src/digest/match.js';
import { loadWeekPlan, type WeekPlan } from '../src/digest/weekPlan.js';
import { buildDigestView, type DigestData } from '../src/digest/view.js';
import { ownerCopilot } from '../src/digest/copilot.js';
import { recipientFor, undescribedLine, type Recipient } from '../src/digest/recipients.js';
import { orderByMoney, ownerSpend } from '../src/digest/spend.js';
import { trendChartPng } from '../src/render/chart.js';
import { loadTemplates, renderDigestEmail, type Locale } from '../src/render/email.js';
import { ACTIVE_WINDOW_DAYS } from '../src/warehouse/metrics.js';
import { finishRun, startRun } from '../src/warehouse/runLedger.js';
import { insertRows } from '../src/warehouse/insertRows.js';
import { checkEmailAddress } from '../src/ingest/values.js';
import { redact } from '../src/secrets.js';
import type { Row } from '../src/warehouse/warehouse.js';
import { buildReport, resolveWeek } from './report.js';

/** How far back the digest looks for its follow-ups ("suggested N weeks ago; usage since"): 12 weeks. */
const FOLLOW_UP_DAYS = 84;

export interface DigestOptions {
  weekEnding: string;
  owner?: string;
  dryRun?: boolean;
  /** write .eml files here instead of sending (a preview: the ledger is not touched) */
  outDir?: string;
  resend?: boolean;
  /** send again what an earlier run left uncertain (handed over, no reply), before digest.resendUncertainAfterHours */
  resendUncertain?: boolean;
  env?: NodeJS.ProcessEnv;
  sleep?: (ms: number) => Promise<void>;
  trigger?: 'manual' | 'schedule';
  dueAt?: string;
  /** stops between two recipients (a graceful shutdown): the rest are sent by the next run */
  signal?: AbortSignal;
  /** for tests: the run's deadline in ms instead of digest.deadlineMinutes */
  deadlineMs?: number;
}

export interface RecipientOutcome {
  recipient: string;
  customers: number;
  /** uncertain: handed over to the server without a final reply (maybe delivered); never resent in the same run */
  state: 'sent' | 'written' | 'skipped' | 'failed' | 'uncertain' | 'dry_run';
  attempts?: number;
  location?: string;
  error?: string;
  subject?: string;
  /** why a recipient was skipped, in words ("already sent on 2026-11-24 09:00; use --resend") */
  reason?: string;
}

export interface DigestResult {
  week: string;
  channel: 'smtp' | 'outbox' | 'preview' | 'dry_run';
  outcomes: RecipientOutcome[];
  seconds: number;
  /** set when a signal stopped the batch before every recipient was served */
  stopped?: string;
  /** lines for the run report (e.g. the recipients config does not describe, once for the whole run) */
  notes: string[];
}

const CHART_CID = 'trend@adoption-insights';

export function messageIdFor(week: string, recipient: string): string {
  return `<digest-${week}-${createHash('sha256').update(recipient).digest('hex').slice(0, 20)}@adoption-insights>`;
}

export async function computeFindings(ctx: JobContext, week: string): Promise<void> {
  const t = ctx.config.thresholds;
  await ctx.wh.run('DELETE FROM findings WHERE week_ending = $week::DATE', { week });
  await ctx.wh.runFile('findings/findings', {
    week,
    low_deployment: t.lowDeployment,
    low_usage: t.lowUsage,
    weak_gap: t.weakWorkloadGap,
    how_to_per_100: t.howToPer100,
    declining: t.decliningDrop,
    renewal_days: t.renewalDays,
    upsell_deployment: t.upsellDeployment,
    upsell_usage: t.upsellUsage,
    copilot_low_usage: t.copilot.lowUsage,
    copilot_low_deployment: t.copilot.lowDeployment,
    copilot_weak_gap: t.copilot.weakAppGap,
    copilot_readiness_usage: t.copilot.readinessUsage,
    copilot_min_entitlements: t.copilot.readinessMinEntitlements,
    window_days: ACTIVE_WINDOW_DAYS,
    retired_workloads: JSON.stringify(RETIRED_WORKLOADS),
    how_to_categories: JSON.stringify(
      ctx.config.tickets.categories.how_to.map((c) => c.trim().toLowerCase()),
    ),
  });
}

/** Everything one recipient's digest says, from the warehouse; records the week's suggestions on first use. */
async function composeDigest(
  ctx: JobContext,
  week: string,
  owner: string,
  reader: Recipient,
  record: boolean,
  plan: WeekPlan,
): Promise<{ data: DigestData; locale: Locale }> {
  const { wh, config } = ctx;
  const content = loadContentCatalog(config);
  const scope = { week, owner, customer: null };
  const [now, prev] = await wh.allFile('reports/summary', scope);
  const attention = await wh.allFile('reports/attention', {
    ...scope,
    low_usage: config.thresholds.lowUsage,
    low_deployment: config.thresholds.lowDeployment,
    limit: config.digest.maxCustomers,
  });
  const findings = await wh.allFile('reports/digest_findings', { week, owner });
  // The reader's language (DESIGN.md §2), not their customers'.
  const locale = reader.locale;

  const cooldownDays = config.digest.cooldownWeeks * 7;
  const history = await wh.allFile('reports/digest_suggestion_history', {
    week,
    owner,
    days: Math.max(cooldownDays, FOLLOW_UP_DAYS),
  });
  const daysAgo = (r: Row) => Number(r.days_ago);
  const newPicks: Row[] = [];
  const itemsById = new Map(content.items.map((i) => [i.id, i]));
  const attentionData: DigestData['attention'] = [];
  for (const a of attention) {
    const customerId = String(a.customer_id);
    const mine = findings.filter((f) => f.customer_id === customerId && f.finding !== 'upsell');
    const theirs = history.filter((h) => h.customer_id === customerId);
    let suggested = theirs
      .filter((h) => daysAgo(h) === 0)
      .map((h) => ({ item_id: String(h.item_id) }))
      .sort((x, y) => (x.item_id < y.item_id ? -1 : x.item_id > y.item_id ? 1 : 0));
    if (suggested.length === 0 && mine.length > 0) {
      const recent = theirs.filter((h) => daysAgo(h) > 0 && daysAgo(h) < cooldownDays);
      const forMatch: FindingForMatch[] = mine.map((f) => ({
        finding: f.finding as Problem,
        workload: (f.workload as string | null) ?? null,
        productWorkloads: WORKLOADS.filter((w) => f[`wl_${w}`] === true),
        family: String(f.family),
        skuId: String(f.sku_id),
      }));
      const picks = matchContent(forMatch, content.items, {
        max: config.digest.maxSuggestionsPerCustomer,
        recentlySuggested: new Set(recent.map((r) => String(r.item_id))),
        weekCounts: plan.weekCounts,
        flaggedCustomers: plan.flaggedCustomers,
      });
      for (const p of picks) plan.weekCounts.set(p.item.id, (plan.weekCounts.get(p.item.id) ?? 0) + 1);
      for (const p of picks) {
        newPicks.push({
          week_ending: week,
          customer_id: customerId,
          item_id: p.item.id,
          finding: p.finding,
          sku_id: p.skuId,
          usage_pct_adjusted: (a.usage_pct_adjusted ?? a.usage_pct) as number | null,
          deployment_pct: a.deployment_pct as number | null,
        });
      }
      suggested = picks.map((p) => ({ item_id: p.item.id }));
    }
    // Newest first, then by item (the query's order).
    const earlier = theirs.filter((h) => daysAgo(h) > 0 && daysAgo(h) <= FOLLOW_UP_DAYS);
    const usageNow = (a.usage_pct_adjusted ?? a.usage_pct) as number | null;
    attentionData.push({
      name: String(a.customer_name),
      unused: Number(a.unused),
      usage: usageNow,
      usageChange: a.usage_pct_adjusted_change as number | null,
      deployment: a.deployment_pct as number | null,
      findings: mine.map((f) => ({
        finding: String(f.finding),
        product: String(f.product),
        workload: f.workload as string | null,
        value: f.value as number | null,
        detail: JSON.parse(String(f.detail ?? '{}')) as Record<string, unknown>,
      })),
      suggestions: suggested
        .map((s) => itemsById.get(String(s.item_id)))
        .filter((i) => i !== undefined)
        .map((i) => ({ title: i.title[locale], url: i.url[locale], kind: i.kind })),
      followUps: earlier
        .filter((e) => itemsById.has(String(e.item_id)))
        .slice(0, 3)
        .map((e) => ({
          title: itemsById.get(String(e.item_id))!.title[locale],
          weeksAgo: Number(e.weeks_ago),
          change:
            usageNow !== null && e.usage_pct_adjusted !== null
              ? usageNow - Number(e.usage_pct_adjusted)
              : null,
        })),
    });
  }
  if (record && newPicks.length) {
    await insertRows(
      wh,
      'suggestions',
      [
        ['week_ending', 'date'],
        ['customer_id', 'varchar'],
        ['item_id', 'varchar'],
        ['finding', 'varchar'],
        ['sku_id', 'varchar'],
        ['usage_pct_adjusted', 'double'],
        ['deployment_pct', 'double'],
      ],
      newPicks,
    );
  }
  const upsell = findings
    .filter((f) => f.finding === 'upsell')
    .map((f) => ({
      name: `${String(f.customer_name)} (${String(f.product)})`,
      usage: (f.usage_pct_adjusted ?? f.usage_pct) as number | null,
      deployment: f.deployment_pct as number | null,
    }));
  const over100 = findings
    .filter((f) => f.finding === 'usage_over_100')
    .map((f) => {
      const d = JSON.parse(String(f.detail ?? '{}')) as Record<string, number | string | null>;
      return {
        name: String(f.customer_name),
        product: String(f.product),
        counts: {
          deleted: Number(d.active_deleted ?? 0),
          overCapacity: Number(d.active_over_capacity ?? 0),
          cause: (d.cause as string | null) ?? null,
          yammerOnly: Number(d.active_yammer_only ?? 0),
        },
      };
    });
  const spend = await ownerSpend(ctx, week, owner);
  // Customers ready for Copilot (high Microsoft 365 usage, no Copilot): named in the Copilot section.
  const copilot = await ownerCopilot(
    ctx,
    week,
    owner,
    findings
      .filter((f) => f.finding === 'copilot_readiness')
      .map((f) => ({ name: String(f.customer_name), usage: f.value as number | null })),
  );
  const kpiOf = (r: typeof now | undefined) =>
    r
      ? Object.fromEntries(
          [
            'customers',
            'licenses_sold',
            'licenses_assigned',
            'active_entitlements',
            'unused',
            'deployment_pct',
            'usage_pct',
            'usage_pct_adjusted',
          ].map((k) => [k, (r[k] as number | null) ?? null]),
        )
      : null;
  return {
    locale,
    data: {
      week,
      recipient: reader.email,
      recipientName: reader.name,
      timeZone: reader.timeZone,
      partnerName: config.partner.name,
      asOf: String(now?.newest_as_of ?? week),
      oldestAsOf: String(now?.oldest_as_of ?? week),
      kpis: { now: kpiOf(now)!, prev: prev ? kpiOf(prev) : null },
      // Where prices are known, the customers with most money at stake come first.
      attention: orderByMoney(
        attentionData,
        attention.map((a) => String(a.customer_id)),
        spend,
      ),
      spend,
      copilot,
      upsell,
      over100,
      chartCid: CHART_CID,
      workbookAttached: config.digest.attachWorkbook,
    },
  };
}

export async function sendDigests(ctx: JobContext, opts: DigestOptions): Promise<DigestResult> {
  const started = process.hrtime.bigint();
  const { wh, config, log } = ctx;
  const env = opts.env ?? process.env;
  const templates = loadTemplates();
  const preview = Boolean(opts.outDir);
  const channel: DigestResult['channel'] = opts.dryRun
    ? 'dry_run'
    : preview
      ? 'preview'
      : config.smtp.host
        ? 'smtp'
        : 'outbox';
  const runId = opts.dryRun
    ? null
    : await startRun(wh, {
        job: 'digest',
        trigger: opts.trigger ?? 'manual',
        dueAt: opts.dueAt,
        params: { week: opts.weekEnding, owner: opts.owner ?? null, channel },
      });
  let week: string;
  try {
    week = await resolveWeek(ctx, opts.weekEnding);
  } catch (err) {
    if (runId) await finishRun(wh, runId, { state: 'failed', error: (err as Error).message });
    throw err;
  }
  if (runId && week !== opts.weekEnding)
    await wh.run(
      `UPDATE runs SET params = json_object('week', $week, 'owner', $owner, 'channel', $channel) WHERE run_id = $id`,
      {
        id: runId,
        week,
        owner: opts.owner ?? null,
        channel,
      },
    );
  let stopped: string | undefined;
  // The run's deadline and the caller's signal (SIGTERM, the scheduler stopping) both stop it between messages.
  const deadline = new AbortController();
  const deadlineMs = opts.deadlineMs ?? config.digest.deadlineMinutes * 60_000;
  const deadlineTimer = setTimeout(() => deadline.abort(), deadlineMs);
  deadlineTimer.unref();
  const signal = opts.signal ? AbortSignal.any([opts.signal, deadline.signal]) : deadline.signal;
  const stopReason = () =>
    deadline.signal.aborted
      ? `the run's deadline (digest.deadlineMinutes, ${Math.round(deadlineMs / 1000)} s) passed`
      : 'stopped by a signal';
  if (!opts.dryRun && !preview) {
    // 'sending' left by a run that was killed mid-send: the server may have accepted it. Uncertain, not unsent.
    await wh.run(
      `UPDATE deliveries SET state = 'uncertain', error = 'the run sending it stopped before the server replied (killed?); it may have been delivered', updated_at = now()::TIMESTAMP
       WHERE week_ending = $week::DATE AND state = 'sending' AND channel = 'smtp'`,
      { week },
    );
  }
  const mailer: Mailer | null = opts.dryRun
    ? null
    : preview
      ? fileMailer(opts.outDir!)
      : config.smtp.host
        ? smtpMailer(config.smtp, env)
        : fileMailer(path.join(config.digest.outbox, week));
  // A dry run computes everything in a transaction that is rolled back: it changes nothing.
  if (opts.dryRun) await wh.run('BEGIN TRANSACTION');
  const outcomes: RecipientOutcome[] = [];
  const readers: Recipient[] = [];
  const notes: string[] = [];
  try {
    await computeFindings(ctx, week);
    // One plan for the whole week: no item goes to more than a third of the flagged customers.
    const plan = await loadWeekPlan(wh, config, week);
    const owners = (
      await wh.all(
        `SELECT coalesce(owner_email, '') AS owner, count(*)::INTEGER AS customers FROM adoption_customer_weekly
         WHERE week_ending = $week::DATE AND has_data GROUP BY 1 ORDER BY 1`,
        { week },
      )
    ).filter((o) => !opts.owner || o.owner === opts.owner.toLowerCase());
    if (owners.length === 0) {
      throw new UserError(
        opts.owner
          ? `no customer of ${opts.owner} has data in the week ending ${week}: nothing to send`
          : `no customer has data in the week ending ${week}: nothing to send`,
      );
    }
    for (const [index, o] of owners.entries()) {
      if (signal.aborted) {
        stopped = `${stopReason()} after ${index} of ${owners.length} recipient(s); the next run sends the rest`;
        break;
      }
      const owner = String(o.owner);
      // Customers without an account manager go to the fallback address, never to everyone.
      const recipient = owner || config.digest.fallbackRecipient;
      const outcome: RecipientOutcome = { recipient, customers: Number(o.customers), state: 'failed' };
      outcomes.push(outcome);
      const [ledger] = await wh.all(
        `SELECT state, error, strftime(updated_at, '%Y-%m-%d %H:%M') AS at,
           (updated_at <= now()::TIMESTAMP - to_seconds($grace::DOUBLE * 3600)) AS grace_over
         FROM deliveries WHERE week_ending = $week::DATE AND recipient = $r`,
        { week, r: recipient, grace: config.digest.resendUncertainAfterHours ?? 0 },
      );
      if (!preview && !opts.dryRun && ledger?.state === 'sent' && !opts.resend) {
        outcome.state = 'skipped';
        outcome.reason = `already sent on ${String(ledger.at)}; use --resend`;
        continue;
      }
      if (
        !preview &&
        !opts.dryRun &&
        ledger?.state === 'uncertain' &&
        !opts.resend &&
        !opts.resendUncertain &&
        !(config.digest.resendUncertainAfterHours !== null && ledger.grace_over === true)
      ) {
        // Maybe delivered: sending it again could deliver it twice. The operator decides (--resend-uncertain).
        outcome.state = 'uncertain';
        outcome.error = `not resent: an earlier attempt may have been delivered (${String(ledger.error ?? 'no reply')}); check with the recipient, then use --resend-uncertain`;
        continue;
      }
      const message = await prepareMessage(recipient, owner).catch(async (err: unknown) => {
        // One recipient whose digest cannot be made (a workbook that cannot be written: disk full, read-only
        // folder) fails alone; the rest of the batch goes on.
        outcome.state = 'failed';
        outcome.error = redact(errorMessage(err));
        log.error({ recipient, week, error: outcome.error }, 'digest not made');
        if (!preview && !opts.dryRun) {
          await wh.run(
            `INSERT INTO deliveries VALUES ($week::DATE, $r, 'failed', $channel, 0, $mid, NULL, $e, now()::TIMESTAMP)
             ON CONFLICT (week_ending, recipient) DO UPDATE SET state = 'failed', error = $e, updated_at = now()::TIMESTAMP`,
            {
              week,
              r: recipient,
              channel: mailer?.channel ?? 'smtp',
              mid: messageIdFor(week, recipient),
              e: outcome.error,
            },
          );
        }
        return null;
      });
      if (message === null) continue;
      outcome.subject = message.subject;
      if (opts.dryRun || !mailer) {
        outcome.state = 'dry_run';
        continue;
      }
      if (signal.aborted) {
        // Stopped while this one was being made: not started, so not recorded; the next run sends it.
        outcomes.pop();
        stopped = `${stopReason()} after ${index} of ${owners.length} recipient(s); the next run sends the rest`;
        break;
      }
      if (!preview) {
        // 'sending' before the attempt: a crash before the server's reply leaves 'sending', which the next run
        // records as uncertain (it may have been accepted) rather than sending it again.
        await wh.run(
          `INSERT INTO deliveries VALUES ($week::DATE, $r, 'sending', $channel, 1, $mid, NULL, NULL, now()::TIMESTAMP)
           ON CONFLICT (week_ending, recipient) DO UPDATE SET state = 'sending', channel = $channel, attempts = deliveries.attempts + 1, updated_at = now()::TIMESTAMP`,
          { week, r: recipient, channel: mailer.channel, mid: message.messageId },
        );
      }
      try {
        const sent = await sendWithRetry(mailer, message, {
          retries: config.smtp.retries,
          delayMs: config.smtp.retryDelayMs,
          sleep: opts.sleep,
          signal,
          graceMs: config.smtp.stopGraceSeconds * 1000,
          onRetry: (attempt, err) =>
            log.warn(
              { recipient, attempt, error: describeSmtpError(err) },
              'temporary delivery failure; retrying',
            ),
        });
        outcome.state = preview ? 'written' : 'sent';
        outcome.attempts = sent.attempts;
        outcome.location = sent.location;
        if (!preview) {
          await wh.run(
            `UPDATE deliveries SET state = 'sent', location = $loc, error = NULL, updated_at = now()::TIMESTAMP WHERE week_ending = $week::DATE AND recipient = $r`,
            { week, r: recipient, loc: sent.location ?? null },
          );
        }
      } catch (err) {
        const kind = err instanceof DeliveryError ? err.kind : 'permanent';
        outcome.state = kind === 'uncertain' ? 'uncertain' : 'failed';
        outcome.error = redact(errorMessage(err));
        log.error({ recipient, week, kind, error: outcome.error }, 'digest not delivered');
        if (!preview) {
          await wh.run(
            `UPDATE deliveries SET state = $state, error = $e, updated_at = now()::TIMESTAMP WHERE week_ending = $week::DATE AND recipient = $r`,
            { week, r: recipient, e: outcome.error, state: outcome.state },
          );
        }
      }
    }
    async function prepareMessage(recipient: string, owner: string): Promise<Outgoing> {
      // Loaded by an older version, or configured: still exactly one plain address, or nothing is sent to it.
      const check = checkEmailAddress(recipient);
      if (!check.ok)
        throw new UserError(
          `${JSON.stringify(recipient)} is not exactly one e-mail address: it ${check.reason}; correct owner_email in customers.csv`,
        );
      const reader = recipientFor(config, recipient);
      readers.push(reader);
      const { data, locale } = await composeDigest(ctx, week, owner, reader, !opts.dryRun, plan);
      const email = renderDigestEmail(templates, buildDigestView(data, locale, templates.strings[locale]));
      const trend = await wh.allFile('reports/trend', { week, owner, customer: null });
      const chart = await trendChartPng(
        trend.map((t) => ({
          week: String(t.week_ending),
          series: String(t.series),
          value: (t.usage_pct_adjusted ?? t.usage_pct) as number | null,
        })),
        { title: templates.strings[locale].chartAlt!, width: 606, height: 280, locale },
      );
      const attachments: Outgoing['attachments'] = [
        { filename: 'trend.png', content: chart, cid: CHART_CID, contentType: 'image/png' },
      ];
      if (config.digest.attachWorkbook && !opts.dryRun) {
        const wb = await buildReport(ctx, { week, owner, locale }, path.join(config.outputDir, week));
        attachments.push({ filename: path.basename(wb.file), path: wb.file });
      }
      return {
        from: config.digest.from,
        to: recipient,
        ...(reader.cc.length ? { cc: reader.cc } : {}),
        subject: email.subject,
        html: email.html,
        text: email.text,
        messageId: messageIdFor(week, recipient),
        attachments,
      };
    }
    // Once for the run, not once per recipient per week.
    const undescribed = undescribedLine(config, readers);
    if (undescribed) {
      notes.push(undescribed);
      log.warn({ recipients: readers.filter((r) => !r.described).map((r) => r.email) }, undescribed);
    }
    if (!opts.dryRun && !preview && mailer && config.digest.operatorSummaryTo) {
      const lines = [
        ...outcomes.map(
          (o) =>
            `${o.state.padEnd(8)} ${o.recipient}${o.error ? `: ${o.error}` : ''}${o.reason ? `: ${o.reason}` : ''}`,
        ),
        ...notes,
      ];
      await sendWithRetry(
        mailer,
        {
          from: config.digest.from,
          to: config.digest.operatorSummaryTo,
          subject: `adoption-insights: digests for the week ending ${week}: ${outcomes.filter((o) => o.state === 'sent').length} sent, ${outcomes.filter((o) => o.state === 'failed').length} failed${outcomes.some((o) => o.state === 'uncertain') ? `, ${outcomes.filter((o) => o.state === 'uncertain').length} uncertain` : ''}`,
          text: lines.join('\n'),
          html: `<pre>${lines.join('\n').replace(/&/g, '&amp;').replace(/</g, '&lt;')}</pre>`,
          messageId: messageIdFor(week, `summary:${config.digest.operatorSummaryTo}:${Date.now()}`),
          attachments: [],
        },
        {
          retries: config.smtp.retries,
          delayMs: config.smtp.retryDelayMs,
          sleep: opts.sleep,
          signal,
          graceMs: config.smtp.stopGraceSeconds * 1000,
        },
      ).catch((err) => log.error({ error: describeSmtpError(err) }, 'operator summary not sent'));
    }
  } catch (err) {
    if (runId)
      await finishRun(wh, runId, { state: 'failed', error: (err as Error).message }).catch(() => undefined);
    throw err;
  } finally {
    clearTimeout(deadlineTimer);
    mailer?.close();
    if (opts.dryRun) await wh.run('ROLLBACK');
  }
  const failed = outcomes.filter((o) => o.state === 'failed').length;
  const uncertain = outcomes.filter((o) => o.state === 'uncertain').length;
  if (runId) {
    await finishRun(wh, runId, {
      state: failed > 0 || uncertain > 0 || stopped ? 'failed' : 'succeeded',
      counts: Object.fromEntries(
        ['sent', 'written', 'skipped', 'failed', 'uncertain'].map((s) => [
          s,
          outcomes.filter((o) => o.state === s).length,
        ]),
      ),
      error:
        stopped ??
        ([
          failed > 0 ? `${failed} digest(s) not delivered` : '',
          uncertain > 0 ? `${uncertain} digest(s) uncertain (maybe delivered; see --resend-uncertain)` : '',
        ]
          .filter(Boolean)
          .join('; ') ||
          undefined),
    });
  }
  return {
    week,
    channel,
    outcomes,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    stopped,
    notes,
  };
}
