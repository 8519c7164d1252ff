// Delivers one message per recipient, each exactly once per week (the delivery ledger, src/deliver/ledger.ts): a
// recipient whose message cannot be made or sent fails alone and the rest of the batch goes on; a stop (signal or
// the run's deadline) ends the batch between two messages, and the next run sends the rest.
import type { Config } from '../config/schema.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { redact } from '../secrets.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import {
  deliveryRecord,
  holdBack,
  recordFailure,
  recordNotMade,
  recordSending,
  recordSent,
  type LedgerChoices,
} from './ledger.js';
import { DeliveryError, describeSmtpError, sendWithRetry, type Mailer, type Outgoing } from './mailer.js';

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

/** The caller's signal and the run's deadline in one: either stops the batch between messages. */
export interface RunStop {
  signal: AbortSignal;
  /** why it stopped, in words */
  reason(): string;
  dispose(): void;
}

export function runStop(deadlineMs: number, signal?: AbortSignal): RunStop {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), deadlineMs);
  timer.unref();
  return {
    signal: signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal,
    reason: () =>
      deadline.signal.aborted
        ? `the run's deadline (digest.deadlineMinutes, ${Math.round(deadlineMs / 1000)} s) passed`
        : 'stopped by a signal',
    dispose: () => clearTimeout(timer),
  };
}

/** The retry and stop options of one send, from config.smtp. */
export function retryOptions(smtp: Config['smtp'], stop: RunStop, sleep?: (ms: number) => Promise<void>) {
  return {
    retries: smtp.retries,
    delayMs: smtp.retryDelayMs,
    sleep,
    signal: stop.signal,
    graceMs: smtp.stopGraceSeconds * 1000,
  };
}

export interface Batch<T extends { recipient: string; customers: number }> {
  wh: Warehouse;
  log: Logger;
  smtp: Config['smtp'];
  week: string;
  entries: readonly T[];
  /** null: a dry run, nothing is sent */
  mailer: Mailer | null;
  /** false for a preview or a dry run: the ledger is neither read nor written */
  ledgered: boolean;
  choices: LedgerChoices;
  stop: RunStop;
  sleep?: (ms: number) => Promise<void>;
  prepare: (entry: T) => Promise<Outgoing>;
  messageId: (recipient: string) => string;
}

export interface BatchResult {
  outcomes: RecipientOutcome[];
  /** set when a stop ended the batch before every recipient was served */
  stopped?: string;
}

export async function deliverAll<T extends { recipient: string; customers: number }>(
  batch: Batch<T>,
): Promise<BatchResult> {
  const outcomes: RecipientOutcome[] = [];
  const stoppedAfter = (index: number) =>
    `${batch.stop.reason()} after ${index} of ${batch.entries.length} recipient(s); the next run sends the rest`;
  for (const [index, entry] of batch.entries.entries()) {
    if (batch.stop.signal.aborted) return { outcomes, stopped: stoppedAfter(index) };
    const outcome: RecipientOutcome = {
      recipient: entry.recipient,
      customers: entry.customers,
      state: 'failed',
    };
    outcomes.push(outcome);
    const message = await prepareOne(batch, entry, outcome);
    if (message === null) continue;
    if (!batch.mailer) {
      outcome.state = 'dry_run';
      continue;
    }
    if (batch.stop.signal.aborted) {
      // Stopped while this one was being made: not started, so not recorded; the next run sends it.
      outcomes.pop();
      return { outcomes, stopped: stoppedAfter(index) };
    }
    await sendOne(batch, batch.mailer, message, outcome);
  }
  return { outcomes };
}

/** The ledger's say, then the message; null when there is nothing to send (held back, or not made). */
async function prepareOne<T extends { recipient: string; customers: number }>(
  batch: Batch<T>,
  entry: T,
  outcome: RecipientOutcome,
): Promise<Outgoing | null> {
  const { wh, week, log } = batch;
  if (batch.ledgered) {
    const record = await deliveryRecord(wh, week, entry.recipient, batch.choices.graceHours);
    const held = holdBack(record, batch.choices);
    if (held) {
      Object.assign(outcome, held);
      return null;
    }
  }
  try {
    const message = await batch.prepare(entry);
    outcome.subject = message.subject;
    return message;
  } catch (err) {
    // One recipient whose message cannot be made (a workbook that cannot be written: disk full, read-only folder)
    // fails alone; the rest of the batch goes on.
    outcome.state = 'failed';
    outcome.error = redact(errorMessage(err));
    log.error({ recipient: entry.recipient, week, error: outcome.error }, 'digest not made');
    if (batch.ledgered)
      await recordNotMade(wh, {
        week,
        recipient: entry.recipient,
        channel: batch.mailer?.channel ?? 'smtp',
        messageId: batch.messageId(entry.recipient),
        error: outcome.error,
      });
    return null;
  }
}

async function sendOne<T extends { recipient: string; customers: number }>(
  batch: Batch<T>,
  mailer: Mailer,
  message: Outgoing,
  outcome: RecipientOutcome,
): Promise<void> {
  const { wh, week, log } = batch;
  const key = { week, recipient: outcome.recipient };
  if (batch.ledgered)
    await recordSending(wh, { ...key, channel: mailer.channel, messageId: message.messageId });
  try {
    const sent = await sendWithRetry(mailer, message, {
      ...retryOptions(batch.smtp, batch.stop, batch.sleep),
      onRetry: (attempt, err) =>
        log.warn(
          { recipient: outcome.recipient, attempt, error: describeSmtpError(err) },
          'temporary delivery failure; retrying',
        ),
    });
    outcome.state = batch.ledgered ? 'sent' : 'written';
    outcome.attempts = sent.attempts;
    outcome.location = sent.location;
    if (batch.ledgered) await recordSent(wh, { ...key, location: sent.location ?? null });
  } catch (err) {
    const kind = err instanceof DeliveryError ? err.kind : 'permanent';
    const state = kind === 'uncertain' ? 'uncertain' : 'failed';
    outcome.state = state;
    outcome.error = redact(errorMessage(err));
    log.error({ recipient: outcome.recipient, week, kind, error: outcome.error }, 'digest not delivered');
    if (batch.ledgered) await recordFailure(wh, { ...key, state, error: outcome.error });
  }
}
