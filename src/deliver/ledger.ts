// The delivery ledger (table deliveries): one row per week and recipient, so that each digest is delivered exactly
// once per week (as src/warehouse/runLedger.ts is for runs). A row says 'sending' before the attempt and what became
// of it after: a crash in between leaves 'sending', which the next run turns into 'uncertain' rather than unsent.
import type { Warehouse } from '../warehouse/warehouse.js';

export type DeliveryChannel = 'smtp' | 'outbox';

export interface DeliveryRecord {
  state: string;
  error: string | null;
  /** when the row last changed, 'YYYY-MM-DD HH:MM' */
  at: string;
  /** digest.resendUncertainAfterHours have passed since */
  graceOver: boolean;
}

/** 'sending' left by a run that was killed mid-send: the server may have accepted it. Uncertain, not unsent. */
export async function markInterruptedUncertain(wh: Warehouse, week: string): Promise<void> {
  await wh.run(
    `UPDATE deliveries SET state = 'uncertain', error = 'the run sending it stopped before the server replied (killed?); it may have been delivered', updated_at = now()::TIMESTAMP
     WHERE week_ending = $week::DATE AND state = 'sending' AND channel = 'smtp'`,
    { week },
  );
}

export async function deliveryRecord(
  wh: Warehouse,
  week: string,
  recipient: string,
  graceHours: number | null,
): Promise<DeliveryRecord | undefined> {
  const [row] = await wh.all(
    `SELECT state, error, strftime(updated_at, '%Y-%m-%d %H:%M') AS at,
       (updated_at <= now()::TIMESTAMP - to_seconds($grace::DOUBLE * 3600)) AS grace_over
     FROM deliveries WHERE week_ending = $week::DATE AND recipient = $r`,
    { week, r: recipient, grace: graceHours ?? 0 },
  );
  if (!row) return undefined;
  return {
    state: String(row.state),
    error: row.error === null ? null : String(row.error),
    at: String(row.at),
    graceOver: row.grace_over === true,
  };
}

export interface LedgerChoices {
  resend?: boolean;
  resendUncertain?: boolean;
  /** digest.resendUncertainAfterHours: null, only on request */
  graceHours: number | null;
}

/** Why a recipient is not sent to again this run, or null to send. Pure. */
export function holdBack(
  record: DeliveryRecord | undefined,
  choices: LedgerChoices,
): { state: 'skipped'; reason: string } | { state: 'uncertain'; error: string } | null {
  if (record?.state === 'sent' && !choices.resend)
    return { state: 'skipped', reason: `already sent on ${record.at}; use --resend` };
  const graceOver = choices.graceHours !== null && record?.graceOver === true;
  if (record?.state === 'uncertain' && !choices.resend && !choices.resendUncertain && !graceOver)
    // Maybe delivered: sending it again could deliver it twice. The operator decides (--resend-uncertain).
    return {
      state: 'uncertain',
      error: `not resent: an earlier attempt may have been delivered (${record.error ?? 'no reply'}); check with the recipient, then use --resend-uncertain`,
    };
  return null;
}

export interface DeliveryKey {
  week: string;
  recipient: string;
}

/** A digest that could not be made (no attempt to send it). */
export async function recordNotMade(
  wh: Warehouse,
  key: DeliveryKey & { channel: DeliveryChannel; messageId: string; error: string },
): Promise<void> {
  await wh.run(
    `INSERT INTO deliveries VALUES ($week::DATE, $r, 'failed', $channel, 0, $mid, NULL, $e, now()::TIMESTAMP)
     ON CONFLICT (week_ending, recipient) DO UPDATE SET state = 'failed', error = $e, updated_at = now()::TIMESTAMP`,
    { week: key.week, r: key.recipient, channel: key.channel, mid: key.messageId, e: key.error },
  );
}

/** Before the attempt: a crash before the server's reply leaves 'sending' (see markInterruptedUncertain). */
export async function recordSending(
  wh: Warehouse,
  key: DeliveryKey & { channel: DeliveryChannel; messageId: string },
): Promise<void> {
  await wh.run(
    `INSERT INTO deliveries VALUES ($week::DATE, $r, 'sending', $channel, 1, $mid, NULL, NULL, now()::TIMESTAMP)
     ON CONFLICT (week_ending, recipient) DO UPDATE SET state = 'sending', channel = $channel, attempts = deliveries.attempts + 1, updated_at = now()::TIMESTAMP`,
    { week: key.week, r: key.recipient, channel: key.channel, mid: key.messageId },
  );
}

export async function recordSent(
  wh: Warehouse,
  key: DeliveryKey & { location: string | null },
): Promise<void> {
  await wh.run(
    `UPDATE deliveries SET state = 'sent', location = $loc, error = NULL, updated_at = now()::TIMESTAMP WHERE week_ending = $week::DATE AND recipient = $r`,
    { week: key.week, r: key.recipient, loc: key.location },
  );
}

export async function recordFailure(
  wh: Warehouse,
  key: DeliveryKey & { state: 'failed' | 'uncertain'; error: string },
): Promise<void> {
  await wh.run(
    `UPDATE deliveries SET state = $state, error = $e, updated_at = now()::TIMESTAMP WHERE week_ending = $week::DATE AND recipient = $r`,
    { week: key.week, r: key.recipient, e: key.error, state: key.state },
  );
}
