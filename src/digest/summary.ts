// What a digest run tells the operator: a note naming the recipients config does not describe, one message listing
// every recipient's outcome (digest.operatorSummaryTo), and the run's line in the run ledger. Only
// closeDigestBatch sends; the rest is pure.
import type { JobContext } from '../context.js';
import { retryOptions, type RecipientOutcome, type RunStop } from '../deliver/batch.js';
import { describeSmtpError, sendWithRetry, type Mailer, type Outgoing } from '../deliver/mailer.js';
import { messageIdFor } from './message.js';
import { undescribedLine, type Recipient } from './recipients.js';

const count = (outcomes: readonly RecipientOutcome[], state: RecipientOutcome['state']) =>
  outcomes.filter((o) => o.state === state).length;

/** `now` (ms) only makes the message id unique: a summary is sent again on every run. */
export function operatorSummary(
  address: { from: string; to: string },
  week: string,
  outcomes: readonly RecipientOutcome[],
  notes: readonly string[],
  now: number,
): Outgoing {
  const lines = [
    ...outcomes.map(
      (o) =>
        `${o.state.padEnd(8)} ${o.recipient}${o.error ? `: ${o.error}` : ''}${o.reason ? `: ${o.reason}` : ''}`,
    ),
    ...notes,
  ];
  const uncertain = count(outcomes, 'uncertain');
  return {
    from: address.from,
    to: address.to,
    subject: `adoption-insights: digests for the week ending ${week}: ${count(outcomes, 'sent')} sent, ${count(outcomes, 'failed')} failed${uncertain ? `, ${uncertain} uncertain` : ''}`,
    text: lines.join('\n'),
    html: `<pre>${lines.join('\n').replace(/&/g, '&amp;').replace(/</g, '&lt;')}</pre>`,
    messageId: messageIdFor(week, `summary:${address.to}:${now}`),
    attachments: [],
  };
}

/** The run ledger's verdict on a batch: failed when any recipient failed or is uncertain, or the batch stopped. */
export function runVerdict(outcomes: readonly RecipientOutcome[], stopped: string | undefined) {
  const failed = count(outcomes, 'failed');
  const uncertain = count(outcomes, 'uncertain');
  const problems = [
    failed > 0 ? `${failed} digest(s) not delivered` : '',
    uncertain > 0 ? `${uncertain} digest(s) uncertain (maybe delivered; see --resend-uncertain)` : '',
  ]
    .filter(Boolean)
    .join('; ');
  return {
    state: failed > 0 || uncertain > 0 || stopped ? ('failed' as const) : ('succeeded' as const),
    counts: Object.fromEntries(
      (['sent', 'written', 'skipped', 'failed', 'uncertain'] as const).map((s) => [s, count(outcomes, s)]),
    ),
    error: stopped ?? (problems || undefined),
  };
}

/** The run's notes (once for the run, not once per recipient), and the operator's summary when config asks. */
export async function closeDigestBatch(
  ctx: JobContext,
  req: { dryRun?: boolean; outDir?: string; sleep?: (ms: number) => Promise<void> },
  sent: {
    week: string;
    outcomes: RecipientOutcome[];
    readers: Recipient[];
    mailer: Mailer | null;
    stop: RunStop;
  },
): Promise<string[]> {
  const { config, log } = ctx;
  const notes: string[] = [];
  const undescribed = undescribedLine(config, sent.readers);
  if (undescribed) {
    notes.push(undescribed);
    log.warn({ recipients: sent.readers.filter((r) => !r.described).map((r) => r.email) }, undescribed);
  }
  const to = config.digest.operatorSummaryTo;
  if (!req.dryRun && !req.outDir && sent.mailer && to)
    await sendWithRetry(
      sent.mailer,
      operatorSummary({ from: config.digest.from, to }, sent.week, sent.outcomes, notes, Date.now()),
      retryOptions(config.smtp, sent.stop, req.sleep),
    ).catch((err) => log.error({ error: describeSmtpError(err) }, 'operator summary not sent'));
  return notes;
}
