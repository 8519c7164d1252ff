// Sends messages over SMTP (src/deliver/smtp.ts), or writes them as .eml files (an outbox, or --out), retrying what
// may succeed later. Touches no SQL.
import path from 'node:path';
import nodemailer from 'nodemailer';
import { classifySmtpError, DeliveryError, describeSmtpError } from './deliveryErrors.js';
import { safeFileName, writeFileAtomic } from './files.js';

export { classifySmtpError, DeliveryError, describeSmtpError, type FailureKind } from './deliveryErrors.js';
export { smtpMailer } from './smtp.js';

export interface Outgoing {
  from: string;
  to: string;
  /** copied: the recipient's manager (config recipients.<e-mail>.cc) */
  cc?: string[];
  subject: string;
  html: string;
  text: string;
  messageId: string;
  attachments: { filename: string; path?: string; content?: Buffer; cid?: string; contentType?: string }[];
}

export interface Sent {
  messageId: string;
  location?: string;
}

export interface SendOptions {
  /** a stop (signal or deadline): a message not yet handed over is not started; one in progress gets `graceMs` */
  signal?: AbortSignal;
  graceMs?: number;
}

export interface Mailer {
  channel: 'smtp' | 'outbox';
  send(message: Outgoing, options?: SendOptions): Promise<Sent>;
  close(): void;
}

/** Writes each message to `dir/<recipient>.eml`, atomically. */
export function fileMailer(dir: string): Mailer {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    channel: 'outbox',
    async send(m) {
      const info = await transport.sendMail(m);
      const location = path.resolve(dir, `${safeFileName(m.to, 100)}.eml`);
      writeFileAtomic(location, info.message as Buffer);
      return { messageId: m.messageId, location };
    },
    close: () => transport.close(),
  };
}

/** Waits, or less if the signal stops the run first. */
function stoppableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Sends, retrying temporary failures with exponential backoff. A permanent failure throws at once; so does an
 * uncertain one (the message may have been accepted: sending it again could deliver it twice). A stop (signal)
 * ends the retries.
 */
export async function sendWithRetry(
  mailer: Mailer,
  message: Outgoing,
  options: {
    retries: number;
    delayMs: number;
    sleep?: (ms: number) => Promise<void>;
    onRetry?: (attempt: number, err: unknown) => void;
    signal?: AbortSignal;
    graceMs?: number;
  },
): Promise<Sent & { attempts: number }> {
  const sleep = options.sleep ?? ((ms: number) => stoppableSleep(ms, options.signal));
  for (let attempt = 1; ; attempt++) {
    try {
      return {
        ...(await mailer.send(message, { signal: options.signal, graceMs: options.graceMs })),
        attempts: attempt,
      };
    } catch (err) {
      const kind = err instanceof DeliveryError ? err.kind : classifySmtpError(err, false);
      if (kind !== 'temporary') throw new DeliveryError(describeSmtpError(err), kind, { cause: err });
      if (attempt > options.retries || options.signal?.aborted)
        throw new DeliveryError(
          `${describeSmtpError(err)} (after ${attempt} attempt${attempt > 1 ? 's' : ''})`,
          'temporary',
          { cause: err },
        );
      options.onRetry?.(attempt, err);
      await sleep(options.delayMs * 2 ** (attempt - 1));
    }
  }
}
