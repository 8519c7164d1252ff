// The actions of collect and auth login|import|status (cli/commands/collect.ts).
import { readFileSync } from 'node:fs';
import { formatCollectReport, runCollect } from '../../jobs/collect.js';
import { resolveConfig, type CommonOptions } from '../../src/cli/runtime.js';
import {
  authSettings,
  deviceCodeLogin,
  importToken,
  readToken,
  tokenStatus,
} from '../../src/collect/auth.js';
import { retryPolicy } from '../../src/collect/collect.js';
import { redact } from '../../src/collect/redact.js';
import { UserError } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';

export async function collectCommand(
  opts: CommonOptions & { date: string; retryFailed?: boolean; force?: boolean },
): Promise<void> {
  const config = resolveConfig(opts);
  const log = createLogger({ level: opts.logLevel });
  const r = await runCollect(
    { config, log },
    {
      asOf: opts.date,
      trigger: 'manual',
      env: process.env,
      retryFailed: opts.retryFailed,
      force: opts.force,
    },
  );
  console.log(formatCollectReport(r));
  if (r.failures.length > 0) process.exitCode = 3;
}

export async function authLoginCommand(opts: CommonOptions & { tenant?: string }): Promise<void> {
  const config = resolveConfig(opts);
  const s = authSettings(config, process.env, retryPolicy(config));
  const t = await deviceCodeLogin(s, opts.tenant ?? config.partner.tenantId ?? 'organizations', (l) =>
    console.log(l),
  );
  console.log(
    `signed in as ${t.account ?? 'an unknown account'}; token stored in ${s.tokenFile} (mode 0600)`,
  );
}

export function authImportCommand(opts: CommonOptions): void {
  const config = resolveConfig(opts);
  if (process.stdin.isTTY)
    throw new UserError('adoption auth import reads the refresh token from standard input: pipe it in');
  const value = readFileSync(0, 'utf8');
  importToken(config.microsoft.tokenFile, value);
  console.log(`token stored in ${config.microsoft.tokenFile} (mode 0600); \`adoption auth status\` shows it`);
}

export function authStatusCommand(opts: CommonOptions): void {
  const config = resolveConfig(opts);
  const t = readToken(config.microsoft.tokenFile);
  if (!t) throw new UserError(`no token at ${config.microsoft.tokenFile}: run \`adoption auth login\``);
  const st = tokenStatus(t, Date.now());
  console.log(
    redact(
      [
        `account:   ${st.account ?? '(unknown until the first use; imported token)'}`,
        `tenant:    ${st.tenantId ?? '(unknown)'}`,
        `last used: ${st.lastUsedAt}`,
        `expires:   ${st.expiresAt} if unused (${st.daysLeft} days left)`,
      ].join('\n'),
    ),
  );
  if (st.daysLeft < config.microsoft.tokenAlertDays) {
    console.log(
      `warning: fewer than ${config.microsoft.tokenAlertDays} days left: run \`adoption auth login\``,
    );
    process.exitCode = st.daysLeft < 0 ? 2 : 0;
  }
}
