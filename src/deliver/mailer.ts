// Sends messages over SMTP, or writes them as .eml files (an outbox, or --out). Touches no SQL.
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Config } from '../config/schema.js';
import { safeFileName, writeFileAtomic } from './files.js';

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

export interface Mailer {
  channel: 'smtp' | 'outbox';
  send(message: Outgoing): Promise<Sent>;
  close(): void;
}

export class PermanentDeliveryError extends Error {}

/** SMTP over the configured server. The password comes from the environment only, and never from a file. */
export function smtpMailer(smtp: Config['smtp'], env: NodeJS.ProcessEnv): Mailer {
  const password = env[smtp.passwordEnv];
  // One connection for the whole batch (re-opened if the server drops it): a new TLS + AUTH handshake per message
  // cost more than the message itself.
  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections: 1,
    host: smtp.host!,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: smtp.requireTLS,
    auth: smtp.user ? { user: smtp.user, pass: password ?? '' } : undefined,
    tls: { rejectUnauthorized: smtp.rejectUnauthorized },
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  });
  return {
    channel: 'smtp',
    async send(m) {
      const info = await transport.sendMail({ ...m, headers: {} });
      return { messageId: info.messageId };
    },
    close: () => transport.close(),
  };
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

/** A reply the server may accept later (4xx) or a connection that failed: worth another try. */
export function isTemporary(err: unknown): boolean {
  const e = err as { responseCode?: number; code?: string };
  if (typeof e.responseCode === 'number') return e.responseCode >= 400 && e.responseCode < 500;
  return ['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE'].includes(
    String(e.code),
  );
}

export function describeSmtpError(err: unknown): string {
  const e = err as { responseCode?: number; response?: string; code?: string; message?: string };
  return (
    (e.response ?? e.message ?? String(err)).split('\n')[0]!.slice(0, 300) +
    (e.code && !e.response ? ` (${e.code})` : '')
  );
}

/** Sends, retrying temporary failures with exponential backoff; a permanent one throws at once. */
export async function sendWithRetry(
  mailer: Mailer,
  message: Outgoing,
  options: {
    retries: number;
    delayMs: number;
    sleep?: (ms: number) => Promise<void>;
    onRetry?: (attempt: number, err: unknown) => void;
  },
): Promise<Sent & { attempts: number }> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return { ...(await mailer.send(message)), attempts: attempt };
    } catch (err) {
      if (!isTemporary(err)) throw new PermanentDeliveryError(describeSmtpError(err), { cause: err });
      if (attempt > options.retries)
        throw new Error(`${describeSmtpError(err)} (after ${attempt} attempts)`, { cause: err });
      options.onRetry?.(attempt, err);
      await sleep(options.delayMs * 2 ** (attempt - 1));
    }
  }
}
