// A real SMTP server on 127.0.0.1 for tests: STARTTLS (smtp-server's own test certificate) and AUTH PLAIN/LOGIN,
// with hooks to refuse, drop or stall messages, a mode without STARTTLS, and a login refusal that echoes the
// credentials back (as some servers do).
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

export const SMTP_USER = 'digest-bot';
export const SMTP_PASSWORD = 'S3cret-Pa55-for-tests';

export interface TestSmtp {
  port: number;
  messages: ParsedMail[];
  raw: string[];
  /** the envelope recipients (RCPT TO) of every message whose body arrived, accepted or not, in order */
  envelopes: string[][];
  /** messages the server accepted: a stalled one too (accepted, but the reply never came in time) */
  accepted: string[][];
  /** connections opened and logins tried so far */
  counts: { connections: number; logins: number };
  close(): Promise<void>;
}

export type Verdict = { code: number; message: string } | 'drop' | 'stall' | undefined;

export async function startSmtp(
  hooks: {
    onMessage?: (n: number, session: SMTPServerSession) => Verdict;
    /** no STARTTLS offered (and refused if asked) */
    noStartTls?: boolean;
    /** refuse every login with a 535 reply that quotes the credentials tried */
    echoCredentials?: boolean;
  } = {},
): Promise<TestSmtp> {
  const messages: ParsedMail[] = [];
  const raw: string[] = [];
  const envelopes: string[][] = [];
  const accepted: string[][] = [];
  const stalled: (() => void)[] = [];
  let n = 0;
  const counts = { connections: 0, logins: 0 };
  const server = new SMTPServer({
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    disabledCommands: hooks.noStartTls ? ['STARTTLS'] : [],
    allowInsecureAuth: Boolean(hooks.noStartTls),
    onConnect(_session, cb) {
      counts.connections++;
      cb();
    },
    onAuth(auth, _session, cb) {
      counts.logins++;
      if (hooks.echoCredentials) {
        const plain = Buffer.from(`\u0000${auth.username}\u0000${auth.password}`).toString('base64');
        cb(new Error(`Invalid login: user=${auth.username} pass=${auth.password} token=${plain}`));
        return;
      }
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) cb(null, { user: auth.username });
      else cb(new Error('Invalid username or password'));
    },
    onData(stream: SMTPServerDataStream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        envelopes.push(session.envelope.rcptTo.map((r) => r.address));
        const verdict = hooks.onMessage?.(++n, session);
        if (verdict === 'stall') {
          // The server takes the message (it will be delivered) but its final reply never comes in time: the
          // client cannot know that it was accepted. This is what once turned one digest into five.
          accepted.push(session.envelope.rcptTo.map((r) => r.address));
          stalled.push(() => cb(new Error('closing')));
          return;
        }
        if (verdict === 'drop') {
          // Die before the final reply: the client never learns whether the message was accepted.
          (session as unknown as { _socket?: { destroy(): void } })._socket?.destroy();
          for (const c of (server as unknown as { connections: Set<{ close(): void }> }).connections)
            c.close();
          server.server.close(); // and stop listening: later connections are refused
          return;
        }
        if (verdict) {
          const err = Object.assign(new Error(verdict.message), { responseCode: verdict.code });
          cb(err);
          return;
        }
        accepted.push(session.envelope.rcptTo.map((r) => r.address));
        const text = Buffer.concat(chunks).toString('utf8');
        raw.push(text);
        simpleParser(text, { skipImageLinks: true }).then((m) => {
          messages.push(m);
          cb();
        }, cb);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    port,
    messages,
    raw,
    envelopes,
    accepted,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of stalled.splice(0)) s();
        for (const c of (server as unknown as { connections: Set<{ close(): void }> }).connections) c.close();
        server.close(() => resolve());
      }),
  };
}
