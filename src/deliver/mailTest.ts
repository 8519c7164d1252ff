// `adoption mail-test --to ADDRESS`: one test message through the configured SMTP server, before the first Monday,
// and a failure explained in plain words with what to change (no STARTTLS, a login needed, an untrusted
// certificate, a refused login, a server not reachable).
import type { Config } from '../config/schema.js';
import { UserError } from '../errors.js';
import { checkEmailAddress } from '../ingest/values.js';
import { describeSmtpError, smtpMailer } from './mailer.js';

export interface MailTestResult {
  to: string;
  server: string;
  messageId: string;
}

/** What went wrong, in words an operator can act on. Pure. */
export function explainSmtpFailure(err: unknown, smtp: Config['smtp']): string {
  const cause = (err as { cause?: unknown }).cause ?? err;
  const e = cause as { code?: string; responseCode?: number; response?: string; message?: string };
  const words = `${e.code ?? ''} ${e.response ?? ''} ${e.message ?? ''} ${(err as Error).message ?? ''}`;
  const server = `${smtp.host}:${smtp.port}`;
  if (
    /STARTTLS/i.test(words) &&
    /not support|no STARTTLS|refused|not offered|unrecognized|command not/i.test(words)
  )
    return `the server ${server} does not offer STARTTLS, and smtp.requireTLS is set: the password would cross the network unencrypted. Use the server's TLS port (usually 465, with smtp.secure true) or its submission port 587 with STARTTLS; set smtp.requireTLS to false only for a server on this machine.`;
  if (/self[- ]signed|unable to (verify|get local issuer)|certificate|CERT_|DEPTH_ZERO/i.test(words))
    return `the server ${server}'s certificate is not trusted (${(e.message ?? '').split('\n')[0]}): give Node the certificate of the authority that issued it (NODE_EXTRA_CA_CERTS=/path/to/ca.pem in the service's environment), or connect by the name on the certificate. smtp.rejectUnauthorized false is for a test server only.`;
  if (
    e.responseCode === 530 ||
    /authentication required|must authenticate|AUTH.*required|5\.7\.0/i.test(words)
  )
    return `the server ${server} wants a login (AUTH) before it takes mail: set smtp.user in the configuration and the password in the environment variable ${smtp.passwordEnv}.`;
  if (e.code === 'EAUTH' || e.responseCode === 535)
    return `the server ${server} refused the login of ${smtp.user ?? '(no user)'}: check smtp.user and the password in ${smtp.passwordEnv}.`;
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|EHOSTUNREACH/i.test(words))
    return `could not reach the server ${server} (${e.code ?? 'no connection'}): check smtp.host and smtp.port, and that this machine may connect to it (firewall).`;
  return `the server ${server} did not take the message: ${describeSmtpError(err)}`;
}

export async function mailTest(
  config: Config,
  to: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<MailTestResult> {
  const smtp = config.smtp;
  const address = checkEmailAddress(to);
  if (!address.ok)
    throw new UserError(`--to ${JSON.stringify(to)} is not one e-mail address: it ${address.reason}`);
  if (!smtp.host)
    throw new UserError(
      'no SMTP server is configured (smtp.host is null): digests are written to the outbox folder (digest.outbox) instead; set smtp.host, smtp.port and smtp.user to send them',
    );
  if (smtp.user && !env[smtp.passwordEnv])
    throw new UserError(
      `smtp.user is set (${smtp.user}) but the environment variable ${smtp.passwordEnv} is not: the server needs a login (AUTH) and there is no password to give it. Set ${smtp.passwordEnv} in this shell, or in the service's environment file.`,
    );
  const mailer = smtpMailer(smtp, env);
  const messageId = `<mail-test-${Date.now()}@adoption-insights>`;
  try {
    await mailer.send({
      from: config.digest.from,
      to,
      subject: 'adoption-insights: test message',
      text: `This is a test message from adoption-insights through ${smtp.host}:${smtp.port}. If you can read it, the weekly digests can be delivered.`,
      html: `<p>This is a test message from adoption-insights through ${smtp.host}:${smtp.port}. If you can read it, the weekly digests can be delivered.</p>`,
      messageId,
      attachments: [],
    });
  } catch (err) {
    throw new UserError(`test message not sent: ${explainSmtpFailure(err, smtp)}`, 2);
  } finally {
    mailer.close();
  }
  return { to, server: `${smtp.host}:${smtp.port}`, messageId };
}
