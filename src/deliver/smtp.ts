// SMTP over the configured server, one connection for the whole batch (re-opened after a failure or when the
// server closes it): a TLS + AUTH handshake per message cost more than the message. nodemailer's SMTPConnection is
// driven directly so that the moment the body is handed over is known (nodemailer's transports retry and hide it),
// and the envelope recipient is exactly `message.to`, never parsed from a header. The password comes from the
// environment only.
import MailComposer from 'nodemailer/lib/mail-composer';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { Config } from '../config/schema.js';
import { registerSmtpLogin } from '../secrets.js';
import { classifySmtpError, DeliveryError, describeSmtpError } from './deliveryErrors.js';
import type { Mailer, Outgoing, Sent } from './mailer.js';

/** Stopped by a signal or the run's deadline before the server answered. */
class StoppedError extends Error {
  code = 'ESTOPPED';
}

function seconds(s: number): number {
  return Math.round(s * 1000);
}

/** One connection at a time, opened (and logged in) on demand, forgotten on any failure or when the server ends it. */
function connectionKeeper(smtp: Config['smtp'], password: string | undefined) {
  let open: Promise<SMTPConnection> | null = null;
  let current: SMTPConnection | null = null;

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

  return { connect, drop, current: () => current };
}

/** Sends one message on `conn`; `onHandOver` is called when the body starts to go out. */
async function handOver(conn: SMTPConnection, m: Outgoing, onHandOver: () => void): Promise<Sent> {
  const mime = new MailComposer({ ...m, to: m.to, headers: {} }).compile();
  const from = mime.getEnvelope().from || '';
  const body = mime.createReadStream();
  // SMTPConnection pipes the body only once the server has answered DATA with 354: from here on, a lost
  // reply means the message may have been accepted.
  const pipe = body.pipe.bind(body);
  body.pipe = ((dest: NodeJS.WritableStream, opts?: { end?: boolean }) => {
    onHandOver();
    return pipe(dest, opts);
  }) as typeof body.pipe;
  await new Promise<void>((resolve, reject) => {
    conn.send({ from, to: [m.to] }, body, (err) => (err ? reject(err) : resolve()));
  });
  return { messageId: m.messageId };
}

/** A stop lets the message in progress finish within graceMs, then gives up on it (`giveUp` closes the connection). */
function stopAfterGrace(
  signal: AbortSignal | undefined,
  graceMs: number,
  attempt: Promise<unknown>,
  giveUp: () => void,
) {
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    if (!signal) return;
    onAbort = () => {
      const t = setTimeout(() => {
        giveUp();
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
  return {
    stopped,
    dispose: () => {
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    },
  };
}

export function smtpMailer(smtp: Config['smtp'], env: NodeJS.ProcessEnv): Mailer {
  const password = env[smtp.passwordEnv];
  registerSmtpLogin(smtp.user, password);
  const connections = connectionKeeper(smtp, password);
  /** set once the session cannot be set up for good: every later message fails with it */
  let broken: DeliveryError | null = null;
  /** attempts in a row that got no reply at all (timeouts, connections refused or dropped) */
  let silentInARow = 0;

  const failure = (err: unknown, handedOver: boolean, session: boolean): DeliveryError => {
    const kind = classifySmtpError(err, handedOver);
    const prefix =
      kind === 'uncertain' ? 'no reply after the message was handed over, it may have been accepted: ' : '';
    const failed = new DeliveryError(prefix + describeSmtpError(err), kind, { cause: err });
    // A certificate, a login or STARTTLS refused while setting the session up is the same for every message:
    // the rest of the run fails at once rather than knock again (and again) at the server.
    if (!session && kind === 'permanent')
      broken = new DeliveryError(`${failed.message} (not tried again in this run)`, 'permanent', {
        cause: err,
      });
    // A server that does not answer at all (unreachable, or hung: every attempt timing out) is given one
    // message's worth of attempts, not one per recipient: otherwise a hung server holds the warehouse for
    // recipients × attempts × timeout. The rest are recorded failed, for the next run.
    const { code, responseCode } = err as { code?: string; responseCode?: number };
    const silent =
      responseCode === undefined && ['ETIMEDOUT', 'ECONNECTION', 'ESOCKET', 'EDNS'].includes(String(code));
    silentInARow = silent ? silentInARow + 1 : 0;
    if (silentInARow > smtp.retries && !broken)
      broken = new DeliveryError(
        `the server ${smtp.host}:${smtp.port} did not answer ${silentInARow} times in a row (last: ${describeSmtpError(err)}); not tried again in this run`,
        'permanent',
        { cause: err },
      );
    return failed;
  };

  return {
    channel: 'smtp',
    async send(m, options = {}) {
      const { signal, graceMs = 5000 } = options;
      if (signal?.aborted) throw new DeliveryError('stopped before sending', 'temporary');
      if (broken) throw broken;
      const progress = { handedOver: false, session: false, conn: null as SMTPConnection | null };
      const attempt = (async () => {
        progress.conn = await connections.connect();
        progress.session = true;
        if (signal?.aborted) throw new StoppedError('stopped before the message was handed over');
        return handOver(progress.conn, m, () => (progress.handedOver = true));
      })();
      const stop = stopAfterGrace(signal, graceMs, attempt, () => connections.drop(progress.conn));
      try {
        const sent = await Promise.race([attempt, stop.stopped]);
        silentInARow = 0;
        return sent;
      } catch (err) {
        // After any failure the session state is unknown: the next message gets a fresh connection.
        connections.drop(progress.conn);
        attempt.catch(() => undefined);
        throw failure(err, progress.handedOver, progress.session);
      } finally {
        stop.dispose();
      }
    },
    close: () => connections.drop(connections.current()),
  };
}
