// What every part of a collect night shares: the configuration, the retry policy (which counts the calls), the
// token broker, the endpoints' bases, and Partner Center's request headers with a fresh partner token.
import { randomUUID } from 'node:crypto';
import type { Config } from '../config/schema.js';
import { UserError } from '../errors.js';
import type { Logger } from '../log.js';
import { PARTNER_CENTER_SCOPE, TokenBroker, type AuthSettings } from './auth.js';
import { describeCallError, NightFailed } from './callErrors.js';
import type { RetryPolicy } from './http.js';
import type { ListedCustomer, RecordedFailure } from './plan.js';
import type { NightPaths } from './workDir.js';

export interface CollectResult {
  date: string;
  dropDir: string;
  outcome: 'collected' | 'already_complete' | 'nothing_to_retry';
  customers: number;
  fetchedUnits: number;
  failures: RecordedFailure[];
  unassigned: ListedCustomer[];
  calls: number;
  seconds: number;
}

export interface Night {
  config: Config;
  log: Logger;
  paths: NightPaths;
  policy: RetryPolicy;
  broker: TokenBroker;
  partnerTenant: string;
  /** Graph's and Partner Center's bases, without a trailing slash */
  graphBase: string;
  pcBase: string;
  /** the counts the run reports (calls, units fetched) */
  result: CollectResult;
  /** Partner Center's request headers: the partner's token and new correlation ids for each request */
  pcHeaders(extra?: Record<string, string>): Promise<Record<string, string>>;
}

export function retryPolicy(config: Config, onCall?: () => void): RetryPolicy {
  const c = config.collect;
  return {
    timeoutMs: c.requestTimeoutSeconds * 1000,
    maxRetries: c.maxRetries,
    backoffBaseMs: c.backoffBaseMs,
    maxRetryAfterMs: c.maxRetryAfterSeconds * 1000,
    onCall,
  };
}

export function openNight(
  o: { config: Config; auth: AuthSettings; log: Logger; now?: () => number },
  paths: NightPaths,
  result: CollectResult,
): Night {
  const { config } = o;
  const policy = retryPolicy(config, () => result.calls++);
  const broker = new TokenBroker({ ...o.auth, policy }, o.now);
  const partnerTenant = config.partner.tenantId;
  if (!partnerTenant)
    throw new UserError(
      'partner.tenantId is not set: collect exchanges the Partner Center token at the partner tenant',
    );
  const partnerToken = async (): Promise<string> => {
    try {
      return await broker.accessToken(partnerTenant, PARTNER_CENTER_SCOPE);
    } catch (err) {
      const f = describeCallError(err, 'customers', 'the partner tenant');
      throw new NightFailed(`the Partner Center token was refused: ${f.reason}. ${f.action}`, f);
    }
  };
  const endpoints = config.microsoft.endpoints;
  return {
    config,
    log: o.log,
    paths,
    policy,
    broker,
    partnerTenant,
    graphBase: endpoints.graph.replace(/\/+$/, ''),
    pcBase: endpoints.partnerCenter.replace(/\/+$/, ''),
    result,
    pcHeaders: async (extra = {}) => ({
      authorization: `Bearer ${await partnerToken()}`,
      accept: 'application/json',
      'ms-correlationid': randomUUID(),
      'ms-requestid': randomUUID(),
      ...extra,
    }),
  };
}
