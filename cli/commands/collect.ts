// `adoption collect` and `adoption auth login|import|status`: fetching the drop from Microsoft and the partner
// token it needs.
import type { Command } from 'commander';
import { dateOption } from '../../src/cli/options.js';
import { common, lazy } from '../common.js';

const actions = () => import('../actions/collect.js');

export function registerCollectCommands(program: Command): void {
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
  ).action(lazy(actions, 'collectCommand'));

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
  ).action(lazy(actions, 'authLoginCommand'));
  common(
    auth
      .command('import')
      .description(
        'Store a refresh token obtained elsewhere, read from standard input, in microsoft.tokenFile.',
      ),
  ).action(lazy(actions, 'authImportCommand'));
  common(
    auth
      .command('status')
      .description('Whose token is stored, when it was last used, and when it expires if unused (90 days).'),
  ).action(lazy(actions, 'authStatusCommand'));
}
