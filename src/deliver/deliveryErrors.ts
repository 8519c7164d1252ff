// What a failed delivery means (temporary, permanent or uncertain) and how it reads in one line without a secret.
// Pure.
import { redact } from '../secrets.js';

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

/** Failures of the network, not of the message: worth another attempt. */
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
