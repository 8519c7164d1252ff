// Every call to Microsoft goes through here: a timeout on each request, Retry-After honoured on 429, exponential
// backoff with jitter on 5xx, timeouts and dropped connections, and a redirect policy for the report download (the
// pre-authenticated link is fetched with no Authorization, only on https hosts of an allow-list, or plain http on
// 127.0.0.0/8 for tests). The decisions are pure functions, tested without I/O.
import { isLoopbackHost } from '../config/schema.js';

export interface RetryPolicy {
  timeoutMs: number;
  maxRetries: number;
  backoffBaseMs: number;
  maxRetryAfterMs: number;
  /** 0..1; Math.random unless a test fixes it */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** called once per HTTP request sent (for the calls-per-customer figure) */
  onCall?: () => void;
}

/** Retry-After in seconds or as an HTTP date, in ms from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - nowMs);
}

export interface AttemptOutcome {
  /** HTTP status; 0 for a timeout or a dropped connection */
  status: number;
  retryAfter?: string | null;
}

const RETRYABLE_STATUS = new Set([0, 408, 500, 502, 503, 504]);

/** How long to wait before attempt `attempt + 1`, or undefined to give up. Pure. */
export function retryDelay(
  outcome: AttemptOutcome,
  attempt: number,
  policy: Pick<RetryPolicy, 'maxRetries' | 'backoffBaseMs' | 'maxRetryAfterMs'>,
  random: number,
  nowMs = Date.now(),
): number | undefined {
  if (attempt >= policy.maxRetries) return undefined;
  const backoff = () => Math.round(policy.backoffBaseMs * 2 ** attempt * (0.5 + random));
  if (outcome.status === 429) {
    const asked = parseRetryAfter(outcome.retryAfter, nowMs);
    if (asked !== undefined && asked > policy.maxRetryAfterMs) return undefined;
    // A little jitter on top, so that customers throttled together do not all come back in the same millisecond.
    return asked !== undefined ? asked + Math.round(random * 250) : backoff();
  }
  return RETRYABLE_STATUS.has(outcome.status) ? backoff() : undefined;
}

export function hostAllowed(host: string, allowList: readonly string[]): boolean {
  const h = host.toLowerCase();
  return allowList.some((entry) => {
    const e = entry.toLowerCase();
    return e.startsWith('*.') ? h.endsWith(e.slice(1)) : h === e;
  });
}

/** Why a report's download link must not be followed, or undefined when it may be. Pure. */
export function downloadTargetProblem(
  location: string | null,
  base: string,
  allowList: readonly string[],
): string | undefined {
  if (!location) return 'the 302 has no Location';
  let url: URL;
  try {
    url = new URL(location, base);
  } catch {
    return 'the Location is not a URL';
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname)))
    return `the download link is not https (${url.protocol}//${url.host})`;
  if (!hostAllowed(url.hostname, allowList))
    return `the download host ${url.hostname} is not in collect.downloadHosts`;
  return undefined;
}

/** A failed call after its retries: the status (0: no answer) and what came back. */
export class CallError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body = '',
    readonly retryAfter: string | null = null,
  ) {
    super(message);
    this.name = 'CallError';
  }
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Runs `attempt` (one request, its body read in full) with a timeout, retrying as retryDelay says. `attempt` throws
 * a CallError for an HTTP status it cannot use; anything else thrown with the signal aborted is a timeout.
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  attempt: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const random = policy.random ?? Math.random;
  const sleep = policy.sleep ?? defaultSleep;
  for (let n = 0; ; n++) {
    const signal = AbortSignal.timeout(policy.timeoutMs);
    policy.onCall?.();
    let outcome: AttemptOutcome;
    let error: CallError;
    try {
      return await attempt(signal);
    } catch (err) {
      if (err instanceof ContentError) throw err;
      if (err instanceof CallError) {
        error = err;
        outcome = { status: err.status, retryAfter: err.retryAfter };
      } else {
        const timedOut = signal.aborted;
        error = new CallError(
          timedOut
            ? `no answer within ${policy.timeoutMs / 1000} s`
            : `connection failed (${(err as Error).message})`,
          0,
        );
        outcome = { status: 0 };
      }
    }
    const wait = retryDelay(outcome, n, policy, random());
    if (wait === undefined) throw error;
    await sleep(wait);
  }
}

/** One JSON GET: the parsed body, or a CallError for any status but 200. HTML or malformed JSON is a CallError(200). */
export async function getJson(
  url: string,
  headers: Record<string, string>,
  policy: RetryPolicy,
): Promise<{ text: string; doc: unknown; headers: Headers }> {
  return withRetries(policy, async (signal) => {
    const res = await fetch(url, { headers, signal, redirect: 'manual' });
    const text = await res.text();
    if (res.status !== 200)
      throw new CallError(
        `HTTP ${res.status}`,
        res.status,
        text.slice(0, 2000),
        res.headers.get('retry-after'),
      );
    return { text, doc: parseJsonBody(text, res.headers.get('content-type')), headers: res.headers };
  });
}

/** Thrown for a 200 whose body is not the JSON document expected: never retried, recorded as bad content. */
export class ContentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContentError';
  }
}

export function parseJsonBody(text: string, contentType: string | null): unknown {
  if (/^\s*</.test(text) || (contentType && /html/i.test(contentType)))
    throw new ContentError('an HTML page came back instead of JSON');
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new ContentError(`the JSON is malformed (${(err as Error).message})`);
  }
}
