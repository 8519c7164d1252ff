// Sends messages over SMTP, or writes them as .eml files (an outbox, or --out). Touches no SQL.
import path from 'node:path';
import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { Config } from '../config/schema.js';
import { redact, registerSmtpLogin } from '../secrets.js';
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

/**
 * What a failed delivery means for the ledger. temporary: the server did not take the message and may later
 * (retried within the run); permanent: it will not (a 5xx, a certificate or login refused: not retried);
 * uncertain: the message body was handed over and no final reply came, so it may have been accepted (never
 * retried within the run, resent later only on request or after `digest.resendUncertainAfterHours`).
 */
export type FailureKind = 'temporary' | 'permanent' | 'uncertain';

export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly kind: FailureKind,
    options?: { cause?: unknown },
  ) {
    super(redact(message), options);
  }
}

/** Kept for callers that only ask whether it was permanent. */
export class PermanentDeliveryError extends DeliveryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'permanent', options);
  }
}

/** Stopped by a signal or the run's deadline before the server answered. */
class StoppedError extends Error {
  code = 'ESTOPPED';
}

const NETWORK_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'EPROTOCOL',
  'ESTOPPED',
]);

/**
 * Classifies an SMTP failure. `handedOver`: the server answered DATA with 354 and the message body began to go
 * out; from then on only an explicit reply (2xx/4xx/5xx to the final dot) says what became of it. Pure.
 */
export function classifySmtpError(err: unknown, handedOver: boolean): FailureKind {
  const e = err as { responseCode?: number; code?: string; originalCode?: string; message?: string };
  if (typeof e.responseCode === 'number' && e.responseCode >= 400) {
    // 503 (bad sequence) says the session was in the wrong state, not that the message was refused.
    if (e.responseCode >= 500 && e.responseCode !== 503) return 'permanent';
    if (!handedOver || e.responseCode < 500) return 'temporary';
  }
  if (handedOver) return 'uncertain';
  // The connection dropped during the TLS handshake: the network, not the certificate.
  if (e.code === 'ETLS' && /closed unexpectedly/i.test(e.message ?? '')) return 'temporary';
  if (e.code === 'EAUTH' || e.code === 'ETLS' || e.code === 'EENVELOPE') return 'permanent';
  // A certificate the client refuses is the same certificate on the next attempt.
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/i.test(`${e.originalCode ?? ''} ${e.message ?? ''}`))
    return 'permanent';
  return NETWORK_CODES.has(String(e.code)) ? 'temporary' : 'permanent';
}

function seconds(s: number): number {
  return Math.round(s * 1000);
}

/**
 * SMTP over the configured server, one connection for the whole batch (re-opened after a failure or when the
 * server closes it): a TLS + AUTH handshake per message cost more than the message. nodemailer's SMTPConnection is
 * driven directly so that the moment the body is handed over is known (nodemailer's transports retry and hide it),
 * and the envelope recipient is exactly `message.to`, never parsed from a header. The password comes from the
 * environment only.
 */
export function smtpMailer(smtp: Config['smtp'], env: NodeJS.ProcessEnv): Mailer {
  const password = env[smtp.passwordEnv];
  registerSmtpLogin(smtp.user, password);
  let open: Promise<SMTPConnection> | null = null;
  let current: SMTPConnection | null = null;
  /** set once the session cannot be set up for good: every later message fails with it */
  let broken: DeliveryError | null = null;
  /** attempts in a row that got no reply at all (timeouts, connections refused or dropped) */
  let silentInARow = 0;

  const drop = (conn: SMTPConnection | null) => {
    if (!conn) return;
    if (current === conn) {
      current = null;
      open = null;
    }
    try {
      conn.close();
    } catch {
      /* already closed */
    }
  };

  const connect = (): Promise<SMTPConnection> => {
    if (open) return open;
    const conn = new SMTPConnection({
      host: smtp.host!,
      port: smtp.port,
      secure: smtp.secure,
      requireTLS: smtp.requireTLS,
      tls: { rejectUnauthorized: smtp.rejectUnauthorized },
      connectionTimeout: seconds(smtp.connectTimeoutSeconds),
      greetingTimeout: seconds(smtp.connectTimeoutSeconds),
      socketTimeout: seconds(smtp.commandTimeoutSeconds),
      dnsTimeout: seconds(smtp.connectTimeoutSeconds),
      socketCloseTimeout: 1000,
      logger: false,
    });
    current = conn;
    // The connection reports a failure both here and to the command waiting on it; this one only forgets it.
    conn.on('error', () => drop(conn));
    conn.on('end', () => drop(conn));
    open = new Promise<SMTPConnection>((resolve, reject) => {
      // A failure while connecting reaches only the 'error' event, not connect()'s callback.
      conn.once('error', reject);
      conn.connect((err) => {
        if (err) return reject(err);
        if (!smtp.user) return resolve(conn);
        conn.login({ user: smtp.user, pass: password ?? '' }, (loginErr) =>
          loginErr ? reject(loginErr) : resolve(conn),
        );
      });
    });
    open.catch(() => drop(conn));
    return open;
  };

  return {
    channel: 'smtp',
    async send(m, options = {}) {
      const { signal, graceMs = 5000 } = options;
      if (signal?.aborted) throw new DeliveryError('stopped before sending', 'temporary');
      if (broken) throw broken;
      let handedOver = false;
      let session = false;
      let conn: SMTPConnection | null = null;
      const attempt = (async () => {
        conn = await connect();
        session = true;
        if (signal?.aborted) throw new StoppedError('stopped before the message was handed over');
        const mime = new MailComposer({ ...m, to: m.to, headers: {} }).compile();
        const from = mime.getEnvelope().from || '';
        const body = mime.createReadStream();
        // SMTPConnection pipes the body only once the server has answered DATA with 354: from here on, a lost
        // reply means the message may have been accepted.
        const pipe = body.pipe.bind(body);
        body.pipe = ((dest: NodeJS.WritableStream, opts?: { end?: boolean }) => {
          handedOver = true;
          return pipe(dest, opts);
        }) as typeof body.pipe;
        await new Promise<void>((resolve, reject) => {
          conn!.send({ from, to: [m.to] }, body, (err) => (err ? reject(err) : resolve()));
        });
        return { messageId: m.messageId };
      })();
      // A stop lets the message in progress finish within graceMs, then closes the connection.
      let onAbort: (() => void) | undefined;
      const stopped = new Promise<never>((_, reject) => {
        if (!signal) return;
        onAbort = () => {
          const t = setTimeout(() => {
            drop(conn);
            reject(
              new StoppedError(
                `stopped: the server had not answered within ${Math.round(graceMs / 1000)} s of the stop`,
              ),
            );
          }, graceMs);
          t.unref();
          attempt.then(
            () => clearTimeout(t),
            () => clearTimeout(t),
          );
        };
        signal.addEventListener('abort', onAbort, { once: true });
      });
      try {
        const sent = await Promise.race([attempt, stopped]);
        silentInARow = 0;
        return sent;
      } catch (err) {
        // After any failure the session state is unknown: the next message gets a fresh connection.
        drop(conn);
        attempt.catch(() => undefined);
        const kind = classifySmtpError(err, handedOver);
        const prefix =
          kind === 'uncertain'
            ? 'no reply after the message was handed over, it may have been accepted: '
            : '';
        const failure = new DeliveryError(prefix + describeSmtpError(err), kind, { cause: err });
        // A certificate, a login or STARTTLS refused while setting the session up is the same for every message:
        // the rest of the run fails at once rather than knock again (and again) at the server.
        if (!session && kind === 'permanent')
          broken = new DeliveryError(`${failure.message} (not tried again in this run)`, 'permanent', {
            cause: err,
          });
        // A server that does not answer at all (unreachable, or hung: every attempt timing out) is given one
        // message's worth of attempts, not one per recipient: otherwise a hung server holds the warehouse for
        // recipients × attempts × timeout. The rest are recorded failed, for the next run.
        const code = (err as { code?: string; responseCode?: number }).code;
        const silent =
          (err as { responseCode?: number }).responseCode === undefined &&
          ['ETIMEDOUT', 'ECONNECTION', 'ESOCKET', 'EDNS'].includes(String(code));
        silentInARow = silent ? silentInARow + 1 : 0;
        if (silentInARow > smtp.retries && !broken)
          broken = new DeliveryError(
            `the server ${smtp.host}:${smtp.port} did not answer ${silentInARow} times in a row (last: ${describeSmtpError(err)}); not tried again in this run`,
            'permanent',
            { cause: err },
          );
        throw failure;
      } finally {
        if (onAbort) signal?.removeEventListener('abort', onAbort);
      }
    },
    close: () => drop(current),
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

/** A reply the server may accept later (4xx) or a connection that failed before the hand-over: worth another try. */
export function isTemporary(err: unknown): boolean {
  if (err instanceof DeliveryError) return err.kind === 'temporary';
  return classifySmtpError(err, false) === 'temporary';
}

/** One line, no secret: the server's reply when there is one. */
export function describeSmtpError(err: unknown): string {
  if (err instanceof DeliveryError) return err.message;
  const e = err as {
    responseCode?: number;
    response?: string;
    code?: string;
    message?: string;
    command?: string;
  };
  // Which step failed, where the reply alone does not say it.
  const step =
    e.command === 'STARTTLS'
      ? 'the server refused STARTTLS (smtp.requireTLS is set): '
      : e.code === 'EAUTH'
        ? 'login refused: '
        : '';
  return redact(
    step +
      (e.response ?? e.message ?? String(err)).split('\n')[0]!.slice(0, 300) +
      (e.code && !e.response && e.code !== 'ESTOPPED' ? ` (${e.code})` : ''),
  );
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
