// Failure alerts to the operator: one e-mail per failed run, then quiet for alertThrottleMinutes while the same job
// keeps failing (the next alert says how many were held back). The throttle state is a small file beside the
// warehouse, not a table: the failure being reported may be that the warehouse cannot be opened.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import { writeFileAtomic } from '../deliver/files.js';
import { describeSmtpError, fileMailer, sendWithRetry, smtpMailer, type Mailer } from '../deliver/mailer.js';
import type { Logger } from '../log.js';
import { describeInstant } from './dueTimes.js';

export interface AlertState {
  [job: string]: { lastSentAt: string; heldBack: number };
}

export type AlertOutcome = 'sent' | 'throttled' | 'no_recipient' | 'failed';

/** Pure: whether a failure of `job` at `nowMs` is alerted, given the last alert sent for it. */
export function alertDecision(
  state: AlertState,
  job: string,
  nowMs: number,
  throttleMs: number,
): 'send' | 'throttle' {
  const last = state[job];
  if (!last) return 'send';
  return nowMs - Date.parse(last.lastSentAt) >= throttleMs ? 'send' : 'throttle';
}

export function alertStateFile(config: Config): string {
  return `${config.warehouse.path}.alerts.json`;
}

export function readAlertState(file: string): AlertState {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as AlertState;
  } catch {
    return {};
  }
}

export interface FailedRun {
  job: string;
  dueMs: number;
  asOf: string;
  error: string;
  trigger: string;
  rerun: string;
}

export function alertRecipient(config: Config): string | null {
  return config.schedule.alertTo ?? config.digest.operatorSummaryTo;
}

/** Sends (or throttles) the alert for a failed run. Never throws: an alert that cannot go out is logged. */
export async function alertFailure(
  config: Config,
  run: FailedRun,
  deps: { env: NodeJS.ProcessEnv; log: Logger; now?: () => number; mailer?: Mailer },
): Promise<AlertOutcome> {
  const now = (deps.now ?? Date.now)();
  const to = alertRecipient(config);
  if (!to) {
    deps.log.error(
      { job: run.job },
      'run failed and no alert address is configured (schedule.alertTo or digest.operatorSummaryTo)',
    );
    return 'no_recipient';
  }
  const file = alertStateFile(config);
  const state = readAlertState(file);
  if (alertDecision(state, run.job, now, config.schedule.alertThrottleMinutes * 60_000) === 'throttle') {
    state[run.job]!.heldBack += 1;
    writeFileAtomic(file, JSON.stringify(state, null, 1));
    deps.log.warn({ job: run.job, since: state[run.job]!.lastSentAt }, 'failure alert throttled');
    return 'throttled';
  }
  const tz = config.schedule.timeZone ?? config.defaults.timeZone;
  const heldBack = state[run.job]?.heldBack ?? 0;
  const lines = [
    `The ${run.job} job failed on ${os.hostname()}.`,
    '',
    `Due:      ${describeInstant(run.dueMs, tz)}`,
    `As of:    ${run.asOf}`,
    `Trigger:  ${run.trigger}`,
    `Error:    ${run.error}`,
    '',
    `To run it again once the cause is fixed:  ${run.rerun}`,
    'adoption status shows the run log.',
    ...(heldBack
      ? [
          '',
          `${heldBack} earlier failure alert(s) of this job were held back (schedule.alertThrottleMinutes).`,
        ]
      : []),
  ];
  const mailer =
    deps.mailer ??
    (config.smtp.host
      ? smtpMailer(config.smtp, deps.env)
      : fileMailer(path.join(config.digest.outbox, 'alerts')));
  try {
    await sendWithRetry(
      mailer,
      {
        from: config.digest.from,
        to,
        // One line, whatever the error holds: no header can be injected through it.
        subject: `adoption-insights: ${run.job} failed (as of ${run.asOf})`.replace(/[\r\n]+/g, ' '),
        text: lines.join('\n'),
        html: `<pre>${lines.join('\n').replace(/&/g, '&amp;').replace(/</g, '&lt;')}</pre>`,
        messageId: `<alert-${run.job}-${now}-${process.pid}@adoption-insights>`,
        attachments: [],
      },
      { retries: config.smtp.retries, delayMs: config.smtp.retryDelayMs },
    );
    state[run.job] = { lastSentAt: new Date(now).toISOString(), heldBack: 0 };
    writeFileAtomic(file, JSON.stringify(state, null, 1));
    deps.log.info({ job: run.job, to }, 'failure alert sent');
    return 'sent';
  } catch (err) {
    deps.log.error({ job: run.job, to, error: describeSmtpError(err) }, 'failure alert not sent');
    return 'failed';
  } finally {
    if (!deps.mailer) mailer.close();
  }
}

/** After a success the job's throttle is cleared: its next failure is news again. */
export function clearAlertState(config: Config, job: string): void {
  const file = alertStateFile(config);
  const state = readAlertState(file);
  if (!state[job]) return;
  delete state[job];
  writeFileAtomic(file, JSON.stringify(state, null, 1));
}
