import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger } from 'pino';
import { redact } from './secrets.js';

// pino-pretty is loaded only for a terminal: a scheduled or scripted run (JSON logs) saves its 25 ms of start-up.
const loadPretty = () => createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');

export type { Logger };

/** Every line passes through redact() on its way out: a secret is removed by value, wherever it sits. */
function redacting(dest: { write(s: string): unknown }): DestinationStream {
  return { write: (s: string) => void dest.write(redact(s)) };
}

/**
 * Logs go to stderr so that stdout stays for command output. JSON by default (for log shippers and
 * `pino-pretty` later); pretty when stderr is a terminal. The SMTP password is redacted by key, and every secret
 * the process knows (src/secrets.ts) by value, even inside a server's reply.
 */
export function createLogger(
  options: { level?: string; pretty?: boolean; destination?: { write(s: string): unknown } } = {},
): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? 'info';
  const redactKeys = {
    paths: [
      'password',
      '*.password',
      '*.*.password',
      'smtp.auth.pass',
      'auth.pass',
      // collect: Microsoft tokens and the app secret, should a caller ever log them by key
      'authorization',
      '*.authorization',
      'refreshToken',
      'refresh_token',
      'access_token',
      'client_secret',
    ],
    censor: '[redacted]',
  };
  const usePretty = options.pretty ?? Boolean(process.stderr.isTTY);
  if (usePretty) {
    return pino(
      { level, redact: redactKeys },
      redacting(
        loadPretty()({
          destination: options.destination ?? 2,
          sync: true,
          translateTime: 'SYS:HH:MM:ss',
          ignore: 'pid,hostname',
        }),
      ),
    );
  }
  return pino(
    { level, redact: redactKeys, timestamp: pino.stdTimeFunctions.isoTime },
    redacting(options.destination ?? pino.destination({ dest: 2, sync: true })),
  );
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
