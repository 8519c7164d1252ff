import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/**
 * Logs go to stderr so that stdout stays for command output. JSON by default (for log shippers and
 * `pino-pretty` later); pretty when stderr is a terminal. The SMTP password is redacted wherever it appears.
 */
export function createLogger(options: { level?: string; pretty?: boolean } = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? 'info';
  const redact = {
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
      { level, redact },
      pretty({ destination: 2, sync: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' }),
    );
  }
  return pino(
    { level, redact, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest: 2, sync: true }),
  );
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
