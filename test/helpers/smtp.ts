// A real SMTP server on 127.0.0.1 for tests: STARTTLS (smtp-server's own test certificate) and AUTH PLAIN/LOGIN,
// with hooks to refuse or drop messages.
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

export const SMTP_USER = 'digest-bot';
export const SMTP_PASSWORD = 'S3cret-Pa55-for-tests';

export interface TestSmtp {
  port: number;
  messages: ParsedMail[];
  raw: string[];
  close(): Promise<void>;
}

export async function startSmtp(
  hooks: {
    onMessage?: (
      n: number,
      session: SMTPServerSession,
    ) => { code: number; message: string } | 'drop' | undefined;
  } = {},
): Promise<TestSmtp> {
  const messages: ParsedMail[] = [];
  const raw: string[] = [];
  let n = 0;
  const server = new SMTPServer({
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) cb(null, { user: auth.username });
      else cb(new Error('Invalid username or password'));
    },
    onData(stream: SMTPServerDataStream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const verdict = hooks.onMessage?.(++n, session);
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
  return { port, messages, raw, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
