// The partner's Microsoft refresh token expires after 90 days unused; collect cannot run after that. The scheduler
// checks it after each collect and alerts while there is still time to sign in again.
import { readToken, tokenStatus } from '../collect/auth.js';
import type { Config } from '../config/schema.js';
import type { Mailer } from '../deliver/mailer.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { alertFailure, type AlertOutcome } from './alerts.js';

/** Alerts the operator while there is still time to sign in again before the refresh token expires unused. */
export async function alertTokenExpiry(deps: {
  config: Config;
  log: Logger;
  env: NodeJS.ProcessEnv;
  now?: (() => number) | undefined;
  alertMailer?: Mailer | undefined;
}): Promise<AlertOutcome | undefined> {
  const { config } = deps;
  let token;
  try {
    token = readToken(config.microsoft.tokenFile);
  } catch (err) {
    token = undefined;
    deps.log.error({ error: errorMessage(err) }, 'cannot read the Microsoft token file');
  }
  const now = (deps.now ?? Date.now)();
  const st = token ? tokenStatus(token, now) : undefined;
  if (st && st.daysLeft >= config.microsoft.tokenAlertDays) return undefined;
  const error = st
    ? `the partner's Microsoft refresh token (${st.account ?? 'unknown account'}) expires on ${st.expiresAt.slice(0, 10)}, in ${st.daysLeft} day(s), unless it is used (it was last used ${st.lastUsedAt}); collect cannot run after that. Run \`adoption auth login\` now.`
    : `no Microsoft token at ${config.microsoft.tokenFile} (microsoft.tokenFile): run \`adoption auth login\``;
  deps.log.warn({ daysLeft: st?.daysLeft }, error);
  return alertFailure(
    config,
    {
      job: 'microsoft-token',
      dueMs: now,
      asOf: new Date(now).toISOString().slice(0, 10),
      error,
      trigger: 'schedule',
      rerun: 'adoption auth login',
    },
    { env: deps.env, log: deps.log, now: deps.now, mailer: deps.alertMailer },
  );
}
