// What a digest run tells the operator: one message listing every recipient's outcome (digest.operatorSummaryTo),
// and the run's line in the run ledger. Pure.
import type { RecipientOutcome } from '../deliver/batch.js';
import type { Outgoing } from '../deliver/mailer.js';
import { messageIdFor } from './message.js';

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
