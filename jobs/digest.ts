// The weekly digest: for each account manager, their customers' findings and suggested content, rendered in their
// locale and delivered exactly once per week (the delivery ledger), with their own workbook attached.
// Read (src/digest/read.ts) → plan, pure (src/digest/plan.ts) → deliver (src/deliver/batch.ts).
import path from 'node:path';
import type { JobContext, JobRequest } from '../src/context.js';
import { deliverAll, runStop, type RecipientOutcome } from '../src/deliver/batch.js';
import { markInterruptedUncertain } from '../src/deliver/ledger.js';
import { fileMailer, smtpMailer, type Mailer, type Outgoing } from '../src/deliver/mailer.js';
import { digestMessage, messageIdFor } from '../src/digest/message.js';
import { planDigest } from '../src/digest/plan.js';
import {
  computeFindings,
  digestAddressees,
  readDigestRows,
  recordSuggestions,
  type DigestAddressee,
} from '../src/digest/read.js';
import { checkedRecipient, type Recipient } from '../src/digest/recipients.js';
import { closeDigestBatch, runVerdict } from '../src/digest/summary.js';
import { loadWeekPlan, type WeekPlan } from '../src/digest/weekPlan.js';
import { UserError } from '../src/errors.js';
import { loadTemplates, type DigestTemplates } from '../src/render/email.js';
import { finishRun, startRun, updateRunParams } from '../src/warehouse/runLedger.js';
import { buildReport, prepareDigestWeek, releaseDigestWeek, resolveWeek } from './report.js';

export interface DigestOptions {
  owner?: string;
  dryRun?: boolean;
  /** write .eml files here instead of sending (a preview: the ledger is not touched) */
  outDir?: string;
  resend?: boolean;
  /** send again what an earlier run left uncertain (handed over, no reply), before digest.resendUncertainAfterHours */
  resendUncertain?: boolean;
  env?: NodeJS.ProcessEnv;
  sleep?: (ms: number) => Promise<void>;
  /** stops between two recipients (a graceful shutdown): the rest are sent by the next run */
  signal?: AbortSignal;
  /** for tests: the run's deadline in ms instead of digest.deadlineMinutes */
  deadlineMs?: number;
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

function mailerFor(ctx: JobContext, req: DigestOptions, week: string): Mailer | null {
  if (req.dryRun) return null;
  if (req.outDir) return fileMailer(req.outDir);
  const { config } = ctx;
  return config.smtp.host
    ? smtpMailer(config.smtp, req.env ?? process.env)
    : fileMailer(path.join(config.digest.outbox, week));
}

/** The week the run covers, recorded in the run ledger (a failure to resolve it is recorded too). */
async function startDigestRun(ctx: JobContext, req: JobRequest & DigestOptions, channel: string) {
  const params = { week: req.asOf, owner: req.owner ?? null, channel };
  const runId = req.dryRun
    ? null
    : await startRun(ctx.wh, { job: 'digest', trigger: req.trigger, dueAt: req.dueAt, params });
  const week = await resolveWeek(ctx, req.asOf).catch(async (err: Error) => {
    if (runId) await finishRun(ctx.wh, runId, { state: 'failed', error: err.message });
    throw err;
  });
  if (runId && week !== req.asOf) await updateRunParams(ctx.wh, runId, { ...params, week });
  return { runId, week };
}

/** One recipient's digest: read, plan (the week's counts carried on), record the suggestions, render. */
function digestMaker(
  ctx: JobContext,
  req: JobRequest & DigestOptions,
  week: string,
  weekPlan: WeekPlan,
  templates: DigestTemplates,
) {
  const { config } = ctx;
  const readers: Recipient[] = [];
  let counts = weekPlan;
  let setAside: Promise<void> | undefined;
  const make = async ({ owner, recipient }: DigestAddressee): Promise<Outgoing> => {
    const reader = checkedRecipient(config, recipient);
    readers.push(reader);
    const rows = await readDigestRows(ctx, week, owner);
    const plan = planDigest({
      week,
      reader,
      rows,
      weekPlan: counts,
      rules: config.digest,
      partnerName: config.partner.name,
      items: ctx.catalog.content.items,
    });
    counts = plan.weekPlan;
    if (!req.dryRun) await recordSuggestions(ctx, plan.suggestions);
    const outDir = path.join(config.outputDir, week);
    const attach = config.digest.attachWorkbook && !req.dryRun;
    const workbook = async () => {
      // Once per run: each manager's workbook then reads its own inactive users and load issues, not the whole
      // portfolio's.
      // A failure is this recipient's; the next one tries again.
      setAside ??= prepareDigestWeek(ctx, week).catch((err: unknown) => {
        setAside = undefined;
        throw err;
      });
      await setAside;
      const report = await buildReport(ctx, {
        asOf: week,
        owner,
        locale: reader.locale,
        trigger: req.trigger,
        outDir,
        weekSetAside: true,
      });
      return report.file;
    };
    return digestMessage(ctx, {
      templates,
      data: plan.data,
      reader,
      owner,
      workbook: attach ? workbook : undefined,
    });
  };
  return { readers, make };
}

export async function sendDigests(ctx: JobContext, req: JobRequest & DigestOptions): Promise<DigestResult> {
  const started = process.hrtime.bigint();
  const { wh, config, log } = ctx;
  const templates = loadTemplates();
  const ledgered = !req.dryRun && !req.outDir;
  const channel = req.dryRun ? 'dry_run' : req.outDir ? 'preview' : config.smtp.host ? 'smtp' : 'outbox';
  const { runId, week } = await startDigestRun(ctx, req, channel);
  const stop = runStop(req.deadlineMs ?? config.digest.deadlineMinutes * 60_000, req.signal);
  if (ledgered) await markInterruptedUncertain(wh, week);
  const mailer = mailerFor(ctx, req, week);
  // A dry run computes everything in a transaction that is rolled back: it changes nothing.
  if (req.dryRun) await wh.run('BEGIN TRANSACTION');
  try {
    await computeFindings(ctx, week);
    // One plan for the whole week: no item goes to more than a third of the flagged customers.
    const maker = digestMaker(ctx, req, week, await loadWeekPlan(wh, config, week), templates);
    const entries = await digestAddressees(ctx, week, req.owner);
    if (entries.length === 0)
      throw new UserError(
        `no customer${req.owner ? ` of ${req.owner}` : ''} has data in the week ending ${week}: nothing to send`,
      );
    const { outcomes, stopped } = await deliverAll({
      wh,
      log,
      week,
      entries,
      mailer,
      ledgered,
      stop,
      smtp: config.smtp,
      sleep: req.sleep,
      choices: {
        resend: req.resend,
        resendUncertain: req.resendUncertain,
        graceHours: config.digest.resendUncertainAfterHours,
      },
      messageId: (recipient) => messageIdFor(week, recipient),
      prepare: maker.make,
    });
    const notes = await closeDigestBatch(ctx, req, { week, outcomes, readers: maker.readers, mailer, stop });
    if (runId) await finishRun(wh, runId, runVerdict(outcomes, stopped));
    return {
      week,
      channel,
      outcomes,
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
      stopped,
      notes,
    };
  } catch (err) {
    if (runId)
      await finishRun(wh, runId, { state: 'failed', error: (err as Error).message }).catch(() => undefined);
    throw err;
  } finally {
    stop.dispose();
    mailer?.close();
    if (req.dryRun) await wh.run('ROLLBACK');
    else await releaseDigestWeek(ctx).catch(() => undefined);
  }
}
