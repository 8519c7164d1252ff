// `adoption collect` and `adoption auth login|import|status`: fetching the drop from Microsoft and the partner
// token it needs. Kept apart from main.ts so that the command list there only grows by one line.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { formatCollectReport, runCollect } from '../../jobs/collect.js';
import { authSettings, deviceCodeLogin, importToken, readToken, tokenStatus } from '../collect/auth.js';
import { retryPolicy } from '../collect/collect.js';
import { redact } from '../collect/redact.js';
import { UserError } from '../errors.js';
import { createLogger } from '../log.js';
import { dateOption } from './options.js';
import { resolveConfig, type CommonOptions } from './runtime.js';

type Common = (cmd: Command, o?: { exports?: boolean }) => Command;

export function registerCollectCommands(program: Command, common: Common): void {
  common(
    program
      .command('collect')
      .description(
        "Fetch the night's drop from Microsoft Graph and Partner Center into <exports>/<date>/ (DESIGN §2), manifest.json last. " +
          'Resumes where a killed run stopped; a complete drop is left as it is. Exit code 3 when some customers were not collected.',
      )
      .requiredOption('--date <YYYY-MM-DD>', 'the drop to write (its folder name)', dateOption)
      .option('--retry-failed', 'fetch only the customers a previous run could not collect')
      .option('--force', 'fetch the whole drop again, replacing it'),
    { exports: true },
  ).action(async (opts: CommonOptions & { date: string; retryFailed?: boolean; force?: boolean }) => {
    const config = resolveConfig(opts);
    const log = createLogger({ level: opts.logLevel });
    const r = await runCollect(config, log, process.env, opts);
    console.log(formatCollectReport(r));
    if (r.failures.length > 0) process.exitCode = 3;
  });

  const auth = program.command('auth').description("The partner's Microsoft sign-in that collect uses.");
  common(
    auth
      .command('login')
      .description(
        'Sign in with the device-code flow (any browser, with MFA) and store the refresh token in microsoft.tokenFile.',
      )
      .option(
        '--tenant <id>',
        'the partner tenant to sign in to (default: partner.tenantId, else "organizations")',
      ),
  ).action(async (opts: CommonOptions & { tenant?: string }) => {
    const config = resolveConfig(opts);
    const s = authSettings(config, process.env, retryPolicy(config));
    const t = await deviceCodeLogin(s, opts.tenant ?? config.partner.tenantId ?? 'organizations', (l) =>
      console.log(l),
    );
    console.log(
      `signed in as ${t.account ?? 'an unknown account'}; token stored in ${s.tokenFile} (mode 0600)`,
    );
  });
  common(
    auth
      .command('import')
      .description(
        'Store a refresh token obtained elsewhere, read from standard input, in microsoft.tokenFile.',
      ),
  ).action((opts: CommonOptions) => {
    const config = resolveConfig(opts);
    if (process.stdin.isTTY)
      throw new UserError('adoption auth import reads the refresh token from standard input: pipe it in');
    const value = readFileSync(0, 'utf8');
    importToken(config.microsoft.tokenFile, value);
    console.log(
      `token stored in ${config.microsoft.tokenFile} (mode 0600); \`adoption auth status\` shows it`,
    );
  });
  common(
    auth
      .command('status')
      .description('Whose token is stored, when it was last used, and when it expires if unused (90 days).'),
  ).action((opts: CommonOptions) => {
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
  });
}
