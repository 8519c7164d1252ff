// How a failed call becomes a recorded failure: which call it was (so that the failure names the right role),
// and whether the whole night must stop (the partner's own token refused) or only one customer's part.
import { UserError } from '../errors.js';
import { TokenError } from './auth.js';
import { contentFailure, httpFailure, tokenFailure, type CallKind, type CollectFailure } from './failures.js';
import { CallError, ContentError } from './http.js';
import { redact } from './redact.js';

/** Thrown when the night cannot go on for anyone (the partner's own token refused, the customer list unreadable). */
export class NightFailed extends UserError {
  constructor(
    message: string,
    readonly failure: CollectFailure,
  ) {
    super(message, 2);
    this.name = 'NightFailed';
  }
}

/** Wraps a step's error with the call it was, so that the failure names the right role. */
export class FailedCall extends Error {
  constructor(
    readonly call: CallKind,
    override readonly cause: unknown,
  ) {
    super(`${call} failed`);
  }
}

/** Runs one call of a customer's unit, labelling its error with the call (token and night errors pass as they are). */
export async function step<T>(call: CallKind, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof TokenError || err instanceof NightFailed || err instanceof FailedCall) throw err;
    throw new FailedCall(call, err);
  }
}

/** The words of the error body Microsoft sent, redacted; Partner Center's MFA refusal is plain text. */
function errorDetail(body: string): string {
  try {
    const doc = JSON.parse(body) as {
      error?: { code?: string; message?: string };
      description?: string;
      message?: string;
    };
    return doc.error?.message ?? doc.description ?? doc.message ?? '';
  } catch {
    // Partner Center's MFA refusal is plain text: "Unauthorized - MFA required".
    return /^[\x20-\x7e]{1,200}$/.test(body) ? body : '';
  }
}

/** Pure: what a call's error means for the operator. */
export function describeCallError(err: unknown, call: CallKind, customer: string): CollectFailure {
  if (err instanceof ContentError) return contentFailure(call, customer, err.message);
  if (err instanceof TokenError) return tokenFailure(err.code, customer, err.error);
  if (err instanceof CallError) {
    if (err.status === 0) return httpFailure(0, call, customer, err.message);
    return httpFailure(err.status, call, customer, redact(errorDetail(err.body)).slice(0, 300));
  }
  return {
    code: 'internal',
    reason: `${call} for ${customer}: ${redact((err as Error).message)}`,
    action: 'report this message',
  };
}
